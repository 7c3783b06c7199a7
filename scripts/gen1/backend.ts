/** This backend's side of the comparison, read from a synth without bundles (no AWS). */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type CloudAssembly, loadCloudAssembly } from '../../local/assembly/cloud-assembly';
import { createResolver } from '../../local/assembly/intrinsics';
import { readInventory } from '../../local/assembly/inventory';
import type { BackendSide } from './compare';

const ROOT = resolve(import.meta.dirname, '../..');
const URLS = {
  awsUrl: 'http://127.0.0.1:1',
  graphqlUrl: 'https://127.0.0.1:2/graphql',
  realtimeUrl: 'wss://127.0.0.1:2/graphql/realtime',
  restApiUrl: 'http://127.0.0.1:3',
};

/** Synthesizes the backend for a Gen 2 branch (`sandbox` for a sandbox) into a temporary folder. */
export function synthesizeBackend(branch: string): string {
  const out = mkdtempSync(join(tmpdir(), 'bootalk-gen1-check-'));
  const target = branch === 'sandbox' ? ['--sandbox', 'gen1-check'] : ['--branch', branch];
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'scripts/synth.ts', ...target, '--no-bundle', '--quiet', '--out', out],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (result.status !== 0) {
    rmSync(out, { recursive: true, force: true });
    throw new Error(`The synth of this backend failed:\n${result.stderr}`);
  }
  return out;
}

export function backendSide(assemblyDir: string): BackendSide {
  const loaded = loadCloudAssembly(assemblyDir);
  // Synthesized without bundles: function code assets are absent and not needed.
  const assembly: CloudAssembly = {
    ...loaded,
    assetPath: (hash) => {
      try {
        return loaded.assetPath(hash);
      } catch {
        return join(assemblyDir, `asset.${hash}`);
      }
    },
  };
  const inventory = readInventory(assembly, URLS, { functionNames: new Set() });
  const resolver = createResolver(URLS);
  const pools = assembly.stacks.flatMap((stack) =>
    Object.values(stack.template.Resources ?? {})
      .filter((resource) => resource.Type === 'AWS::Cognito::UserPool')
      .map((resource) => resolver.resolve(stack, resource.Properties ?? {}) as Record<string, unknown>),
  );
  if (pools.length !== 1) throw new Error(`Expected one user pool in the synth, found ${pools.length}.`);
  const pool = pools[0]!;
  const schema = (pool.Schema ?? []) as { Name: string; Required?: boolean }[];
  const standard = (name: string) => !name.startsWith('custom:') && !/^[a-z]+[A-Z]/.test(name);
  return {
    tables: inventory.tables,
    userPool: {
      usernameAttributes: ((pool.UsernameAttributes ?? []) as string[]).map((name) => name.toLowerCase()),
      aliasAttributes: ((pool.AliasAttributes ?? []) as string[]).map((name) => name.toLowerCase()),
      requiredAttributes: schema
        .filter((attribute) => attribute.Required)
        .map((a) => a.Name)
        .sort(),
      customAttributes: schema
        .filter((attribute) => !standard(attribute.Name) || attribute.Name.startsWith('custom:'))
        .map((attribute) =>
          attribute.Name.startsWith('custom:') ? attribute.Name : `custom:${attribute.Name}`,
        )
        .sort(),
      usernameCaseSensitive:
        (pool.UsernameConfiguration as { CaseSensitive?: boolean } | undefined)?.CaseSensitive === true,
      mfaConfiguration: String(pool.MfaConfiguration ?? 'OFF'),
      triggers: Object.keys((pool.LambdaConfig ?? {}) as object).sort(),
    },
  };
}

export function removeSynth(dir: string): void {
  if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
}
