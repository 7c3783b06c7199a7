/**
 * Offline synth: runs amplify/backend.ts under the CDK context that `ampx` would give it,
 * without AWS. `npm run synth` (a sandbox), `npm run synth -- --branch main` (prod),
 * `--no-bundle` to skip esbuild, `--out <dir>` (default cdk.out).
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { synthContext } from './synth-context';

const { values } = parseArgs({
  options: {
    branch: { type: 'string' },
    sandbox: { type: 'string' },
    out: { type: 'string', default: 'cdk.out' },
    'no-bundle': { type: 'boolean', default: false },
    quiet: { type: 'boolean', default: false },
  },
});

const identifier = values.branch
  ? { type: 'branch' as const, name: values.branch }
  : {
      type: 'sandbox' as const,
      name: values.sandbox ?? (process.env.USER || userInfo().username || 'local'),
    };

const outdir = resolve(values.out);
rmSync(outdir, { recursive: true, force: true });
const started = Date.now();
const result = spawnSync(process.execPath, ['--import', 'tsx', 'amplify/backend.ts'], {
  stdio: values.quiet ? ['ignore', 'ignore', 'inherit'] : 'inherit',
  env: {
    ...process.env,
    AMPLIFY_DISABLE_TELEMETRY: '1',
    CDK_OUTDIR: outdir,
    CDK_CONTEXT_JSON: JSON.stringify(synthContext(identifier, { bundle: !values['no-bundle'] })),
  },
});
if (result.status !== 0) {
  console.error(`synth failed (exit ${result.status ?? result.signal})`);
  process.exit(result.status ?? 1);
}
if (!values.quiet) {
  console.log(
    `synthesized ${identifier.type} "${identifier.name}" into ${outdir} in ${Date.now() - started} ms`,
  );
}
