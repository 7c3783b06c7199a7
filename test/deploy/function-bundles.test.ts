import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleFunctions } from '../../local/lambda/bundling/amplify-bundling';
import {
  bundleFoldersByFunctionName,
  functionFolders,
  loadBundleInIsolation,
  repoRoot,
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

  // The local sandbox synthesizes without CDK's bundling and bundles every function itself in
  // one esbuild pass (local/assembly/synth-cache.ts): what it runs must be what a deploy ships.
  describe('as the local sandbox bundles them', () => {
    const withoutMapUrl = (code: string) =>
      code.replace(/\n\/\/# sourceMappingURL=index\.mjs\.map\n?$/, '\n');
    let local: string;

    beforeAll(async () => {
      local = mkdtempSync(join(tmpdir(), 'bootalk-local-bundles-'));
      await bundleFunctions(repoRoot, folders, local);
    }, 120_000);

    it.each(folders)('runs the deploy code of %s, byte for byte but the source map URL', (name) => {
      const deployed = readFileSync(join(bundles.get(name)!, 'index.mjs'), 'utf8');
      expect(deployed).toMatch(/\/\/# sourceMappingURL=index\.mjs\.map\n?$/);
      const mine = readFileSync(join(local, name, 'index.mjs'), 'utf8');
      expect(mine.length).toBeGreaterThan(10_000);
      // Compared whole (not with toEqual's diff, which would print megabytes).
      expect(
        mine === withoutMapUrl(deployed),
        `${name}: the sandbox's bundle differs from the deploy's`,
      ).toBe(true);
      expect(existsSync(join(local, name, 'index.mjs.map'))).toBe(false);
    });
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
