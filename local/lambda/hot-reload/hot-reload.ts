import { type FSWatcher, mkdirSync, watch, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { type BuildContext, build, context, type Metafile } from 'esbuild';
import type { FunctionSpec } from '../../contracts';
import { amplifyBundleOptions, entryOf } from '../bundling/amplify-bundling';

/**
 * Edit → live without a restart. A change to function code is rebundled at once, the way
 * Amplify bundles it (esbuild, ESM, minified, with Amplify's SSM banner and CJS shim), and only
 * for the functions whose bundle contains the changed file. Any other change under amplify/
 * (a resource, the schema, backend.ts) needs a new synth, which the caller runs.
 *
 * Which files a function is made of comes from one cheap scan of the project's own sources
 * (functionInputs), not from rebundling: the synth's bundles carry no metafile, and learning the
 * inputs by rebundling every function made the first edit after a start take 89.6 s with esbuild
 * at 7.66 GB RSS (29 functions, each with the AWS SDK, bundled at once).
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

/**
 * One function bundled edit after edit: esbuild keeps its parsed module graph (the AWS SDK
 * included) between builds, so an edit after the first costs the changed files only. Each build
 * goes to a folder of its own, which is how the runner sees new code.
 */
class FunctionBundler {
  private context?: BuildContext<{ write: false; metafile: true }>;

  constructor(
    private readonly root: string,
    private readonly entry: string,
    private readonly stagingDir: string,
  ) {}

  async bundle(outdir: string): Promise<Metafile> {
    this.context ??= await context({
      ...amplifyBundleOptions(this.root, this.entry, this.stagingDir),
      // Nothing reads a source map locally (the workers run without --enable-source-maps), and
      // writing the bundle's 6 MB map was a good part of each rebuild.
      sourcemap: false,
      write: false,
      metafile: true,
    });
    const result = await this.context.rebuild();
    for (const file of result.outputFiles) {
      const target = join(outdir, relative(this.stagingDir, file.path));
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, file.contents);
    }
    return result.metafile;
  }

  /** Ends its esbuild context; one already ended with esbuild's service is nothing to end. */
  async dispose(): Promise<void> {
    await this.context?.dispose().catch(() => undefined);
  }
}

/** Functions whose esbuild graph is kept between edits (the ones edited last): ~100–200 MB each. */
const KEPT_BUNDLERS = 3;

/** Bundles at most this many functions at once: each holds its whole module graph in esbuild. */
const BUNDLE_CONCURRENCY = 2;

/**
 * The project files each function's handler imports, in one esbuild pass that writes nothing and
 * leaves packages out (the watcher ignores node_modules): a few hundred source files, not 29
 * bundles with the AWS SDK.
 */
export async function functionInputs(
  root: string,
  functionNames: readonly string[],
): Promise<Map<string, Set<string>>> {
  const inputs = new Map<string, Set<string>>();
  if (functionNames.length === 0) return inputs;
  const result = await build({
    entryPoints: Object.fromEntries(functionNames.map((name) => [name, entryOf(root, name)])),
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    packages: 'external',
    write: false,
    metafile: true,
    outdir: join(root, '.amplify/sandbox/hot/inputs'),
    logLevel: 'silent',
    absWorkingDir: root,
  });
  const byEntry = new Map(functionNames.map((name) => [entryOf(root, name), name]));
  for (const output of Object.values(result.metafile.outputs)) {
    const name = output.entryPoint && byEntry.get(resolve(root, output.entryPoint));
    if (name) inputs.set(name, new Set(Object.keys(output.inputs).map((input) => resolve(root, input))));
  }
  return inputs;
}

/** Runs `work` over `items`, at most `limit` at a time, results in the items' order. */
async function inTurns<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

export class HotReloader {
  private watcher?: FSWatcher;
  private pending = new Set<string>();
  private timer?: NodeJS.Timeout;
  private running: Promise<void> = Promise.resolve();
  /** Files each function's last local bundle was made of. */
  private inputs = new Map<string, Set<string>>();
  private generation = 0;
  private scanning: Promise<void> = Promise.resolve();
  /** The functions edited last, least recent first. */
  private bundlers = new Map<string, FunctionBundler>();

  constructor(private readonly options: HotReloadOptions) {}

  start(): void {
    // Learnt now, while nobody waits on an edit; a failure (a file mid-edit) is retried at the edit.
    this.scanning = this.learnInputs().catch(() => undefined);
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
    this.dropBundlers();
  }

  private dropBundlers(): void {
    for (const bundler of this.bundlers.values()) void bundler.dispose();
    this.bundlers.clear();
  }

  private bundlerFor(functionName: string): FunctionBundler {
    const root = this.options.root;
    const bundler =
      this.bundlers.get(functionName) ??
      new FunctionBundler(
        root,
        entryOf(root, functionName),
        join(root, '.amplify/sandbox/hot', functionName),
      );
    this.bundlers.delete(functionName);
    this.bundlers.set(functionName, bundler);
    for (const [name, least] of this.bundlers) {
      if (this.bundlers.size <= KEPT_BUNDLERS) break;
      this.bundlers.delete(name);
      void least.dispose();
    }
    return bundler;
  }

  /** Settles when the changes seen so far are live. */
  idle(): Promise<void> {
    return this.running;
  }

  /** The inputs of the functions not known yet (all of them after a start or a new synth). */
  private async learnInputs(): Promise<void> {
    const unknown = this.options
      .functions()
      .map((spec) => spec.name)
      .filter((name) => !this.inputs.has(name));
    for (const [name, files] of await functionInputs(this.options.root, unknown))
      this.inputs.set(name, files);
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
      // A synth that bundled the functions stopped esbuild's service, and with it the contexts
      // kept for the last edited functions: the next edit of each starts a new one.
      this.dropBundlers();
      return;
    }
    await this.scanning;
    const functions = this.options.functions();
    if (functions.some((spec) => !this.inputs.has(spec.name))) await this.learnInputs();
    const affected = functions.filter((spec) =>
      changed.some((file) => this.inputs.get(spec.name)?.has(file)),
    );
    if (affected.length === 0) return;
    this.generation++;
    const rebuilt = await inTurns(affected, BUNDLE_CONCURRENCY, async (spec) => {
      const outdir = join(root, '.amplify/sandbox/hot', `${spec.name}-${this.generation}`);
      const metafile = await this.bundlerFor(spec.name).bundle(outdir);
      this.inputs.set(spec.name, new Set(Object.keys(metafile.inputs).map((input) => resolve(root, input))));
      return { ...spec, bundleDir: outdir };
    });
    await this.options.replaceFunctions(rebuilt);
    const names = rebuilt.map((spec) => spec.name).join(', ');
    this.options.say('reload', `${names} live in ${Date.now() - started} ms`);
  }
}
