import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  bundleFoldersByFunctionName,
  functionFolders,
  loadBundleInIsolation,
  synthesizeWithBundles,
} from './function-bundles';

// The Gen 1 outage of 2025-12-10: four auth Lambdas crashed at load because a module was
// missing at run time. Every function's real deploy bundle is loaded here the way Lambda
// loads it, so that class of failure breaks the build instead of production.
describe('function bundles', () => {
  const folders = functionFolders();
  let bundles: Map<string, string>;

  beforeAll(() => {
    bundles = bundleFoldersByFunctionName(synthesizeWithBundles());
  });

  it('has a deploy bundle for every function folder under amplify/functions', () => {
    const missing = folders.filter((name) => !bundles.has(name));
    expect(missing, 'function folders not wired into amplify/backend.ts').toEqual([]);
  });

  it.each(folders)('loads the %s bundle with no node_modules and finds its handler', (name) => {
    const folder = bundles.get(name);
    expect(folder, `no bundle for ${name}`).toBeDefined();
    const result = loadBundleInIsolation(folder!);
    expect(result.error).toBeUndefined();
    expect(result).toEqual({ ok: true, handlerType: 'function' });
  });

  it('rejects a bundle that imports a module it does not contain', () => {
    const folder = mkdtempSync(join(tmpdir(), 'bootalk-broken-'));
    mkdirSync(folder, { recursive: true });
    writeFileSync(
      join(folder, 'index.mjs'),
      "import 'bootalk-module-that-is-not-there';\nexport const handler = () => 1;\n",
    );
    const result = loadBundleInIsolation(folder);
    expect(result.ok).toBe(false);
    expect(result.error).toContain('bootalk-module-that-is-not-there');
  });

  it('rejects a bundle that loads but exports no handler', () => {
    const folder = mkdtempSync(join(tmpdir(), 'bootalk-nohandler-'));
    writeFileSync(join(folder, 'index.mjs'), 'export const main = () => 1;\n');
    expect(loadBundleInIsolation(folder)).toEqual({ ok: true, handlerType: 'undefined' });
  });
});
