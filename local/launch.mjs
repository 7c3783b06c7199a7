// `npm start`: local/start.ts, run from its bundle (launch/bundle-cache.mjs) on plain Node, with
// stack traces mapped back to the TypeScript sources.
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureBundle } from './launch/bundle-cache.mjs';

const root = resolve(import.meta.dirname, '..');
const { file } = await ensureBundle({
  root,
  entry: join(root, 'local/start.ts'),
  outdir: join(root, '.amplify/sandbox/launch'),
});
process.setSourceMapsEnabled(true);
await import(pathToFileURL(file).href);
