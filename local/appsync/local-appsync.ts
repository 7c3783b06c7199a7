import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { AmplifyAppSyncSimulator } from '@aws-amplify/amplify-appsync-simulator';
import type { AppSyncSpec } from '../assembly/graphql-api';
import type { FunctionInvoker } from '../contracts';
import type { SignedCaller, SignedRequest } from '../iam/signed-callers';
import type { JwtClaims } from './execution-context';
import { installFilteredSubscriptions } from './filtered-subscriptions';
import { createGraphqlHttpHandler } from './graphql-http';
import { createRealtimeServer, REALTIME_PATH } from './realtime';
import type { RequestAuthOptions } from './request-auth';
import { simulatorConfigOf } from './simulator-config';
import { installVtlExtensions } from './vtl-extensions';

/**
 * The synthesized AppSync API on this machine: the Amplify AppSync simulator runs the
 * schema and VTL resolvers; this module serves it over HTTPS on 127.0.0.1 with real token
 * checks, the realtime protocol aws-amplify speaks, and subscription filters that keep
 * each user's events to that user. The simulator's own server is never started.
 */

export interface LocalAppSyncOptions {
  spec: AppSyncSpec;
  /** 0 picks a free port. */
  port: number;
  tls: { certPath: string; keyPath: string };
  dynamodb: { endpoint: string };
  /** Runs the functions behind AWS_LAMBDA data sources. */
  invoker?: FunctionInvoker;
  /** Verifies a Cognito token (RS256 signature against the JWKS, expiry, issuer) and returns its claims; throws otherwise. */
  verifyJwt(token: string): Promise<JwtClaims>;
  /**
   * Verifies a SigV4-signed request (the function's secret key, the request's date) and names
   * the function and its IAM statements; throws SignatureError. Without it SigV4 is refused.
   */
  verifyIam?: (request: SignedRequest) => Promise<SignedCaller>;
  /** How often `ka` is sent on realtime connections (default 30 s). */
  keepAliveIntervalMs?: number;
}

export interface LocalAppSync {
  /** https://127.0.0.1:<port>/graphql */
  url: string;
  /** wss://127.0.0.1:<port>/graphql/realtime */
  realtimeUrl: string;
  port: number;
  /** Swaps in a newly synthesized API; open connections and running subscriptions stay. */
  reload(spec: AppSyncSpec): void;
  /** Mutation results published to subscribers since start (before filtering). */
  readonly publishCount: number;
  readonly realtimeConnectionCount: number;
  stop(): Promise<void>;
}

export async function startLocalAppSync(options: LocalAppSyncOptions): Promise<LocalAppSync> {
  installVtlExtensions();
  const simulator = new AmplifyAppSyncSimulator({ port: 0, wsPort: 0 });
  const load = (spec: AppSyncSpec) => {
    simulator.init(
      simulatorConfigOf(spec, { dynamodbEndpoint: options.dynamodb.endpoint, invoker: options.invoker }),
    );
    installFilteredSubscriptions(simulator);
  };
  let modes = modesOf(options.spec);
  let apiId = options.spec.apiId;
  load(options.spec);

  let publishCount = 0;
  const pubsub = simulator.pubsub;
  const publish = pubsub.publish.bind(pubsub);
  pubsub.publish = (trigger, payload) => {
    publishCount += 1;
    return publish(trigger, payload);
  };

  const auth: RequestAuthOptions = {
    get modes() {
      return modes;
    },
    get apiId() {
      return apiId;
    },
    verifyJwt: options.verifyJwt,
    ...(options.verifyIam ? { verifyIam: options.verifyIam } : {}),
  };
  let currentSpec = options.spec;
  const handleHttp = createGraphqlHttpHandler({ auth, simulator: () => simulator, spec: () => currentSpec });
  const realtime = createRealtimeServer({
    auth,
    simulator: () => simulator,
    keepAliveIntervalMs: options.keepAliveIntervalMs,
  });

  const server = createServer({
    cert: readFileSync(options.tls.certPath),
    key: readFileSync(options.tls.keyPath),
  });
  server.on('request', (request, response) => {
    handleHttp(request, response).catch((error: Error) => {
      if (!response.headersSent) {
        response
          .writeHead(500, { 'content-type': 'application/json' })
          .end(JSON.stringify({ errors: [{ errorType: 'InternalFailure', message: error.message }] }));
      }
    });
  });
  server.on('upgrade', (request, socket, head) => {
    if ((request.url ?? '').split('?')[0] !== REALTIME_PATH) {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    realtime.handleUpgrade(request, socket, head);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `https://127.0.0.1:${port}/graphql`,
    realtimeUrl: `wss://127.0.0.1:${port}${REALTIME_PATH}`,
    port,
    reload(spec) {
      load(spec);
      modes = modesOf(spec);
      apiId = spec.apiId;
      currentSpec = spec;
    },
    get publishCount() {
      return publishCount;
    },
    get realtimeConnectionCount() {
      return realtime.connectionCount;
    },
    async stop() {
      realtime.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function modesOf(spec: AppSyncSpec): string[] {
  return [spec.defaultAuthentication, ...spec.additionalAuthentications];
}
