import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '../..');
const functionsRoot = join(repoRoot, 'amplify/functions');

/** Every function folder: a folder under amplify/functions with a resource.ts (not the shared runtime). */
export function functionFolders(): string[] {
  if (!existsSync(functionsRoot)) return [];
  return readdirSync(functionsRoot, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(functionsRoot, entry.name, 'resource.ts')))
    .map((entry) => entry.name)
    .sort();
}

/** Synthesizes the sandbox backend with esbuild bundling on, exactly as a deploy would. */
export function synthesizeWithBundles(): string {
  const outdir = mkdtempSync(join(tmpdir(), 'bootalk-bundles-'));
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'scripts/synth.ts', '--quiet', '--sandbox', 'bundlecheck', '--out', outdir],
    { cwd: repoRoot, encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`synth failed:\n${result.stderr}`);
  return outdir;
}

interface LambdaResource {
  Type: string;
  Properties: { Code?: { S3Key?: unknown }; Tags?: { Key: string; Value: string }[] };
}

/** Amplify tags each function with its name; its code is the asset whose hash names the zip. */
export function bundleFoldersByFunctionName(outdir: string): Map<string, string> {
  const bundles = new Map<string, string>();
  for (const file of readdirSync(outdir).filter((name) => name.endsWith('.template.json'))) {
    const template = JSON.parse(readFileSync(join(outdir, file), 'utf8')) as {
      Resources?: Record<string, LambdaResource>;
    };
    for (const resource of Object.values(template.Resources ?? {})) {
      if (resource.Type !== 'AWS::Lambda::Function') continue;
      const name = resource.Properties.Tags?.find((tag) => tag.Key === 'amplify:friendly-name')?.Value;
      const key = resource.Properties.Code?.S3Key;
      if (!name || typeof key !== 'string') continue;
      bundles.set(name, join(outdir, `asset.${key.replace(/\.zip$/, '')}`));
    }
  }
  return bundles;
}

export interface LoadResult {
  ok: boolean;
  handlerType?: string;
  error?: string;
}

/**
 * Copies a bundle folder somewhere with no node_modules above it and imports it in a fresh
 * Node process with a Lambda-like environment: whatever the bundle needs must be inside it.
 */
export function loadBundleInIsolation(bundleFolder: string, env: Record<string, string> = {}): LoadResult {
  const isolated = mkdtempSync(join(tmpdir(), 'bootalk-lambda-'));
  cpSync(bundleFolder, isolated, { recursive: true });
  const result = spawnSync(
    process.execPath,
    [join(import.meta.dirname, 'load-bundle.mjs'), join(isolated, 'index.mjs')],
    {
      cwd: isolated,
      encoding: 'utf8',
      timeout: 30_000,
      env: {
        PATH: process.env.PATH ?? '',
        AWS_REGION: 'ap-northeast-2',
        AWS_LAMBDA_FUNCTION_NAME: 'bundle-check',
        AWS_ACCESS_KEY_ID: 'bundle-check',
        AWS_SECRET_ACCESS_KEY: 'bundle-check',
        ...env,
      },
    },
  );
  try {
    return JSON.parse(result.stdout) as LoadResult;
  } catch {
    return { ok: false, error: `no result (exit ${result.status}): ${result.stderr}` };
  }
}
