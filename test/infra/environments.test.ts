import { beforeAll, describe, expect, it } from 'vitest';
import { type Synth, synthAll } from './synth';

const PRODUCTION_API_URL = 'https://api.bootalk.co.kr';
/** The production web hosts: CORS origins and where share links open. */
const PRODUCTION_URLS = [PRODUCTION_API_URL, 'https://bootalk.co.kr', 'https://www.bootalk.co.kr'];
const SHARE_LINK_BASE_URLS = {
  sandbox: 'http://localhost:3000/s/',
  dev: 'https://dev.bootalk.co.kr/s/',
  staging: 'https://staging.bootalk.co.kr/s/',
  prod: 'https://bootalk.co.kr/s/',
};

/** The names the custom stacks give their resources, before the deployment's prefix. */
const OWN_NAMES = [
  'chat-events',
  'user-events',
  'push',
  'push-dlq',
  'notice',
  'notice-dlq',
  'legacy-relay',
  'legacy-relay-dlq',
  'message-sent',
  'message-sent-dlq',
  'stream-failures',
  'alarms',
  'otp-challenges',
  'idempotency',
  'bootalk-push',
  'bootalk-api',
];

const PREFIXES: Record<'sandbox' | 'dev' | 'staging' | 'prod', string> = {
  sandbox: 'sandbox-alice-',
  dev: 'dev-',
  staging: 'staging-',
  prod: '',
};
const NON_PROD = ['sandbox', 'dev', 'staging'] as const;
const CUSTOM_STACKS = ['messaging', 'push', 'rest-api', 'tables'];
/** The property that holds the name of each resource type the custom stacks name. */
const NAMED_RESOURCES: Record<string, string> = {
  'AWS::SNS::Topic': 'TopicName',
  'AWS::SQS::Queue': 'QueueName',
  'AWS::DynamoDB::Table': 'TableName',
  'AWS::Pinpoint::App': 'Name',
  'AWS::ApiGateway::RestApi': 'Name',
};
/** Names derived from the ones above, which must not leak either. */
const DERIVED_NAMES: Record<string, string> = {
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::KMS::Alias': 'AliasName',
  'AWS::CloudWatch::Alarm': 'AlarmName',
};
const ALL_NAMED_RESOURCES = { ...NAMED_RESOURCES, ...DERIVED_NAMES };

let synths: Record<keyof typeof PREFIXES, Synth>;

beforeAll(async () => {
  synths = await synthAll(['sandbox', 'dev', 'staging', 'prod']);
});

/** Every literal name a custom stack gives one of its resources. */
function ownResourceNames(deployment: Synth, nameProperties = NAMED_RESOURCES): string[] {
  return CUSTOM_STACKS.flatMap((stack) =>
    Object.values(deployment.templateFile(stack).json.Resources ?? {})
      .map((resource) => resource.Properties?.[nameProperties[resource.Type] ?? ''])
      .filter((name): name is string => typeof name === 'string'),
  ).sort();
}

function allStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(allStrings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(allStrings);
  return [];
}

/** Strings in any template of the synth that are, or end in, one of `names` (as a whole name or ARN/URL tail). */
function productionLeaks(deployment: Synth, names: string[]): string[] {
  const leaks = new Set<string>();
  for (const { json } of deployment.templates) {
    for (const text of allStrings(json)) {
      if (PRODUCTION_URLS.some((url) => text.includes(url))) leaks.add(text);
      for (const name of names) {
        if (text === name || text.endsWith(`:${name}`) || text.endsWith(`/${name}`)) leaks.add(text);
      }
    }
  }
  return [...leaks];
}

describe('environments', () => {
  it.each(Object.entries(PREFIXES))(
    "prefixes every resource name of the %s deployment with '%s'",
    (key, prefix) => {
      expect(ownResourceNames(synths[key as keyof typeof PREFIXES])).toEqual(
        OWN_NAMES.map((name) => `${prefix}${name}`).sort(),
      );
    },
  );

  it('names the prod resources without a prefix', () => {
    const prodNames = ownResourceNames(synths.prod);
    expect(prodNames).toContain('chat-events');
    expect(prodNames).toContain('otp-challenges');
  });

  it.each(NON_PROD)('puts no production URL or production resource name in the %s templates', (key) => {
    const productionNames = ownResourceNames(synths.prod, ALL_NAMED_RESOURCES);
    expect(productionNames.length).toBeGreaterThan(OWN_NAMES.length);
    expect(productionLeaks(synths[key], productionNames)).toEqual([]);
  });

  it('would notice production names and the production URL (prod itself has both)', () => {
    const leaks = productionLeaks(synths.prod, ownResourceNames(synths.prod, ALL_NAMED_RESOURCES));
    expect(leaks).toContain('chat-events');
    expect(leaks).toContain(PRODUCTION_API_URL);
    expect(leaks).toContain(SHARE_LINK_BASE_URLS.prod);
  });

  it.each(Object.entries(SHARE_LINK_BASE_URLS))(
    'gives conversation-link the %s share-link base %s and the share-link secret by reference only',
    (key, baseUrl) => {
      const [fn] = synths[key as keyof typeof PREFIXES]
        .resourcesOfType('AWS::Lambda::Function')
        .filter(({ resource }) =>
          (resource.Properties?.Tags as { Key: string; Value: string }[] | undefined)?.some(
            (tag) => tag.Key === 'amplify:friendly-name' && tag.Value === 'conversation-link',
          ),
        );
      const variables = (fn!.resource.Properties!.Environment as { Variables: Record<string, string> })
        .Variables;
      expect(variables.SHARE_LINK_BASE_URL).toBe(baseUrl);
      expect(Object.keys(JSON.parse(variables.AMPLIFY_SSM_ENV_CONFIG!))).toContain('SHARE_LINK_SECRET');
      expect(variables.SHARE_LINK_SECRET).toBe('<value will be resolved during runtime>');
    },
  );
});
