import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BackendIdentifier, deploymentQualifier, deploymentSettings } from '../../amplify/environment';
import { TEST_APP_ID } from './synth';

/**
 * Branch and sandbox names → the names a deployment gives its resources (amplify/environment.ts),
 * without synthesizing: preview-deployments.test.ts checks the synthesized templates.
 */

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
