import { beforeAll, describe, expect, it } from 'vitest';
import { type Synth, synthAll } from './synth';

const PRODUCTION_API_URL = 'https://api.bootalk.co.kr';

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
  'stream-failures',
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
      if (text.includes(PRODUCTION_API_URL)) leaks.add(text);
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
  });
});
