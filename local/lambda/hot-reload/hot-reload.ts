import { type FSWatcher, readFileSync, watch } from 'node:fs';
import { createRequire } from 'node:module';
import { EOL } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { build, type Metafile } from 'esbuild';
import type { FunctionSpec } from '../../contracts';

/**
 * Edit → live without a restart. A change to function code is rebundled at once, the way
 * Amplify bundles it (esbuild, ESM, minified, with Amplify's SSM banner and CJS shim), and only
 * for the functions whose bundle contains the changed file. Any other change under amplify/
 * (a resource, the schema, backend.ts) needs a new synth, which the caller runs.
 */

export interface HotReloadOptions {
  root: string;
  /** The functions as they run now. */
  functions: () => FunctionSpec[];
  /** Swaps in new bundles; resolves when the next invocation runs them. */
  replaceFunctions: (specs: FunctionSpec[]) => Promise<unknown>;
  /** A change that needs a new synth (resources, schema, backend wiring). */
  resynthesize: (changed: string[]) => Promise<void>;
  say: (step: string, detail: string) => void;
  debounceMs?: number;
}

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

/** Bundles one function as Amplify does and returns the files it was made of. */
export async function bundleFunction(root: string, entry: string, outdir: string): Promise<Metafile> {
  const { banner, shim } = amplifyBanner();
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    outfile: join(outdir, 'index.mjs'),
    minify: true,
    sourcemap: true,
    loader: { '.node': 'file' },
    banner: { js: banner },
    inject: [shim],
    logLevel: 'error',
    metafile: true,
    absWorkingDir: root,
  });
  return result.metafile;
}

export class HotReloader {
  private watcher?: FSWatcher;
  private pending = new Set<string>();
  private timer?: NodeJS.Timeout;
  private running: Promise<void> = Promise.resolve();
  /** Files each function's last local bundle was made of. */
  private inputs = new Map<string, Set<string>>();
  private generation = 0;

  constructor(private readonly options: HotReloadOptions) {}

  start(): void {
    const folder = join(this.options.root, 'amplify');
    this.watcher = watch(folder, { recursive: true }, (_event, file) => {
      if (!file || file.includes('node_modules')) return;
      this.pending.add(resolve(folder, file.toString()));
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.flush(), this.options.debounceMs ?? 200);
    });
  }

  stop(): void {
    clearTimeout(this.timer);
    this.watcher?.close();
  }

  /** Settles when the changes seen so far are live. */
  idle(): Promise<void> {
    return this.running;
  }

  private flush(): void {
    const changed = [...this.pending];
    this.pending.clear();
    this.running = this.running
      .then(() => this.apply(changed))
      .catch((error) => {
        this.options.say('reload', `✗ ${(error as Error).message}`);
      });
  }

  private async apply(changed: string[]): Promise<void> {
    const started = Date.now();
    const root = this.options.root;
    const codeOnly = changed.every(
      (file) =>
        relative(root, file).startsWith('amplify/functions/') &&
        !/(?:resource|wiring|env-names)\.ts$/.test(file),
    );
    if (!codeOnly) {
      await this.options.resynthesize(changed.map((file) => relative(root, file)));
      this.inputs.clear();
      return;
    }
    const affected = this.options.functions().filter((spec) => {
      const inputs = this.inputs.get(spec.name);
      return !inputs || changed.some((file) => inputs.has(file));
    });
    if (affected.length === 0) return;
    this.generation++;
    const rebuilt = await Promise.all(
      affected.map(async (spec) => {
        const outdir = join(root, '.amplify/sandbox/hot', `${spec.name}-${this.generation}`);
        const metafile = await bundleFunction(
          root,
          join(root, 'amplify/functions', spec.name, 'handler.ts'),
          outdir,
        );
        this.inputs.set(
          spec.name,
          new Set(Object.keys(metafile.inputs).map((input) => resolve(root, input))),
        );
        return { ...spec, bundleDir: outdir };
      }),
    );
    await this.options.replaceFunctions(rebuilt);
    const names = rebuilt.map((spec) => spec.name).join(', ');
    this.options.say('reload', `${names} live in ${Date.now() - started} ms`);
  }
}
