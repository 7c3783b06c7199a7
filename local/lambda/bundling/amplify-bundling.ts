import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { EOL } from 'node:os';
import { dirname, join } from 'node:path';
import { type BuildOptions, build, type Metafile, stop } from 'esbuild';

/**
 * Function code bundled the way Amplify bundles it for a deploy (@aws-amplify/backend-function:
 * a CDK NodejsFunction with esbuild, ESM, minified, with source maps, Amplify's SSM banner and
 * CJS shim, the AWS SDK inside). test/deploy/function-bundles.test.ts holds the sandbox to it:
 * every bundle built here equals the deploy synth's, byte for byte but the source map URL.
 */

/** Where a function's code starts (defineFunction's default entry beside resource.ts). */
export const entryOf = (root: string, functionName: string) =>
  join(root, 'amplify/functions', functionName, 'handler.ts');

/** Amplify's banner: resolves the function's SSM secrets before the handler module runs. */
function amplifyBanner(): { banner: string; shim: string } {
  const require = createRequire(import.meta.url);
  // The shims are not in the package's exports; find them beside its entry point.
  const shims = join(dirname(require.resolve('@aws-amplify/backend-function')), 'lambda-shims');
  const banner = ['resolve_ssm_params.js', 'invoke_ssm_shim.js']
    .map((file) => readFileSync(join(shims, file), 'utf8'))
    .join('')
    .split(new RegExp(`${EOL}|\n|\r`, 'g'))
    .map((line) => line.replace(/\/\/.*$/, ''))
    .join('');
  return { banner, shim: join(shims, 'cjs_shim.js') };
}

/** esbuild's options as Amplify's deploy gives them, for the entry points given. */
function amplifyOptions(root: string): BuildOptions {
  const { banner, shim } = amplifyBanner();
  return {
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    minify: true,
    sourcemap: true,
    loader: { '.node': 'file' },
    banner: { js: banner },
    inject: [shim],
    logLevel: 'error',
    absWorkingDir: root,
  };
}

/** esbuild's options for one function, bundled as Amplify bundles it into `outdir/index.mjs`. */
export function amplifyBundleOptions(root: string, entry: string, outdir: string): BuildOptions {
  return { ...amplifyOptions(root), entryPoints: [entry], outfile: join(outdir, 'index.mjs') };
}

/** Bundles one function as Amplify does and returns the files it was made of. */
export async function bundleFunction(root: string, entry: string, outdir: string): Promise<Metafile> {
  const result = await build({ ...amplifyBundleOptions(root, entry, outdir), metafile: true });
  return result.metafile;
}

/**
 * Every function at once, each into `outdir/<name>/index.mjs`: one esbuild pass parses the
 * modules the functions share (the AWS SDK, shared/) once, where the deploy's synth runs esbuild
 * once per function. The code is the deploy's; only the source maps are left out, as hot reload
 * leaves them out (nothing reads them locally: workers run without --enable-source-maps), so the
 * last line, the map's URL, is all that differs. Measured on this machine for 29 functions: one
 * pass 5.7 s (7.8 s with maps), CDK's 43 s inside the synth; esbuild peaks at ~1.6 GB RSS.
 * esbuild's service process keeps that memory for as long as it lives (1.2–1.6 GB RSS to the end
 * of a chat benchmark after a cold start), so it is stopped when the pass is done: the next
 * esbuild call (hot reload) starts a fresh one. Nothing else in the sandbox runs esbuild then.
 */
export async function bundleFunctions(
  root: string,
  functionNames: readonly string[],
  outdir: string,
): Promise<void> {
  await build({
    ...amplifyOptions(root),
    entryPoints: Object.fromEntries(functionNames.map((name) => [`${name}/index`, entryOf(root, name)])),
    outdir,
    outExtension: { '.js': '.mjs' },
    sourcemap: false,
    // The caller reports a failure with esbuild's message (file, line, what is wrong).
    logLevel: 'silent',
  }).finally(stop);
}
