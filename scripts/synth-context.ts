import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';

/**
 * The CDK context `ampx` passes to amplify/backend.ts, for offline synths and tests, with the
 * backend identifier ampx would use, so the stack name a local synth prints is the one that deploys:
 * - `ampx sandbox [--identifier <name>]`: namespace = package.json `name`, name = the identifier
 *   (default: the OS user name), type sandbox;
 * - `ampx pipeline-deploy --branch <b> --app-id <id>`: namespace = the Amplify app id, name = the
 *   branch, type branch.
 */
export type SynthIdentifier =
  | { type: 'sandbox'; name: string }
  | { type: 'branch'; name: string; appId: string };

export interface AmplifyBackendIdentifier {
  namespace: string;
  name: string;
  type: 'sandbox' | 'branch';
}

const REPO = join(import.meta.dirname, '..');

/** The Amplify app id offline branch synths use when none is given (tests, the event-flow map). */
export const OFFLINE_APP_ID = 'd1testapp0bootalk';

/** What `ampx sandbox` reads as the namespace: the `name` in the package.json it runs next to. */
export function sandboxNamespace(): string {
  const { name } = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { name?: string };
  if (!name) throw new Error('package.json has no "name": ampx uses it as the sandbox namespace.');
  return name;
}

/** What `ampx sandbox` names a sandbox without --identifier: the OS user name (not $USER). */
export function defaultSandboxName(): string {
  try {
    return userInfo().username;
  } catch {
    throw new Error('No OS user name to name the sandbox after (ampx uses it): pass --sandbox <name>.');
  }
}

export function amplifyBackendIdentifier(identifier: SynthIdentifier): AmplifyBackendIdentifier {
  return identifier.type === 'sandbox'
    ? { namespace: sandboxNamespace(), name: identifier.name, type: 'sandbox' }
    : { namespace: identifier.appId, name: identifier.name, type: 'branch' };
}

export function synthContext(
  identifier: SynthIdentifier,
  options: { bundle: boolean },
): Record<string, unknown> {
  const { namespace, name, type } = amplifyBackendIdentifier(identifier);
  return {
    'amplify-backend-namespace': namespace,
    'amplify-backend-name': name,
    'amplify-backend-type': type,
    ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
  };
}

/** The CloudFormation stack a synthesized cloud assembly deploys as (its one top-level stack). */
export function synthesizedStackName(outdir: string): string {
  const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as {
    artifacts: Record<string, { type: string; properties?: { stackName?: string } }>;
  };
  const stacks = Object.entries(manifest.artifacts).filter(
    ([, artifact]) => artifact.type === 'aws:cloudformation:stack',
  );
  if (stacks.length !== 1) throw new Error(`Expected one stack in ${outdir}, found ${stacks.length}`);
  const [id, artifact] = stacks[0]!;
  return artifact.properties?.stackName ?? id;
}
