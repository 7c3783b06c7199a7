/**
 * `npm start`: the whole backend on this machine (DESIGN §6). Prints progress, the URLs, and
 * `Local sandbox ready` when everything answers; Ctrl-C stops every child process.
 *
 *   npm start                     in-memory data, ports 8700–8706
 *   npm start -- --persist        keep data under .amplify/sandbox/data
 *   npm start -- --port 9700      another port range
 *   npm start -- --outputs <file> write amplify_outputs.json elsewhere (tests)
 *   npm start -- --quiet          no function logs
 *   npm start -- --no-watch       no hot reload of amplify/ changes
 */
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { LocalSandboxError } from './dynamodb/dynamodb-local';
import { startSandbox } from './sandbox';
import { ensureLocalCertificates } from './tls/local-ca';

const root = resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  allowNegative: true,
  options: {
    persist: { type: 'boolean', default: false },
    port: { type: 'string', default: process.env.BOOTALK_SANDBOX_PORT ?? '8700' },
    quiet: { type: 'boolean', default: false },
    outputs: { type: 'string' },
    watch: { type: 'boolean', default: true },
  },
});

// Functions call the local HTTPS API; Node trusts the local CA only if told at start-up.
const caCertPath = (await ensureLocalCertificates(join(root, '.amplify/sandbox/tls'))).caCertPath;
if (process.env.NODE_EXTRA_CA_CERTS !== caCertPath) {
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, NODE_EXTRA_CA_CERTS: caCertPath },
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
} else {
  await run();
}

async function run(): Promise<void> {
  const started = Date.now();
  const say = (step: string, detail = '') => console.log(`▸ ${step.padEnd(10)} ${detail}`);
  let stopping = false;
  try {
    const sandbox = await startSandbox({
      root,
      basePort: Number(values.port),
      persist: values.persist === true,
      watch: values.watch === true,
      ...(values.outputs ? { outputsPath: resolve(values.outputs) } : {}),
      progress: say,
      ...(values.quiet ? { onFunctionLog: () => undefined } : {}),
    });
    const shutdown = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      console.log(`\n${signal}: stopping the local sandbox…`);
      await sandbox.stop();
      process.exit(0);
    };
    process.on('SIGINT', () => void shutdown('SIGINT'));
    process.on('SIGTERM', () => void shutdown('SIGTERM'));
    const { endpoints } = sandbox;
    console.log(`
  Dev inbox        ${endpoints.inboxUrl}
  GraphQL          ${endpoints.graphqlUrl}
  Realtime         ${endpoints.realtimeUrl}
  Cognito          ${endpoints.userPoolEndpoint}
  REST API         ${endpoints.restApiUrl}
  AWS APIs         ${endpoints.awsUrl}
  Legacy API       ${endpoints.legacyApiUrl}
  DynamoDB Local   ${endpoints.dynamodbUrl}
  Local CA         ${sandbox.caCertPath}
  Outputs          ${sandbox.outputsPath}
`);
    console.log(`Local sandbox ready in ${((Date.now() - started) / 1000).toFixed(1)} s (Ctrl-C to stop)`);
  } catch (error) {
    if (error instanceof LocalSandboxError || (error as Error).message?.startsWith('Port ')) {
      console.error(`\n✗ ${(error as Error).message}`);
    } else {
      console.error('\n✗ The local sandbox did not start:', error);
    }
    process.exit(1);
  }
}
