import { LocalNamespaceResolver } from '@aws-amplify/backend-cli/lib/backend-identifier/local_namespace_resolver.js';
import { PipelineDeployCommand } from '@aws-amplify/backend-cli/lib/commands/pipeline-deploy/pipeline_deploy_command.js';
import { SandboxBackendIdResolver } from '@aws-amplify/backend-cli/lib/commands/sandbox/sandbox_id_resolver.js';
import { BackendIdentifierConversions, PackageJsonReader } from '@aws-amplify/platform-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { amplifyBackendIdentifier, defaultSandboxName } from '../../scripts/synth-context';
import { type Synth, synthAll, TEST_APP_ID } from './synth';

/**
 * `npm run synth` and the infra tests synthesize under the backend identifier ampx itself would
 * use, asked of ampx's own code (the resolvers `ampx sandbox` uses and the `pipeline-deploy`
 * command with a deployer that only records what it was asked to deploy), so a stack name printed
 * locally is the one that deploys.
 */

/** How `ampx sandbox [--identifier <name>]` resolves its backend identifier, run from the repository root. */
const ampxSandbox = new SandboxBackendIdResolver(new LocalNamespaceResolver(new PackageJsonReader()));

async function ampxPipelineDeploy(branch: string, appId: string): Promise<unknown> {
  let deployed: unknown;
  const command = new PipelineDeployCommand(
    { generateClientConfigToFile: async () => {} } as never,
    {
      deploy: async (backendId: unknown) => {
        deployed = backendId;
        return { deploymentTimes: {} };
      },
    } as never,
    true,
  );
  await command.handler({ branch, appId, outputsVersion: '1.4', _: [], $0: 'ampx' } as never);
  return deployed;
}

let synths: Record<'sandbox' | 'dev' | 'prod', Synth>;

beforeAll(async () => {
  synths = await synthAll(['sandbox', 'dev', 'prod']);
});

describe('backend identifiers', () => {
  it('synthesizes a sandbox under the identifier `ampx sandbox --identifier` resolves', async () => {
    const identifier = amplifyBackendIdentifier({ type: 'sandbox', name: 'alice' });
    expect(identifier).toEqual(await ampxSandbox.resolve('alice'));
    expect(identifier.namespace).toBe('bootalk-amplify');
  });

  it('names a sandbox after the OS user when no identifier is given, as `ampx sandbox` does', async () => {
    expect(defaultSandboxName()).toBe((await ampxSandbox.resolve()).name);
  });

  it('synthesizes a branch under the identifier `ampx pipeline-deploy --branch --app-id` deploys', async () => {
    for (const branch of ['main', 'feature/chat-reactions']) {
      expect(amplifyBackendIdentifier({ type: 'branch', name: branch, appId: TEST_APP_ID })).toEqual(
        await ampxPipelineDeploy(branch, TEST_APP_ID),
      );
    }
  });

  it('gives each synthesized deployment the stack name ampx deploys it as', () => {
    const { sandbox, dev, prod } = synths;
    const stackName = BackendIdentifierConversions.toStackName;
    expect(sandbox.stackName).toBe(
      stackName({ namespace: 'bootalk-amplify', name: 'alice', type: 'sandbox' }),
    );
    expect(sandbox.stackName).toMatch(/^amplify-bootalkamplify-alice-sandbox-[0-9a-f]{10}$/);
    expect(dev.stackName).toBe(stackName({ namespace: TEST_APP_ID, name: 'dev', type: 'branch' }));
    expect(prod.stackName).toBe(stackName({ namespace: TEST_APP_ID, name: 'main', type: 'branch' }));
  });
});
