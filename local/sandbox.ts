import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import { GEN1_RESOURCES_CONTEXT_KEY } from '../amplify/migration/gen1-resources';
import { localRedriveTarget } from '../scripts/redrive/local-target';
import { startLocalAppSync } from './appsync/local-appsync';
import { loadCloudAssembly } from './assembly/cloud-assembly';
import { buildFlowMap, type FlowMap } from './assembly/flow-map';
import { type BackendInventory, readInventory } from './assembly/inventory';
import { createCaptureLog } from './aws/captures';
import { startAwsGateway } from './aws/gateway';
import { createCognitoService, startCognitoServer } from './cognito/server';
import type { CognitoUser } from './cognito/user-store';
import type { FunctionSpec, LocalEndpoints } from './contracts';
import { createTables, type DynamoDbLocal, startDynamoDbLocal } from './dynamodb/dynamodb-local';
import { QueuePoller } from './events/queue-poller';
import { Scheduler } from './events/scheduler';
import { StreamPoller, streamsClient } from './events/stream-poller';
import { FunctionRunner, type InvocationRecord } from './functions/function-runner';
import {
  createSignedCallers,
  OPERATOR_CREDENTIALS_FILE,
  type SignedCallers,
} from './functions/signed-callers';
import { HotReloader } from './hot-reload';
import { localFailureStores } from './inbox/failure-stores';
import { startInbox } from './inbox/server';
import { startLegacyApi } from './legacy/server';
import { buildAmplifyOutputs, writeAmplifyOutputs } from './outputs';
import { assertSandboxPortsFree, dynamoDbOptions, sandboxPorts } from './ports';
import { startRestApi } from './rest/server';
import { readBucketDeployments } from './s3/bucket-deployments';
import { startLocalS3 } from './s3/s3-server';
import { loadOrCreateSecrets } from './secrets';
import { SANDBOX_NAME, synthesize } from './synth-cache';
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
  const stops: (() => Promise<void> | void)[] = [];
  const stop = async () => {
    for (const step of stops.reverse()) {
      try {
        await step();
      } catch (error) {
        console.error('while stopping:', error);
      }
    }
  };

  if (options.dynamodb) stops.push(async () => (await options.dynamodb!.catch(() => undefined))?.stop());
  try {
    const ports = sandboxPorts(options.basePort);
    if (!options.dynamodb) await assertSandboxPortsFree(options.basePort);

    progress('synth', 'synthesizing the backend offline');
    const synthOut = join(sandboxDir, options.gen1 ? 'cdk.out-gen1' : 'cdk.out');
    const synthContext: Record<string, string> = options.gen1
      ? { [GEN1_RESOURCES_CONTEXT_KEY]: options.gen1.resourcesFile }
      : {};
    const synth = await synthesize(options.root, synthOut, { context: synthContext });
    progress(
      'synth',
      synth.reused ? 'reused the last synth (amplify/ unchanged)' : `done in ${synth.durationMs} ms`,
    );

    const dynamodbPromise = options.dynamodb ?? startDynamoDbLocal(dynamoDbOptions(options));
    if (!options.dynamodb) stops.push(async () => (await dynamodbPromise.catch(() => undefined))?.stop());
    const tls = await ensureLocalCertificates(join(sandboxDir, 'tls'));
    const secrets = loadOrCreateSecrets(join(sandboxDir, 'secrets.json'));

    const endpoints: LocalEndpoints = {
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
    const assembly = loadCloudAssembly(synth.outdir);
    const inventory = readInventory(assembly, endpoints, { functionNames: functionNames(options.root) });

    // AWS APIs: topics, queues, subscriptions, parameters and secrets, push apps.
    const gateway = await startAwsGateway({ port: ports.aws });
    stops.push(() => gateway.close());
    // S3: what bucket deployments copy, e.g. the model introspection schema the data client reads.
    const s3 = await startLocalS3({ buckets: readBucketDeployments(assembly, endpoints) });
    stops.push(() => s3.close());
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
      {
        mode: 0o600,
      },
    );
    const functions = inventory.functions.map((spec) =>
      localFunction(spec, secretValues, endpoints, gateway.ssm.put.bind(gateway.ssm), signedCallers),
    );

    // Functions: each in its own worker, reaching local endpoints through the SDK's env settings.
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
    stops.push(() => runner.stop());
    await runner.load(functions);
    progress('functions', `${functions.length} functions ready`);

    const dynamodb = await dynamodbPromise;
    await createTables(dynamodb.client, inventory.tables);
    progress('DynamoDB', `${inventory.tables.length} tables at ${endpoints.dynamodbUrl}`);

    // Auth: the Cognito-compatible endpoint, running the real trigger functions.
    if (!inventory.userPool) throw new Error('The synthesized backend has no user pool');
    const cognito = createCognitoService({
      config: inventory.userPool,
      invoker: runner,
      verifyIam: signedCallers.verify,
      ...(options.persist ? { persistDir: join(sandboxDir, 'data/cognito') } : {}),
      ...(options.gen1 ? { importUsers: options.gen1.users } : {}),
    });
    const cognitoServer = await startCognitoServer({ service: cognito, port: ports.cognito });
    stops.push(() => cognitoServer.close());
    const jwks = createLocalJWKSet(cognito.jwks());
    const verifyIdToken = async (token: string) => {
      const { payload } = await jwtVerify(token, jwks, {
        issuer: cognito.config.issuer,
        audience: cognito.config.clientId,
        algorithms: ['RS256'],
      });
      if (payload.token_use !== 'id') throw new Error('not an ID token');
      return payload as Record<string, unknown>;
    };
    const verifyJwt = async (token: string) =>
      (decodeJwt(token).token_use === 'id'
        ? verifyIdToken(token)
        : cognito.verifyAccessToken(token)) as Promise<
        Record<string, unknown> & { sub: string; iss: string }
      >;
    progress('auth', `Cognito-compatible endpoint at ${endpoints.userPoolEndpoint}`);

    // API: the synthesized schema and resolvers over HTTPS, realtime over wss.
    if (!inventory.appSync) throw new Error('The synthesized backend has no GraphQL API');
    const appSync = await startLocalAppSync({
      spec: inventory.appSync,
      port: ports.graphql,
      tls,
      dynamodb: { endpoint: endpoints.dynamodbUrl },
      invoker: runner,
      verifyJwt,
      verifyIam: signedCallers.verify,
    });
    stops.push(() => appSync.stop());
    progress('API', `GraphQL at ${endpoints.graphqlUrl}`);

    const restApi = await startRestApi({
      port: ports.rest,
      routes: inventory.restApi?.routes ?? [],
      stageName: inventory.restApi?.stageName ?? 'sandbox',
      invoker: runner,
      verifyIdToken,
      cors: { origins: ['*'] },
    });
    stops.push(() => restApi.stop());
    endpoints.restApiUrl = restApi.url;

    const legacy = await startLegacyApi({
      port: ports.legacy,
      verification: {
        key: secrets.serviceTokenPublicKey,
        issuer: 'bootalk-amplify',
        audience: 'bootalk-legacy-api',
      },
    });
    stops.push(() => legacy.stop());

    // Event plumbing: stream and queue event source mappings, schedules.
    const streams = streamsClient(endpoints.dynamodbUrl);
    for (const mapping of inventory.eventSourceMappings) {
      if (mapping.source.kind === 'dynamodb-stream') {
        const poller = new StreamPoller({
          mapping,
          dynamodb: dynamodb.client,
          streams,
          invoker: runner,
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
            } as never),
        });
        await poller.start();
        stops.push(() => poller.stop());
      } else {
        const poller = new QueuePoller(mapping, gateway.sqs, runner);
        poller.start();
        stops.push(() => poller.stop());
      }
    }
    const scheduler = new Scheduler(runner);
    scheduler.start(inventory.schedules);
    stops.push(() => scheduler.stop());
    progress(
      'events',
      `${inventory.eventSourceMappings.length} event sources, ${inventory.schedules.length} schedules`,
    );

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
        invocations,
        functions: {
          names: () => runner.names(),
          scheduled: () => scheduler.list(),
          invoke: (name, event) => runner.invoke(name, event),
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
            invoker: runner,
            mappings: inventory.eventSourceMappings,
          }),
        ),
        users: () =>
          cognito.users.list().map((user) => ({
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
        }),
      } as Parameters<typeof startInbox>[0]['sources'],
    });
    stops.push(() => inbox.stop());

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

    let current = functions;
    const reloader = new HotReloader({
      root: options.root,
      functions: () => current,
      replaceFunctions: async (specs) => {
        current = current.map((spec) => specs.find((next) => next.name === spec.name) ?? spec);
        await runner.load(specs);
      },
      resynthesize: async (changed) => {
        progress('reload', `${changed.join(', ')} changed: synthesizing`);
        const next = await synthesize(options.root, synthOut, { context: synthContext });
        const nextInventory = readInventory(loadCloudAssembly(next.outdir), endpoints, {
          functionNames: functionNames(options.root),
        });
        signedCallers.update(nextInventory.functions);
        current = nextInventory.functions.map((spec) =>
          localFunction(spec, secretValues, endpoints, gateway.ssm.put.bind(gateway.ssm), signedCallers),
        );
        const replaced = await runner.load(current);
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
      stops.push(() => reloader.stop());
    }

    return {
      endpoints,
      caCertPath: tls.caCertPath,
      outputsPath,
      inventory,
      runner,
      reloaded: () => reloader.idle(),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
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
