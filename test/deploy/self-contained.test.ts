import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * A fresh clone of this repository alone runs `npm test`, `npm start` and the deploy: no test,
 * script, sandbox or benchmark reads a file by a path that leaves the repository.
 */

const REPO = resolve(import.meta.dirname, '../..');
const FOLDERS = ['test', 'scripts', 'local', 'bench'];

/** Paths written relative to a source file: `new URL('…', import.meta.url)` and `resolve|join(import.meta.dirname, '…', …)`. */
const RELATIVE_PATH =
  /new URL\(\s*'([^']+)',\s*import\.meta\.url\)|(?:resolve|join)\(\s*import\.meta\.dirname,\s*((?:'[^']*'\s*,?\s*)+)/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(path);
    return /\.(ts|mts|mjs|js)$/.test(entry.name) ? [path] : [];
  });
}

function pathsIn(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(RELATIVE_PATH)].map((match) => {
    const segments = match[1]
      ? [match[1]]
      : [...match[2]!.matchAll(/'([^']*)'/g)].map((segment) => segment[1]!);
    return resolve(dirname(file), ...segments);
  });
}

describe('the repository', () => {
  const files = FOLDERS.flatMap((folder) => sourceFiles(join(REPO, folder)));

  it('finds the relative paths it checks (the check cannot pass by reading nothing)', () => {
    expect(files.flatMap(pathsIn).length).toBeGreaterThan(10);
    expect(pathsIn(join(REPO, 'test/deploy/self-contained.test.ts'))).toContain(REPO);
  });

  it('reads no file outside itself from its tests, scripts, sandbox or benchmarks', () => {
    const outside = files.flatMap((file) =>
      pathsIn(file)
        .filter((path) => path !== REPO && !path.startsWith(`${REPO}${sep}`))
        .map((path) => `${relative(REPO, file)} → ${path}`),
    );
    expect(outside).toEqual([]);
  });

  it('has no npm script that reaches outside it', () => {
    const { scripts } = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(Object.entries(scripts).filter(([, command]) => /(^|[\s=])\.\.\//.test(command))).toEqual([]);
  });
});
