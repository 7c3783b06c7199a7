import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import { GEN1_RESOURCES_CONTEXT_KEY } from '../amplify/migration/gen1-resources';
import { localRedriveTarget } from '../scripts/redrive/local-target';
import { type LocalRestApi, startRestApi } from './apigateway/server';
import { type LocalAppSync, startLocalAppSync } from './appsync/local-appsync';
import { type CloudAssembly, loadCloudAssembly } from './assembly/cloud-assembly';
import { buildFlowMap, type FlowMap } from './assembly/flow-map';
import { type BackendInventory, readInventory } from './assembly/inventory';
import { SANDBOX_NAME, synthesize } from './assembly/synth-cache';
import { type CognitoService, createCognitoService, startCognitoServer } from './cognito/server';
import type { CognitoUser } from './cognito/user-store';
import type { FunctionSpec, LocalEndpoints } from './contracts';
import { createTables, type DynamoDbLocal, startDynamoDbLocal } from './dynamodb/dynamodb-local';
import { type AwsGateway, startAwsGateway } from './gateway/gateway';
import { createSignedCallers, OPERATOR_CREDENTIALS_FILE, type SignedCallers } from './iam/signed-callers';
import { createCaptureLog, type ObservableCaptureLog } from './inbox/captures';
import { localFailureStores } from './inbox/failure-stores';
import { startInbox } from './inbox/server';
import { HotReloader } from './lambda/hot-reload/hot-reload';
import { QueuePoller } from './lambda/pollers/queue-poller';
import { StreamPoller, streamsClient } from './lambda/pollers/stream-poller';
import { FunctionRunner, type InvocationRecord } from './lambda/runner/function-runner';
import { Scheduler } from './lambda/scheduler/scheduler';
import { type LegacyApi, startLegacyApi } from './legacy/server';
import { buildAmplifyOutputs, writeAmplifyOutputs } from './outputs';
import { assertSandboxPortsFree, dynamoDbOptions, sandboxPorts } from './ports/ports';
import { readBucketDeployments } from './s3/bucket-deployments';
import { type LocalS3, startLocalS3 } from './s3/s3-server';
import { type LocalSecrets, loadOrCreateSecrets } from './secrets';
import { Shutdown, type StopPhase, type StopStep } from './shutdown';
import { ensureLocalCertificates, type LocalCertificates } from './tls/local-ca';

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

/** Function folders under amplify/functions: the functions the sandbox runs. */
export function functionNames(root: string): Set<string> {
  const folder = join(root, 'amplify/functions');
  return new Set(
    readdirSync(folder, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(join(folder, entry.name, 'resource.ts')))
      .map((entry) => entry.name),
  );
}

export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const progress = options.progress ?? (() => undefined);
  const sandboxDir = join(options.root, '.amplify/sandbox');
  // In-flight invocations get this long once their event sources stop; then their workers go.
  const shutdown = new Shutdown({ boundsMs: { 'event sources': 1500 } });
  const stop = () => shutdown.run();
  const stopDynamoDb = (starting: Promise<DynamoDbLocal>) =>
    shutdown.add('engines', async () => (await starting.catch(() => undefined))?.stop());

  if (options.dynamodb) stopDynamoDb(options.dynamodb);
  try {
    const ports = sandboxPorts(options.basePort);
    if (!options.dynamodb) await assertSandboxPortsFree(options.basePort);
    const synth = await synthesizeBackend(options, sandboxDir, progress);
    const dynamodbStarting = options.dynamodb ?? startDynamoDbLocal(dynamoDbOptions(options));
    if (!options.dynamodb) stopDynamoDb(dynamodbStarting);
    const endpoints = localEndpoints(ports);
    const assembly = loadCloudAssembly(synth.outdir);
    const inventory = readInventory(assembly, endpoints, { functionNames: functionNames(options.root) });
    const step: StartStep = {
      options,
      sandboxDir,
      ports,
      endpoints,
      inventory,
      tls: await ensureLocalCertificates(join(sandboxDir, 'tls')),
      secrets: loadOrCreateSecrets(join(sandboxDir, 'secrets.json')),
      progress,
      onStop: (stopStep, phase = 'servers') => shutdown.add(phase, stopStep),
    };

    const gateway = await startAwsServices(step);
    const s3 = await startS3(step, assembly);
    const lambda = await startFunctions(step, gateway, s3);
    const dynamodb = await startTables(step, dynamodbStarting);
    const cognito = await startCognito(step, lambda);
    const appSync = await startAppSync(step, lambda, cognito);
    const restApi = await startApiGateway(step, lambda, cognito);
    const legacy = await startLegacy(step);
    const scheduler = await startEventSources(step, lambda, gateway, dynamodb);
    await startDevInbox(step, { assembly, gateway, lambda, legacy, scheduler, cognito });
    const outputsPath = await writeOutputs(step, assembly);
    const reloader = hotReloader(step, { synth, lambda, dynamodb, appSync, restApi });

    return {
      endpoints,
      caCertPath: step.tls.caCertPath,
      outputsPath,
      inventory,
      runner: lambda.runner,
      reloaded: () => reloader.idle(),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** What every start-up step shares: the options, where services listen, what to run, how to stop. */
interface StartStep {
  options: SandboxOptions;
  sandboxDir: string;
  ports: ReturnType<typeof sandboxPorts>;
  endpoints: LocalEndpoints;
  inventory: BackendInventory;
  tls: LocalCertificates;
  secrets: LocalSecrets;
  progress: (step: string, detail?: string) => void;
  /** Runs when the sandbox stops, in its phase (local/shutdown.ts; a server by default). */
  onStop(stop: StopStep, phase?: StopPhase): void;
}

interface SynthesizedBackend {
  outdir: string;
  synthOut: string;
  context: Record<string, string>;
}

/** The backend synthesized offline (reused when amplify/ is unchanged); a Gen 1 rehearsal synthesizes into its own cdk.out. */
async function synthesizeBackend(
  options: SandboxOptions,
  sandboxDir: string,
  progress: StartStep['progress'],
): Promise<SynthesizedBackend> {
  progress('synth', 'synthesizing the backend offline');
  const synthOut = join(sandboxDir, options.gen1 ? 'cdk.out-gen1' : 'cdk.out');
  const context: Record<string, string> = options.gen1
    ? { [GEN1_RESOURCES_CONTEXT_KEY]: options.gen1.resourcesFile }
    : {};
  const synth = await synthesize(options.root, synthOut, { context });
  progress(
    'synth',
    synth.reused ? 'reused the last synth (amplify/ unchanged)' : `done in ${synth.durationMs} ms`,
  );
  return { outdir: synth.outdir, synthOut, context };
}

function localEndpoints(ports: ReturnType<typeof sandboxPorts>): LocalEndpoints {
  return {
    inboxUrl: `http://127.0.0.1:${ports.inbox}`,
    graphqlUrl: `https://127.0.0.1:${ports.graphql}/graphql`,
    realtimeUrl: `wss://127.0.0.1:${ports.graphql}/graphql/realtime`,
    userPoolEndpoint: `http://127.0.0.1:${ports.cognito}`,
    awsUrl: `http://127.0.0.1:${ports.aws}`,
    legacyApiUrl: `http://127.0.0.1:${ports.legacy}`,
    restApiUrl: `http://127.0.0.1:${ports.rest}`,
    dynamodbUrl: `http://127.0.0.1:${ports.dynamodb}`,
    sentryDsn: `http://public@127.0.0.1:${ports.aws}/1`,
  };
}

/** SQS, SNS, SSM, push and Sentry on one endpoint, with the synthesized queues, topics, subscriptions, parameters and apps. */
async function startAwsServices({ options, ports, inventory, onStop }: StartStep): Promise<AwsGateway> {
  const gateway = await startAwsGateway({ port: ports.aws });
  onStop(() => gateway.close());
  // Dead-letter queues first: a queue's redrive policy names its DLQ.
  for (const queue of [...inventory.queues].sort((a, b) => Number(!!a.redrive) - Number(!!b.redrive))) {
    gateway.sqs.createQueue(queue.name, {
      visibilityTimeoutSeconds: queue.visibilityTimeoutSeconds,
      messageRetentionSeconds: queue.messageRetentionSeconds,
      ...(queue.redrive ? { redrive: queue.redrive } : {}),
    });
  }
  for (const topic of inventory.topics) gateway.sns.createTopic(topic.name);
  for (const subscription of inventory.subscriptions) {
    if (subscription.protocol !== 'sqs' || !subscription.queueName) continue;
    gateway.sns.subscribe(subscription.topicArn, 'sqs', gateway.sqs.queueArn(subscription.queueName), {
      rawMessageDelivery: subscription.rawMessageDelivery,
      ...(subscription.filterPolicy ? { filterPolicy: subscription.filterPolicy } : {}),
      ...(subscription.filterPolicyScope ? { filterPolicyScope: subscription.filterPolicyScope } : {}),
    });
  }
  for (const parameter of inventory.ssmParameters) {
    gateway.ssm.put(parameter.name, parameter.value, { type: parameter.type as 'String', overwrite: true });
  }
  const parametersFile = join(options.root, 'local/parameters.json');
  if (existsSync(parametersFile)) gateway.ssm.loadFile(parametersFile);
  for (const appId of inventory.pushApplicationIds) gateway.push.createApp(appId);
  return gateway;
}

/** S3: what bucket deployments copy, e.g. the model introspection schema the data client reads. */
async function startS3({ endpoints, onStop }: StartStep, assembly: CloudAssembly): Promise<LocalS3> {
  const s3 = await startLocalS3({ buckets: readBucketDeployments(assembly, endpoints) });
  onStop(() => s3.close());
  return s3;
}

interface LocalLambda {
  runner: FunctionRunner;
  signedCallers: SignedCallers;
  invocations: ObservableCaptureLog<InvocationRecord>;
  /** The functions as loaded now (hot reload replaces some). */
  current: FunctionSpec[];
  /** A synthesized function as the sandbox runs it (see localFunction). */
  toLocal(spec: FunctionSpec): FunctionSpec;
}

/** Lambda: each function in its own worker, reaching local endpoints through the SDK's env settings. */
async function startFunctions(
  { sandboxDir, endpoints, inventory, tls, secrets, options, progress, onStop }: StartStep,
  gateway: AwsGateway,
  s3: LocalS3,
): Promise<LocalLambda> {
  const secretValues: Record<string, string> = { ...secrets.values, SENTRY_DSN: endpoints.sentryDsn };
  // Each function signs its AWS calls with its own key; the local services verify the signature.
  const signedCallers = createSignedCallers(inventory.functions, {
    operator: {
      accessKeyId: secrets.values.LOCAL_OPERATOR_ACCESS_KEY_ID!,
      secretAccessKey: secrets.values.LOCAL_OPERATOR_SECRET_ACCESS_KEY!,
    },
  });
  writeFileSync(
    join(sandboxDir, OPERATOR_CREDENTIALS_FILE),
    JSON.stringify(signedCallers.operatorCredentials()),
    { mode: 0o600 },
  );
  const toLocal = (spec: FunctionSpec) =>
    localFunction(spec, secretValues, endpoints, gateway.ssm.put.bind(gateway.ssm), signedCallers);
  const functions = inventory.functions.map(toLocal);

  const invocations = createCaptureLog<InvocationRecord>();
  const runner = new FunctionRunner({
    baseEnvironment: {
      AWS_ENDPOINT_URL: endpoints.awsUrl,
      AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodbUrl,
      AWS_ENDPOINT_URL_DYNAMODB_STREAMS: endpoints.dynamodbUrl,
      AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: endpoints.userPoolEndpoint,
      AWS_ENDPOINT_URL_S3: s3.url,
      NODE_EXTRA_CA_CERTS: tls.caCertPath,
      PATH: process.env.PATH ?? '',
    },
    onInvocation: (record) => invocations.add(record),
    ...(options.onFunctionLog ? { onLog: options.onFunctionLog } : {}),
  });
  onStop(() => runner.stop(), 'functions');
  await runner.load(functions);
  progress('functions', `${functions.length} functions ready`);
  return { runner, signedCallers, invocations, current: functions, toLocal };
}

/** DynamoDB: the synthesized tables on DynamoDB Local. */
async function startTables(
  { inventory, endpoints, progress }: StartStep,
  starting: Promise<DynamoDbLocal>,
): Promise<DynamoDbLocal> {
  const dynamodb = await starting;
  await createTables(dynamodb.client, inventory.tables);
  progress('DynamoDB', `${inventory.tables.length} tables at ${endpoints.dynamodbUrl}`);
  return dynamodb;
}

interface LocalCognito {
  service: CognitoService;
  verifyIdToken(token: string): Promise<Record<string, unknown>>;
  /** An ID or access token, as AppSync's Cognito authorization accepts either. */
  verifyJwt(token: string): Promise<Record<string, unknown> & { sub: string; iss: string }>;
}

/** Auth: the Cognito-compatible endpoint, running the real trigger functions. */
async function startCognito(
  { inventory, options, sandboxDir, ports, endpoints, progress, onStop }: StartStep,
  lambda: LocalLambda,
): Promise<LocalCognito> {
  if (!inventory.userPool) throw new Error('The synthesized backend has no user pool');
  const service = createCognitoService({
    config: inventory.userPool,
    invoker: lambda.runner,
    verifyIam: lambda.signedCallers.verify,
    ...(options.persist ? { persistDir: join(sandboxDir, 'data/cognito') } : {}),
    ...(options.gen1 ? { importUsers: options.gen1.users } : {}),
  });
  const server = await startCognitoServer({ service, port: ports.cognito });
  onStop(() => server.close());
  const jwks = createLocalJWKSet(service.jwks());
  const verifyIdToken = async (token: string) => {
    const { payload } = await jwtVerify(token, jwks, {
      issuer: service.config.issuer,
      audience: service.config.clientId,
      algorithms: ['RS256'],
    });
    if (payload.token_use !== 'id') throw new Error('not an ID token');
    return payload as Record<string, unknown>;
  };
  const verifyJwt = async (token: string) =>
    (decodeJwt(token).token_use === 'id'
      ? verifyIdToken(token)
      : service.verifyAccessToken(token)) as Promise<Record<string, unknown> & { sub: string; iss: string }>;
  progress('auth', `Cognito-compatible endpoint at ${endpoints.userPoolEndpoint}`);
  return { service, verifyIdToken, verifyJwt };
}

/** AppSync: the synthesized schema and resolvers over HTTPS, realtime over wss. */
async function startAppSync(
  { inventory, ports, tls, endpoints, progress, onStop }: StartStep,
  lambda: LocalLambda,
  cognito: LocalCognito,
): Promise<LocalAppSync> {
  if (!inventory.appSync) throw new Error('The synthesized backend has no GraphQL API');
  const appSync = await startLocalAppSync({
    spec: inventory.appSync,
    port: ports.graphql,
    tls,
    dynamodb: { endpoint: endpoints.dynamodbUrl },
    invoker: lambda.runner,
    verifyJwt: cognito.verifyJwt,
    verifyIam: lambda.signedCallers.verify,
  });
  onStop(() => appSync.stop());
  progress('API', `GraphQL at ${endpoints.graphqlUrl}`);
  return appSync;
}

/** API Gateway: the REST API's routes on the functions, behind the Cognito authorizer. */
async function startApiGateway(
  { inventory, ports, endpoints, onStop }: StartStep,
  lambda: LocalLambda,
  cognito: LocalCognito,
): Promise<LocalRestApi> {
  const restApi = await startRestApi({
    port: ports.rest,
    routes: inventory.restApi?.routes ?? [],
    stageName: inventory.restApi?.stageName ?? 'sandbox',
    invoker: lambda.runner,
    verifyIdToken: cognito.verifyIdToken,
    cors: { origins: ['*'] },
  });
  onStop(() => restApi.stop());
  endpoints.restApiUrl = restApi.url;
  return restApi;
}

/** The Legacy API stand-in, verifying the functions' service tokens with the sandbox's key. */
async function startLegacy({ ports, secrets, onStop }: StartStep): Promise<LegacyApi> {
  const legacy = await startLegacyApi({
    port: ports.legacy,
    verification: {
      key: secrets.serviceTokenPublicKey,
      issuer: 'bootalk-amplify',
      audience: 'bootalk-legacy-api',
    },
  });
  onStop(() => legacy.stop());
  return legacy;
}

/** Lambda's event sources: stream and queue pollers for the event source mappings, and the schedules. */
async function startEventSources(
  { inventory, endpoints, progress, onStop }: StartStep,
  lambda: LocalLambda,
  gateway: AwsGateway,
  dynamodb: DynamoDbLocal,
): Promise<Scheduler> {
  const streams = streamsClient(endpoints.dynamodbUrl);
  for (const mapping of inventory.eventSourceMappings) {
    if (mapping.source.kind === 'dynamodb-stream') {
      const poller = new StreamPoller({
        mapping,
        dynamodb: dynamodb.client,
        streams,
        invoker: lambda.runner,
        sendToQueue: async (queueName, body) => {
          gateway.sqs.send(queueName, body);
        },
        onFailure: (failure) =>
          gateway.captures.deadLetters.add({
            id: `${failure.functionName}:${failure.startSequenceNumber}`,
            at: new Date().toISOString(),
            source: `stream ${failure.tableName} → ${failure.functionName}`,
            reason: failure.reason,
            body: failure,
          }),
      });
      await poller.start();
      onStop(() => poller.stop(), 'event sources');
    } else {
      const poller = new QueuePoller(mapping, gateway.sqs, lambda.runner);
      poller.start();
      onStop(() => poller.stop(), 'event sources');
    }
  }
  const scheduler = new Scheduler(lambda.runner);
  scheduler.start(inventory.schedules);
  onStop(() => scheduler.stop(), 'event sources');
  progress(
    'events',
    `${inventory.eventSourceMappings.length} event sources, ${inventory.schedules.length} schedules`,
  );
  return scheduler;
}

/** The dev inbox: what the services captured, and the controls over functions, faults and failure stores. */
async function startDevInbox(
  { options, ports, endpoints, inventory, onStop }: StartStep,
  services: {
    assembly: CloudAssembly;
    gateway: AwsGateway;
    lambda: LocalLambda;
    legacy: LegacyApi;
    scheduler: Scheduler;
    cognito: LocalCognito;
  },
): Promise<void> {
  const { assembly, gateway, lambda, legacy, scheduler, cognito } = services;
  const startedAt = new Date().toISOString();
  // The event-flow map of this synth, read the first time the Flows page asks for it.
  let flowMap: FlowMap | undefined;
  const inbox = await startInbox({
    port: ports.inbox,
    sources: {
      sms: gateway.captures.sms,
      push: gateway.captures.push,
      legacyCalls: legacy.calls,
      deadLetters: gateway.captures.deadLetters,
      errors: gateway.captures.errors,
      invocations: lambda.invocations,
      functions: {
        names: () => lambda.runner.names(),
        scheduled: () => scheduler.list(),
        invoke: (name, event) => lambda.runner.invoke(name, event),
      },
      legacy: {
        setFaults: (faults) => legacy.setFaults(faults),
        clearFaults: () => legacy.clearFaults(),
        faults: () => legacy.faults(),
        putReferenceItem: (kind, id, body) => legacy.putReferenceItem(kind, id, body),
      },
      queues: {
        names: () => gateway.sqs.queueNames(),
        messages: (name) => gateway.sqs.listMessages(name),
      },
      flows: () => (flowMap ??= buildFlowMap(assembly, inventory, { root: options.root, namePrefix: '' })),
      // The Dead letters tab's Redrive / Replay: the code of `npm run redrive`, on the local services.
      failureStores: localFailureStores(
        gateway.sqs,
        localRedriveTarget({
          awsUrl: endpoints.awsUrl,
          dynamodbUrl: endpoints.dynamodbUrl,
          invoker: lambda.runner,
          mappings: inventory.eventSourceMappings,
        }),
      ),
      users: () =>
        cognito.service.users.list().map((user) => ({
          username: user.username,
          phoneMasked: user.phone,
          groups: user.groups,
          createdAt: user.createdAt,
        })),
      info: () => ({
        startedAt,
        endpoints: { ...endpoints },
        stage: 'sandbox',
        version: SANDBOX_NAME,
        memory: {
          rssMB: Math.round(process.memoryUsage().rss / 2 ** 20),
          heapUsedMB: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
        },
        environments: lambda.runner.environments(),
      }),
    },
  });
  onStop(() => inbox.stop());
}

/** amplify_outputs.json, pointing the app at the local endpoints (custom.localSandbox). */
async function writeOutputs(
  { options, endpoints, inventory, tls, progress }: StartStep,
  assembly: CloudAssembly,
) {
  const outputsPath = options.outputsPath ?? join(options.root, 'amplify_outputs.json');
  writeAmplifyOutputs(
    outputsPath,
    await buildAmplifyOutputs(assembly, inventory, {
      userPoolEndpoint: endpoints.userPoolEndpoint,
      inboxUrl: endpoints.inboxUrl,
      legacyApiUrl: endpoints.legacyApiUrl,
      caCertPath: tls.caCertPath,
      graphqlRealtimeUrl: endpoints.realtimeUrl,
      awsEndpointUrl: endpoints.awsUrl,
      restApiUrl: endpoints.restApiUrl,
      dynamodbUrl: endpoints.dynamodbUrl,
    }),
  );
  progress('outputs', outputsPath);
  return outputsPath;
}

/** Watch mode: handler changes swapped into the workers, resource changes by a new synth. */
function hotReloader(
  { options, endpoints, progress, onStop }: StartStep,
  services: {
    synth: SynthesizedBackend;
    lambda: LocalLambda;
    dynamodb: DynamoDbLocal;
    appSync: LocalAppSync;
    restApi: LocalRestApi;
  },
): HotReloader {
  const { synth, lambda, dynamodb, appSync, restApi } = services;
  const reloader = new HotReloader({
    root: options.root,
    functions: () => lambda.current,
    replaceFunctions: async (specs) => {
      lambda.current = lambda.current.map((spec) => specs.find((next) => next.name === spec.name) ?? spec);
      await lambda.runner.load(specs);
    },
    resynthesize: async (changed) => {
      progress('reload', `${changed.join(', ')} changed: synthesizing`);
      const next = await synthesize(options.root, synth.synthOut, { context: synth.context });
      const nextInventory = readInventory(loadCloudAssembly(next.outdir), endpoints, {
        functionNames: functionNames(options.root),
      });
      lambda.signedCallers.update(nextInventory.functions);
      lambda.current = nextInventory.functions.map(lambda.toLocal);
      const replaced = await lambda.runner.load(lambda.current);
      await createTables(dynamodb.client, nextInventory.tables);
      if (nextInventory.appSync) appSync.reload(nextInventory.appSync);
      restApi.reload(nextInventory.restApi?.routes ?? []);
      progress(
        'reload',
        `live: ${replaced.length} functions replaced, API and tables updated (restart for new queues, topics and event sources)`,
      );
    },
    say: progress,
  });
  if (options.watch) {
    reloader.start();
    onStop(() => reloader.stop(), 'event sources');
  }
  return reloader;
}

/**
 * A function as the sandbox runs it: its own access key (so the API sees which function's role
 * calls it), and its Amplify secrets put into the local SSM where Amplify's loader looks.
 */
function localFunction(
  spec: FunctionSpec,
  secrets: Record<string, string>,
  endpoints: LocalEndpoints,
  putParameter: (
    name: string,
    value: string,
    options: { type: 'SecureString'; overwrite: boolean },
  ) => unknown,
  signedCallers: SignedCallers,
): FunctionSpec {
  const ssmConfig = JSON.parse(spec.environment.AMPLIFY_SSM_ENV_CONFIG ?? '{}') as Record<
    string,
    { path: string; sharedPath?: string }
  >;
  for (const [name, paths] of Object.entries(ssmConfig)) {
    const value = secrets[name];
    if (value !== undefined) putParameter(paths.path, value, { type: 'SecureString', overwrite: true });
  }
  return {
    ...spec,
    environment: {
      ...spec.environment,
      // The deployment's Legacy API is the local stand-in, and so is data.go.kr's 실거래 API.
      LEGACY_API_URL: endpoints.legacyApiUrl,
      ...(spec.environment.PUBLIC_DATA_REAL_TRANSACTION_URL
        ? { PUBLIC_DATA_REAL_TRANSACTION_URL: `${endpoints.legacyApiUrl}/v1/public-data/real-transactions` }
        : {}),
      ...signedCallers.credentialsFor(spec.name),
    },
  };
}
