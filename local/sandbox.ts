import { join } from 'node:path';
import { GEN1_RESOURCES_CONTEXT_KEY } from '../amplify/migration/gen1-resources';
import { startApiGateway } from './apigateway/start';
import { startAppSync } from './appsync/start';
import { loadCloudAssembly } from './assembly/cloud-assembly';
import { functionNames } from './assembly/functions';
import { type BackendInventory, readInventory } from './assembly/inventory';
import { type SynthesizedBackend, synthesize } from './assembly/synth-cache';
import { startCognito } from './cognito/start';
import type { CognitoUser } from './cognito/user-store';
import type { LocalEndpoints } from './contracts';
import { type DynamoDbLocal, startDynamoDbLocal } from './dynamodb/dynamodb-local';
import { startTables } from './dynamodb/start';
import { startAwsServices } from './gateway/start';
import { startDevInbox } from './inbox/start';
import { startEventSources } from './lambda/event-sources';
import { hotReloader } from './lambda/hot-reload/start';
import type { FunctionRunner } from './lambda/runner/function-runner';
import { startFunctions } from './lambda/start';
import { startLegacy } from './legacy/start';
import { writeSandboxOutputs } from './outputs';
import { assertSandboxPortsFree, dynamoDbOptions, localEndpoints, sandboxPorts } from './ports/ports';
import { startS3 } from './s3/start';
import { loadOrCreateSecrets } from './secrets';
import { Shutdown } from './shutdown';
import type { StartStep } from './start-step';
import { ensureLocalCertificates } from './tls/local-ca';

/**
 * The whole backend on this machine (DESIGN §6): the synthesized backend's own tables,
 * functions, resolvers and event plumbing, on local engines and servers.
 */

export interface SandboxOptions {
  /** The repository root. */
  root: string;
  /** Ports from here up: inbox, GraphQL, Cognito, AWS APIs, Legacy API, REST API, DynamoDB. */
  basePort: number;
  /** Keep DynamoDB data and users under .amplify/sandbox/data. */
  persist: boolean;
  /** Where amplify_outputs.json goes (the repository root by default). */
  outputsPath?: string;
  /** Progress lines ("synth", "DynamoDB", …). */
  progress?: (step: string, detail?: string) => void;
  /** Function console output; stdout by default. */
  onFunctionLog?: (functionName: string, line: string) => void;
  /** Watch amplify/ and swap changes in (handler code in about a second, resources by a new synth). */
  watch?: boolean;
  /** DynamoDB Local already starting (start.ts starts it first: Java boots while Node loads). */
  dynamodb?: Promise<DynamoDbLocal>;
  /**
   * A Gen 1 rehearsal (`--gen1-fixture`, docs/migration.md): the adoption file the synth reads
   * (CDK context `gen1-resources-file`, synthesized into its own cdk.out) and the Gen 1 pool's
   * users, imported with their `sub`s when the sandbox's user store does not have them yet.
   */
  gen1?: { resourcesFile: string; users: CognitoUser[] };
}

export interface Sandbox {
  endpoints: LocalEndpoints;
  caCertPath: string;
  outputsPath: string;
  inventory: BackendInventory;
  runner: FunctionRunner;
  /** Settles when every change seen so far is live (watch mode). */
  reloaded(): Promise<void>;
  stop(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  // In-flight invocations get this long once their event sources stop; then their workers go.
  const shutdown = new Shutdown({ boundsMs: { 'event sources': 1500 } });
  const stop = () => shutdown.run();
  try {
    const { step, synth, assembly, dynamodbStarting } = await prepare(options, shutdown);
    const gateway = await startAwsServices(step);
    const s3 = await startS3(step, assembly);
    const lambda = await startFunctions(step, gateway, s3);
    // DynamoDB Local's JVM is still booting on a warm start (~2.5 s): the servers that do not
    // read a table at start-up start meanwhile; the event sources need the tables' streams.
    const tables = startTables(step, dynamodbStarting);
    tables.catch(() => undefined);
    const cognito = await startCognito(step, lambda);
    const appSync = await startAppSync(step, lambda, cognito);
    const restApi = await startApiGateway(step, lambda, cognito);
    const legacy = await startLegacy(step);
    const dynamodb = await tables;
    const scheduler = await startEventSources(step, lambda, gateway, dynamodb);
    await startDevInbox(step, { assembly, gateway, lambda, legacy, scheduler, cognito });
    const outputsPath = await writeSandboxOutputs(step, assembly);
    const reloader = hotReloader(step, { synth, lambda, dynamodb, appSync, restApi });

    return {
      endpoints: step.endpoints,
      caCertPath: step.tls.caCertPath,
      outputsPath,
      inventory: step.inventory,
      runner: lambda.runner,
      reloaded: () => reloader.idle(),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Before any service: free ports, the synth, DynamoDB Local booting, the inventory, certificates and secrets. */
async function prepare(options: SandboxOptions, shutdown: Shutdown) {
  const stopDynamoDb = (starting: Promise<DynamoDbLocal>) =>
    shutdown.add('engines', async () => (await starting.catch(() => undefined))?.stop());
  if (options.dynamodb) stopDynamoDb(options.dynamodb);
  const progress = options.progress ?? (() => undefined);
  const sandboxDir = join(options.root, '.amplify/sandbox');
  const ports = sandboxPorts(options.basePort);
  if (!options.dynamodb) await assertSandboxPortsFree(options.basePort);
  const synth = await synthesizeBackend({
    root: options.root,
    sandboxDir,
    gen1ResourcesFile: options.gen1?.resourcesFile,
    progress,
  });
  const dynamodbStarting = options.dynamodb ?? startDynamoDbLocal(dynamoDbOptions(options));
  if (!options.dynamodb) stopDynamoDb(dynamodbStarting);
  const endpoints = localEndpoints(ports);
  const assembly = loadCloudAssembly(synth.outdir);
  const step: StartStep = {
    options,
    sandboxDir,
    ports,
    endpoints,
    inventory: readInventory(assembly, endpoints, { functionNames: functionNames(options.root) }),
    tls: await ensureLocalCertificates(join(sandboxDir, 'tls')),
    secrets: loadOrCreateSecrets(join(sandboxDir, 'secrets.json')),
    progress,
    onStop: (stopStep, phase = 'servers') => shutdown.add(phase, stopStep),
  };
  return { step, synth, assembly, dynamodbStarting };
}

/** The backend synthesized offline (reused when amplify/ is unchanged); a Gen 1 rehearsal synthesizes into its own cdk.out. */
async function synthesizeBackend(options: {
  root: string;
  sandboxDir: string;
  /** A Gen 1 rehearsal's adoption file (CDK context `gen1-resources-file`). */
  gen1ResourcesFile?: string;
  progress: (step: string, detail?: string) => void;
}): Promise<SynthesizedBackend> {
  const { root, sandboxDir, gen1ResourcesFile, progress } = options;
  progress('synth', 'synthesizing the backend offline');
  const synthOut = join(sandboxDir, gen1ResourcesFile ? 'cdk.out-gen1' : 'cdk.out');
  const context: Record<string, string> = gen1ResourcesFile
    ? { [GEN1_RESOURCES_CONTEXT_KEY]: gen1ResourcesFile }
    : {};
  const synth = await synthesize(root, synthOut, { context });
  progress(
    'synth',
    synth.reused ? 'reused the last synth (amplify/ unchanged)' : `done in ${synth.durationMs} ms`,
  );
  return { outdir: synth.outdir, synthOut, context };
}
