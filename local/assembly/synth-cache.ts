import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { LocalSandboxError } from '../dynamodb/dynamodb-local';
import { bundleFunctions } from '../lambda/bundling/amplify-bundling';
import { FUNCTION_BUNDLES, functionNames } from './functions';

/**
 * The offline synth the sandbox runs on: reused when nothing it depends on has changed
 * (amplify/, the lock file, the synth script), redone otherwise.
 *
 * The synth itself skips bundling (CDK's `aws:cdk:bundling-stacks` empty); the functions are
 * bundled beside it, all in one esbuild pass with the deploy's options, into
 * `<outdir>/function-bundles/<name>/`. Measured on this machine (29 functions): the synth with
 * bundling took 53.1 s, 43 s of it CDK running esbuild once per function; without, 9.5 s, and
 * the one pass 5.7 s, both at once on the two cores.
 */

export const SANDBOX_NAME = 'local';
const INPUTS = [
  'amplify',
  'package-lock.json',
  'scripts/synth.ts',
  'scripts/synth-context.ts',
  'tsconfig.json',
];

function filesUnder(path: string): string[] {
  if (!existsSync(path)) return [];
  if (statSync(path).isFile()) return [path];
  return readdirSync(path, { withFileTypes: true })
    .filter((entry) => entry.name !== 'node_modules' && !entry.name.startsWith('.'))
    .flatMap((entry) => filesUnder(join(path, entry.name)))
    .sort();
}

export function synthInputsHash(root: string, context: Record<string, string> = {}): string {
  const hash = createHash('sha256').update(`sandbox:${SANDBOX_NAME}\n`);
  // Extra context (an adoption file for a Gen 1 rehearsal): its values and the files they name.
  for (const [key, value] of Object.entries(context).sort()) {
    hash.update(`${key}=${value}\0`);
    if (existsSync(value) && statSync(value).isFile()) hash.update(readFileSync(value)).update('\0');
  }
  for (const file of INPUTS.flatMap((input) => filesUnder(join(root, input)))) {
    hash.update(relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

export interface SynthResult {
  outdir: string;
  reused: boolean;
  durationMs: number;
}

export async function synthesize(
  root: string,
  outdir: string,
  options: { force?: boolean; context?: Record<string, string> } = {},
): Promise<SynthResult> {
  const started = Date.now();
  const stamp = join(outdir, '.inputs-hash');
  const context = options.context ?? {};
  const hash = synthInputsHash(root, context);
  if (
    !options.force &&
    existsSync(join(outdir, 'manifest.json')) &&
    existsSync(join(outdir, FUNCTION_BUNDLES)) &&
    existsSync(stamp) &&
    readFileSync(stamp, 'utf8') === hash
  ) {
    return { outdir, reused: true, durationMs: Date.now() - started };
  }
  // Bundled outside outdir, which the synth empties first; moved in when both are done.
  const staging = `${outdir}.bundling`;
  rmSync(staging, { recursive: true, force: true });
  const bundling = bundleFunctions(root, [...functionNames(root)], staging).catch((error: Error) => error);
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'scripts/synth.ts',
      '--quiet',
      '--no-bundle',
      '--sandbox',
      SANDBOX_NAME,
      '--out',
      outdir,
      ...Object.entries(context).flatMap(([key, value]) => ['-c', `${key}=${value}`]),
    ],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        AMPLIFY_DISABLE_TELEMETRY: '1',
        // CDK's built-in template validation (2.7 s of the synth's 10.5 s CPU here) only ever
        // warns unless a context flag makes it fail, and nobody reads the sandbox synth's
        // warnings; the deploy's synth and the infra tests (cdk-nag) keep their validation.
        CDK_VALIDATION: 'false',
      },
    },
  );
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  const bundleError = await bundling;
  if (code !== 0 || bundleError) rmSync(staging, { recursive: true, force: true });
  if (code !== 0) {
    const message = output
      .split('\n')
      .filter((line) => !/deprecated|addResourceDependency|^\s*$/.test(line))
      .join('\n')
      .trim();
    throw new LocalSandboxError(`The backend did not synthesize:\n${message}`);
  }
  if (bundleError) throw new LocalSandboxError(`The functions did not bundle:\n${bundleError.message}`);
  renameSync(staging, join(outdir, FUNCTION_BUNDLES));
  writeFileSync(stamp, hash);
  return { outdir, reused: false, durationMs: Date.now() - started };
}

/** The synth the sandbox runs, with what it takes to synthesize it again (watch mode). */
export interface SynthesizedBackend {
  outdir: string;
  synthOut: string;
  context: Record<string, string>;
}
