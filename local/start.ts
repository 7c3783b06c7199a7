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
 *   npm start -- --seed           load sample users, brokers and conversations
 *   npm start -- --gen1-fixture <dir>
 *                                 rehearse the Gen 1 cutover: load a Gen 1 data set under its
 *                                 Gen 1 table names and users, and adopt those tables
 *                                 (docs/migration.md, "Rehearse locally")
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { LocalSandboxError, startDynamoDbLocal } from './dynamodb/dynamodb-local';
import { assertSandboxPortsFree, dynamoDbOptions } from './ports/ports';
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
    seed: { type: 'boolean', default: false },
    'gen1-fixture': { type: 'string' },
  },
});

/**
 * V8 lets a heap grow to a multiple of what survived the last full collection, up to ~4x when
 * collections are cheap: measured in a 16-user bench run, the main thread's heap reached 641 MB
 * while a heap snapshot found 215 MB alive (mostly loaded modules' source), and every function
 * environment grew likewise. The setting is shared by every worker thread. Compared in 16-user
 * runs (sandbox RSS at the end, CPU per message): 100 % 1.81 GB, 241 ms; 50 % 1.61 GB, 266 ms;
 * 20 % 1.62 GB, 299 ms.
 */
const HEAP_GROWING_PERCENT = 50;

// Functions call the local HTTPS API; Node trusts the local CA only if told at start-up. The npm
// script passes NODE_EXTRA_CA_CERTS; when the CA did not exist yet (first run), start again.
const tlsDir = join(root, '.amplify/sandbox/tls');
const caExisted = existsSync(join(tlsDir, 'ca.crt'));
const caCertPath = (await ensureLocalCertificates(tlsDir)).caCertPath;
const trusted =
  caExisted &&
  process.env.NODE_EXTRA_CA_CERTS !== undefined &&
  resolve(process.env.NODE_EXTRA_CA_CERTS) === caCertPath;
if (!trusted) {
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
  // Unless Node was started with a setting of its own (the bench compares them).
  if (!process.execArgv.some((arg) => arg.startsWith('--heap-growing-percent'))) {
    setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  }
  // From the process's start: Node's own boot and loading the sandbox count too.
  const started = performance.timeOrigin;
  const say = (step: string, detail = '') =>
    console.log(
      `${`▸ ${step.padEnd(10)} ${detail}`.padEnd(72)} ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  let stopping = false;
  // Ctrl-C while starting: exit at once (DynamoDB Local, which ignores SIGINT, is killed on exit).
  const interruptStart = () => process.exit(130);
  process.once('SIGINT', interruptStart);
  process.once('SIGTERM', interruptStart);
  try {
    const basePort = Number(values.port);
    const persist = values.persist === true;
    await assertSandboxPortsFree(basePort);
    // Loaded only for a rehearsal: it brings graphql (~85 ms) before DynamoDB Local's JVM starts.
    const gen1Fixture = values['gen1-fixture'] ? await import('./gen1-fixture') : undefined;
    const gen1 = gen1Fixture?.readGen1Fixture(values['gen1-fixture']!);
    // Java boots DynamoDB Local on the other core while Node loads the rest of the sandbox.
    const booting = startDynamoDbLocal({
      ...dynamoDbOptions({ root, basePort, persist }),
      ignoreInterrupt: true,
    });
    // A Gen 1 rehearsal's tables exist before the sandbox checks the adopted ones.
    const dynamodb = gen1
      ? booting.then(async (local) => {
          try {
            const loaded = await gen1Fixture!.loadGen1Tables(local.client, gen1);
            say(
              'Gen 1',
              `${loaded.tables} tables, ${loaded.items} items, ${gen1.users.length} users from ${gen1.dir}`,
            );
          } catch (error) {
            await local.stop();
            throw error;
          }
          return local;
        })
      : booting;
    dynamodb.catch(() => undefined);
    const loaded = await Promise.all([import('./sandbox'), import('./seed')]).catch(async (error) => {
      await (await dynamodb.catch(() => undefined))?.stop();
      throw error;
    });
    const [{ startSandbox }, { seedSandbox, readOperatorCredentials }] = loaded;
    const sandbox = await startSandbox({
      root,
      basePort,
      dynamodb,
      persist,
      ...(gen1 ? { gen1: { resourcesFile: gen1.resourcesFile, users: gen1.users } } : {}),
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
    process.off('SIGINT', interruptStart);
    process.off('SIGTERM', interruptStart);
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
    if (values.seed) {
      const seeded = await seedSandbox({
        userPoolEndpoint: endpoints.userPoolEndpoint,
        operatorCredentials: readOperatorCredentials(sandbox.caCertPath),
        userPoolId: sandbox.inventory.userPool!.userPoolId,
        clientId: sandbox.inventory.userPool!.clientId,
        dynamodbUrl: endpoints.dynamodbUrl,
        awsUrl: endpoints.awsUrl,
      });
      say(
        'seed',
        `${seeded.users.length} users, ${seeded.brokers} brokers, ${seeded.conversations} conversations`,
      );
    }
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
