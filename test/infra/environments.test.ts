import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { type BackendIdentifier, deploymentQualifier, deploymentSettings } from '../../amplify/environment';
import { type Synth, synthAll, TEST_APP_ID } from './synth';

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
  'stream-failures',
  'otp-challenges',
  'idempotency',
  'bootalk-push',
  'bootalk-api',
];

const PREFIXES = {
  sandbox: 'sandbox-alice-',
  dev: 'dev-',
  staging: 'staging-',
  prod: '',
  // Previews: `develop` is one like any other; names over 24 characters are cut and hashed.
  develop: 'dev-develop-',
  previewAlpha: 'dev-feature-chat-reac-a1207e-',
  previewBeta: 'dev-feature-chat-reac-744b22-',
};
type Key = keyof typeof PREFIXES;
const NON_PROD = ['sandbox', 'dev', 'staging', 'develop', 'previewAlpha', 'previewBeta'] as const;
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

let synths: Record<Key, Synth>;

beforeAll(async () => {
  synths = await synthAll(Object.keys(PREFIXES) as Key[]);
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
      expect(ownResourceNames(synths[key as Key])).toEqual(
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
      const [fn] = synths[key as Key]
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

describe('deployments sharing an account', () => {
  it('gives dev, develop and two previews whose names differ after 24 characters disjoint resource names', () => {
    const keys = ['sandbox', 'dev', 'staging', 'develop', 'previewAlpha', 'previewBeta'] as const;
    const names = keys.flatMap((key) => ownResourceNames(synths[key], ALL_NAMED_RESOURCES));
    expect(names.length).toBe(keys.length * ownResourceNames(synths.dev, ALL_NAMED_RESOURCES).length);
    expect(new Set(names).size).toBe(names.length);
  });

  it("names each deployment's SSM parameters under its own path", () => {
    const ssmPrefixes = NON_PROD.map((key) => functionVariable(synths[key], 'SSM_PREFIX'));
    expect(ssmPrefixes).toEqual([
      '/bootalk/sandbox/alice/',
      '/bootalk/dev/',
      '/bootalk/staging/',
      '/bootalk/dev/develop/',
      '/bootalk/dev/feature-chat-reac-a1207e/',
      '/bootalk/dev/feature-chat-reac-744b22/',
    ]);
  });
});

/** One variable every function gets from the deployment (amplify/environment.ts), read from conversation-link. */
function functionVariable(deployment: Synth, name: string): string | undefined {
  const [fn] = deployment
    .resourcesOfType('AWS::Lambda::Function')
    .filter(({ resource }) =>
      (resource.Properties?.Tags as { Key: string; Value: string }[] | undefined)?.some(
        (tag) => tag.Key === 'amplify:friendly-name' && tag.Value === 'conversation-link',
      ),
    );
  return (fn?.resource.Properties?.Environment as { Variables: Record<string, string> } | undefined)
    ?.Variables[name];
}

describe('branch and sandbox names → deployment names', () => {
  const branch = (name: string): BackendIdentifier => ({ namespace: TEST_APP_ID, name, type: 'branch' });
  const sandbox = (name: string): BackendIdentifier => ({
    namespace: 'bootalk-amplify',
    name,
    type: 'sandbox',
  });

  /** Names that used to share a prefix: aliases, cuts at 20 characters, and characters the slug drops. */
  const COLLIDING = [
    branch('main'),
    branch('staging'),
    branch('dev'),
    branch('develop'),
    branch('feature-chat-reactions-alpha'),
    branch('feature-chat-reactions-beta'),
    branch('feature/chat'),
    branch('feature-chat'),
    branch('Feature-Chat'),
    branch('feature_chat'),
    branch('feature--chat'),
    branch('feature.chat.'),
    branch('x-abcdef'),
    branch('x-abcdef-0af955'),
    branch('릴리스'),
    branch('배포'),
    branch(`release-${'9'.repeat(40)}-1`),
    branch(`release-${'9'.repeat(40)}-2`),
    sandbox('alice'),
    sandbox('Alice'),
    sandbox('feature-chat'),
  ];

  it('gives every one of them its own name prefix, SSM path and Sentry environment where it has one', () => {
    const settings = COLLIDING.map(deploymentSettings);
    const prefixes = settings.map((deployment) => deployment.namePrefix);
    expect(new Set(prefixes).size).toBe(COLLIDING.length);
    expect(new Set(settings.map((deployment) => deployment.ssmPrefix)).size).toBe(COLLIDING.length);
    // Sandboxes all report as `sandbox` (one developer each); every branch has its own.
    const sentry = settings
      .filter((deployment) => deployment.stage !== 'sandbox')
      .map((d) => d.sentryEnvironment);
    expect(new Set(sentry).size).toBe(sentry.length);
  });

  it('keeps the fixed branches on their stage names and prod unprefixed', () => {
    expect(deploymentSettings(branch('main'))).toMatchObject({
      stage: 'prod',
      namePrefix: '',
      ssmPrefix: '/bootalk/prod/',
    });
    expect(deploymentSettings(branch('staging'))).toMatchObject({ stage: 'staging', namePrefix: 'staging-' });
    expect(deploymentSettings(branch('dev'))).toMatchObject({
      stage: 'dev',
      namePrefix: 'dev-',
      sentryEnvironment: 'dev',
    });
  });

  it('deploys develop as a preview of its own, not as a second dev', () => {
    expect(deploymentSettings(branch('develop'))).toMatchObject({
      stage: 'dev',
      namePrefix: 'dev-develop-',
      ssmPrefix: '/bootalk/dev/develop/',
      sentryEnvironment: 'dev-develop',
    });
  });

  it('keeps a clean short name as it is and hashes any other, stably', () => {
    expect(deploymentQualifier('alice')).toBe('alice');
    expect(deploymentQualifier('feature-chat')).toBe('feature-chat');
    expect(deploymentQualifier('feature/chat')).toBe('feature-chat-0e1047');
    expect(deploymentQualifier('Feature-Chat')).toBe('feature-chat-240ea7');
    expect(deploymentQualifier('feature-chat-reactions-alpha')).toBe('feature-chat-reac-a1207e');
    // A clean name that looks hashed is hashed itself, so it cannot take another name's qualifier.
    expect(deploymentQualifier('x-abcdef')).toBe('x-abcdef-0af955');
    // Nothing left after normalizing: the hash alone tells them apart.
    expect(deploymentQualifier('릴리스')).toMatch(/^x-[0-9a-f]{6}$/);
    expect(deploymentQualifier('constructor')).toBe('constructor');
    expect(deploymentSettings(branch('constructor')).namePrefix).toBe('dev-constructor-');
  });

  it('gives any two different names different qualifiers of at most 24 name-safe characters', () => {
    // Names built from few characters, so many of them normalize or cut to the same slug.
    const name = fc.stringMatching(/^[a-zA-Z0-9/_.-]{1,40}$/);
    fc.assert(
      fc.property(name, name, (a, b) => {
        const [qa, qb] = [deploymentQualifier(a), deploymentQualifier(b)];
        expect(qa).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
        expect(qa.length).toBeLessThanOrEqual(24);
        expect(deploymentQualifier(a)).toBe(qa);
        if (a !== b) expect(qa).not.toBe(qb);
      }),
      { numRuns: 2000 },
    );
  });
});
