import { resolve } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

/**
 * `npm start` loads the sandbox's own code and the packages it imports. Loading the CDK (through
 * `@aws-amplify/backend`'s `secret`, or `aws-cdk-lib` for one construct type) cost 2 s of every
 * warm start; the sandbox reads from amplify/ only what needs no CDK.
 */
describe('what npm start loads', () => {
  it('imports no CDK module, directly or through amplify/', async () => {
    const result = await build({
      entryPoints: [resolve(root, 'local/start.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      packages: 'external',
      write: false,
      metafile: true,
      logLevel: 'silent',
      absWorkingDir: root,
      outdir: resolve(root, '.amplify/start-imports'),
    });
    const packages = new Set(
      Object.values(result.metafile.inputs).flatMap((input) =>
        input.imports.filter((entry) => entry.external).map((entry) => entry.path),
      ),
    );
    // The check sees what the sandbox imports (a package it surely uses is in the list).
    expect(packages).toContain('@aws-amplify/amplify-appsync-simulator');
    const cdk = [...packages].filter((path) =>
      /^(aws-cdk-lib|constructs|@aws-amplify\/backend|@aws-amplify\/backend-[a-z-]+)(\/|$)/.test(path),
    );
    expect(cdk).toEqual([]);
  });
});
