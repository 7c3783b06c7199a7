// The sandbox's own code (local/, and what it reads from amplify/ and scripts/) as one ESM
// bundle, node_modules left outside, so `npm start` runs on plain Node. Plain JS: it runs before
// any TypeScript loader could.
//
// Why: a warm start's CPU profile had ~1 s in tsx (its ESM hooks thread resolving and
// transforming ~300 modules, its CJS hook looking at every required file, source-map caching)
// on top of a 2 s import; the bundle imports in 1.25 s where tsx took 2.0 s. The bundle is made
// again (~0.3 s) when a file it was made of (esbuild's metafile) or this file changes.
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, version as esbuildVersion } from 'esbuild';

/**
 * `import.meta.url` / `dirname` / `filename` keep naming the source file, not the bundle: the
 * sandbox finds the repository, its worker script and its pages from them.
 * @type {import('esbuild').Plugin}
 */
const sourceImportMeta = {
  name: 'source-import-meta',
  setup(esbuild) {
    esbuild.onLoad({ filter: /\.[cm]?ts$/ }, (args) => {
      if (args.path.includes('/node_modules/')) return undefined;
      const source = readFileSync(args.path, 'utf8');
      const contents = source
        .replaceAll('import.meta.dirname', JSON.stringify(dirname(args.path)))
        .replaceAll('import.meta.filename', JSON.stringify(args.path))
        .replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href));
      return { contents, loader: 'ts' };
    });
  },
};

const hashOf = (/** @type {string | Buffer} */ content) => createHash('sha256').update(content).digest('hex');

/** What a bundle depends on besides its inputs: this file (its options) and esbuild's version. */
const recipe = () => hashOf(`${esbuildVersion}\n${readFileSync(fileURLToPath(import.meta.url), 'utf8')}`);

/**
 * @param {{ root: string, entry: string, outdir: string }} options
 * @returns {{ outputs: string[], inputs: Record<string, string>, recipe: string } | undefined}
 */
function readStamp({ outdir }) {
  try {
    return JSON.parse(readFileSync(join(outdir, 'stamp.json'), 'utf8'));
  } catch {
    return undefined;
  }
}

/** Is the last bundle made of exactly the files as they are now? */
function isFresh(/** @type {{ root: string, entry: string, outdir: string }} */ options) {
  const stamp = readStamp(options);
  if (!stamp || stamp.recipe !== recipe()) return false;
  if (!stamp.outputs.every((/** @type {string} */ file) => existsSync(join(options.outdir, file))))
    return false;
  return Object.entries(stamp.inputs).every(([file, hash]) => {
    try {
      return hashOf(readFileSync(join(options.root, file))) === hash;
    } catch {
      return false;
    }
  });
}

/** Chunks of earlier bundles, an hour after they were made (a sandbox started before may still load them). */
function pruneChunks(/** @type {string} */ outdir, /** @type {Set<string>} */ current) {
  const hourAgo = Date.now() - 3_600_000;
  for (const file of readdirSync(outdir)) {
    if (!file.startsWith('chunk-') || current.has(file)) continue;
    try {
      if (statSync(join(outdir, file)).mtimeMs < hourAgo) rmSync(join(outdir, file), { force: true });
    } catch {
      // gone already: another sandbox pruned it
    }
  }
}

/**
 * The bundle of `entry` (a path under `root`), made again if anything it was made of changed.
 * Two sandboxes starting at once may both make it: each file is written whole, then renamed.
 * @param {{ root: string, entry: string, outdir: string }} options
 * @returns {Promise<{ file: string, rebuilt: boolean }>}
 */
export async function ensureBundle(options) {
  const { root, entry, outdir } = options;
  const entryName = relative(root, entry)
    .replace(/[/\\]/g, '-')
    .replace(/\.[cm]?ts$/, '');
  const name = `${entryName}.mjs`;
  if (isFresh(options)) return { file: join(outdir, name), rebuilt: false };
  const result = await build({
    entryPoints: { [entryName]: entry },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outdir,
    outExtension: { '.js': '.mjs' },
    // A dynamic import stays a chunk loaded when it runs (start.ts boots DynamoDB Local's JVM
    // first, then loads the rest while Java starts on the other core).
    splitting: true,
    chunkNames: 'chunk-[hash]',
    sourcemap: 'linked',
    write: false,
    metafile: true,
    logLevel: 'silent',
    absWorkingDir: root,
    plugins: [sourceImportMeta],
  });
  mkdirSync(outdir, { recursive: true });
  const inputs = Object.fromEntries(
    Object.keys(result.metafile.inputs)
      .filter((file) => !file.includes('node_modules/'))
      .map((file) => [file, hashOf(readFileSync(resolve(root, file)))]),
  );
  const outputs = result.outputFiles.map((output) => relative(outdir, output.path));
  const files = [
    ...result.outputFiles.map((output) => ({ path: output.path, contents: output.contents })),
    {
      path: join(outdir, 'stamp.json'),
      contents: JSON.stringify({ outputs, recipe: recipe(), inputs }),
    },
  ];
  for (const output of files) {
    const partial = `${output.path}.${process.pid}`;
    writeFileSync(partial, output.contents);
    renameSync(partial, output.path);
  }
  pruneChunks(outdir, new Set(outputs));
  return { file: join(outdir, name), rebuilt: true };
}
