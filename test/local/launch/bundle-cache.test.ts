import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeEach, describe, expect, it } from 'vitest';
// @ts-expect-error plain JS module (it runs before any TypeScript loader), no declaration file
import { ensureBundle } from '../../../local/launch/bundle-cache.mjs';

type Ensure = (options: { root: string; entry: string; outdir: string }) => Promise<{
  file: string;
  rebuilt: boolean;
}>;
const ensure = ensureBundle as Ensure;

describe('the sandbox launcher bundle', () => {
  let root: string;
  let options: { root: string; entry: string; outdir: string };

  const run = (file: string) => {
    const result = spawnSync(process.execPath, [file], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    return JSON.parse(result.stdout) as Record<string, string>;
  };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'bootalk-launch-'));
    mkdirSync(join(root, 'lib'));
    writeFileSync(
      join(root, 'entry.ts'),
      [
        "import { where } from './lib/where';",
        'const text: string = where();',
        "const { later } = await import('./lib/later');",
        'console.log(JSON.stringify({ where: text, url: import.meta.url, later: later() }));',
      ].join('\n'),
    );
    writeFileSync(join(root, 'lib/where.ts'), 'export const where = (): string => import.meta.dirname;\n');
    writeFileSync(join(root, 'lib/later.ts'), "export const later = (): string => 'v1';\n");
    options = { root, entry: join(root, 'entry.ts'), outdir: join(root, 'out') };
  });

  it('runs the sources as they are, with import.meta naming each source file, not the bundle', async () => {
    const first = await ensure(options);
    expect(first.rebuilt).toBe(true);
    expect(run(first.file)).toEqual({
      where: join(root, 'lib'),
      url: pathToFileURL(join(root, 'entry.ts')).href,
      later: 'v1',
    });
    // The dynamic import stays a chunk of its own, loaded when it runs.
    expect(readdirSync(options.outdir).filter((file) => /^chunk-.*\.mjs$/.test(file))).toHaveLength(1);
  });

  it('is reused while nothing it was made of changed, and made again when a source did', async () => {
    await ensure(options);
    expect((await ensure(options)).rebuilt).toBe(false);

    writeFileSync(join(root, 'lib/later.ts'), "export const later = (): string => 'v2';\n");
    const changed = await ensure(options);
    expect(changed.rebuilt).toBe(true);
    expect(run(changed.file).later).toBe('v2');
    expect((await ensure(options)).rebuilt).toBe(false);
  });

  it('is made again when one of its files is gone', async () => {
    await ensure(options);
    const chunk = readdirSync(options.outdir).find((file) => /^chunk-.*\.mjs$/.test(file))!;
    rmSync(join(options.outdir, chunk));
    const again = await ensure(options);
    expect(again.rebuilt).toBe(true);
    expect(run(again.file).later).toBe('v1');
  });

  it('fails with esbuild’s message when a source does not compile, and keeps the last good bundle', async () => {
    const good = await ensure(options);
    writeFileSync(
      join(root, 'lib/where.ts'),
      "import { gone } from './missing';\nexport const where = gone;\n",
    );
    await expect(ensure(options)).rejects.toThrow(/Could not resolve "\.\/missing"/);
    expect(run(good.file).later).toBe('v1');
  });
});
