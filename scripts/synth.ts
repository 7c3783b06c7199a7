/**
 * Offline synth: runs amplify/backend.ts under the CDK context that `ampx` would give it,
 * without AWS, and prints the stack name it would deploy as. `npm run synth` (your sandbox, as
 * `ampx sandbox`), `--sandbox <identifier>` (as `ampx sandbox --identifier`), `--branch main
 * --app-id <id>` (prod, as `ampx pipeline-deploy`; the app id defaults to $AWS_APP_ID, else
 * `local`), `--no-bundle` to skip esbuild, `--out <dir>` (default cdk.out), `-c key=value` for more
 * CDK context (as `cdk -c`; e.g. `-c gen1-resources-file=<adoption file>`).
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  defaultSandboxName,
  type SynthIdentifier,
  synthContext,
  synthesizedStackName,
} from './synth-context';

const { values } = parseArgs({
  options: {
    branch: { type: 'string' },
    sandbox: { type: 'string' },
    'app-id': { type: 'string' },
    out: { type: 'string', default: 'cdk.out' },
    'no-bundle': { type: 'boolean', default: false },
    quiet: { type: 'boolean', default: false },
    context: { type: 'string', short: 'c', multiple: true, default: [] },
  },
});

const extraContext = Object.fromEntries(
  (values.context ?? []).map((pair) => {
    const at = pair.indexOf('=');
    if (at < 1) throw new Error(`-c ${pair}: expected key=value`);
    return [pair.slice(0, at), pair.slice(at + 1)];
  }),
);

const identifier: SynthIdentifier = values.branch
  ? { type: 'branch', name: values.branch, appId: values['app-id'] ?? (process.env.AWS_APP_ID || 'local') }
  : { type: 'sandbox', name: values.sandbox ?? defaultSandboxName() };

const outdir = resolve(values.out);
rmSync(outdir, { recursive: true, force: true });
const started = Date.now();
const result = spawnSync(process.execPath, ['--import', 'tsx', 'amplify/backend.ts'], {
  stdio: values.quiet ? ['ignore', 'ignore', 'inherit'] : 'inherit',
  env: {
    ...process.env,
    AMPLIFY_DISABLE_TELEMETRY: '1',
    CDK_OUTDIR: outdir,
    CDK_CONTEXT_JSON: JSON.stringify({
      ...synthContext(identifier, { bundle: !values['no-bundle'] }),
      ...extraContext,
    }),
  },
});
if (result.status !== 0) {
  console.error(`synth failed (exit ${result.status ?? result.signal})`);
  process.exit(result.status ?? 1);
}
if (!values.quiet) {
  const app = identifier.type === 'branch' ? ` of app ${identifier.appId}` : '';
  console.log(
    `synthesized ${identifier.type} "${identifier.name}"${app} as stack ${synthesizedStackName(outdir)} ` +
      `into ${outdir} in ${Date.now() - started} ms`,
  );
}
