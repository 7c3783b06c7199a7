import { beforeAll, describe, expect, it } from 'vitest';
import { type Synth, synthAll } from './synth';

/**
 * Branches whose names used to give them dev's prefix (`develop`) or each other's (two names
 * alike in their first 20 characters), synthesized next to dev and the sandbox that share their
 * account: every name they give a resource is their own.
 */

const KEYS = ['sandbox', 'dev', 'develop', 'previewAlpha', 'previewBeta'] as const;
type Key = (typeof KEYS)[number];

const PREFIXES: Record<Key, string> = {
  sandbox: 'sandbox-alice-',
  dev: 'dev-',
  develop: 'dev-develop-',
  previewAlpha: 'dev-feature-chat-reac-a1207e-',
  previewBeta: 'dev-feature-chat-reac-744b22-',
};

/** The property that holds a resource's own name, for the types the custom stacks name. */
const NAME_PROPERTIES: Record<string, string> = {
  'AWS::SNS::Topic': 'TopicName',
  'AWS::SQS::Queue': 'QueueName',
  'AWS::DynamoDB::Table': 'TableName',
  'AWS::Pinpoint::App': 'Name',
  'AWS::ApiGateway::RestApi': 'Name',
  'AWS::KMS::Alias': 'AliasName',
};

const PRODUCTION_URLS = ['https://api.bootalk.co.kr', 'https://bootalk.co.kr', 'https://www.bootalk.co.kr'];

let synths: Record<Key, Synth>;

// Three of these deployments are synthesized for this file only: more than the default hook time
// on a busy machine.
beforeAll(async () => {
  synths = await synthAll(KEYS);
}, 900_000);

/** Every literal name given to a resource of the types above, without the KMS `alias/` part. */
function ownNames(deployment: Synth): string[] {
  return Object.entries(NAME_PROPERTIES)
    .flatMap(([type, property]) =>
      deployment.resourcesOfType(type).map(({ resource }) => resource.Properties?.[property]),
    )
    .filter((name): name is string => typeof name === 'string')
    .map((name) => name.replace(/^alias\//, ''))
    .sort();
}

function functionVariable(deployment: Synth, variable: string): string[] {
  return [
    ...new Set(
      deployment
        .resourcesOfType('AWS::Lambda::Function')
        .map(
          ({ resource }) =>
            (resource.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)
              ?.Variables?.[variable],
        )
        .filter((value): value is string => typeof value === 'string'),
    ),
  ];
}

describe('preview deployments', () => {
  it.each(KEYS)('starts every resource name of %s with its own prefix', (key) => {
    const names = ownNames(synths[key]);
    expect(names.length).toBeGreaterThan(10);
    expect(names.filter((name) => !name.startsWith(PREFIXES[key]))).toEqual([]);
  });

  it('gives dev, develop, the sandbox and the two previews no resource name in common', () => {
    const names = KEYS.flatMap((key) => ownNames(synths[key]));
    const repeated = names.filter((name, index) => names.indexOf(name) !== index);
    expect(repeated).toEqual([]);
    expect(names).toHaveLength(KEYS.length * ownNames(synths.dev).length);
  });

  it('gives each its own SSM path and Sentry environment', () => {
    expect(KEYS.map((key) => functionVariable(synths[key], 'SSM_PREFIX'))).toEqual([
      ['/bootalk/sandbox/alice/'],
      ['/bootalk/dev/'],
      ['/bootalk/dev/develop/'],
      ['/bootalk/dev/feature-chat-reac-a1207e/'],
      ['/bootalk/dev/feature-chat-reac-744b22/'],
    ]);
    expect(KEYS.map((key) => functionVariable(synths[key], 'SENTRY_ENVIRONMENT'))).toEqual([
      ['sandbox'],
      ['dev'],
      ['dev-develop'],
      ['dev-feature-chat-reac-a1207e'],
      ['dev-feature-chat-reac-744b22'],
    ]);
  });

  it.each(['develop', 'previewAlpha', 'previewBeta'] as const)('points %s at no production URL', (key) => {
    const text = synths[key].templates.map(({ json }) => JSON.stringify(json)).join('\n');
    expect(PRODUCTION_URLS.filter((url) => text.includes(`"${url}`))).toEqual([]);
    expect(text).toContain('https://api-dev.bootalk.co.kr');
  });
});
