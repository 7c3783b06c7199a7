import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RestRouteSpec } from '../assembly/rest-api';
import { type FunctionInvoker, LOCAL_ACCOUNT } from '../contracts';
import { authorizeWithUserPool, type VerifyIdToken } from './cognito-authorizer';
import { preflightHeaders } from './cors';
import {
  endpointTimedOut,
  type GatewayAnswer,
  internalServerError,
  missingAuthenticationToken,
} from './gateway-responses';
import { proxyEvent } from './proxy-event';
import { type MappedResponse, mapProxyResult } from './proxy-response';
import { createRouteTable, type RouteTable } from './route-table';

/**
 * The backend's API Gateway REST API on this machine (DESIGN §6 item 6): the synthesized routes,
 * the Cognito user pools authorizer, Lambda proxy integrations run through the function invoker,
 * MOCK integrations and CORS preflight, with API Gateway's own answers for what goes wrong.
 *
 * Paths are accepted with the stage as their first segment (`/<stage>/v1/health`, like the
 * execute-api URL) and without it (`/v1/health`, like a custom domain mapping).
 */

export interface RestApiOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  routes: RestRouteSpec[];
  stageName: string;
  invoker: FunctionInvoker;
  /** The user pool's ID token check; throws when the token is not acceptable. */
  verifyIdToken: VerifyIdToken;
  cors: { origins: string[] };
  apiId?: string;
  /** API Gateway's integration limit: 29 s. */
  integrationTimeoutMs?: number;
  now?: () => number;
}

export interface LocalRestApi {
  /** `http://127.0.0.1:<port>/<stage>`, like the execute-api invoke URL. */
  readonly url: string;
  /** `http://127.0.0.1:<port>`: the same API without the stage in the path. */
  readonly origin: string;
  readonly port: number;
  /** Serves a new route table (after a re-synth) without restarting. */
  reload(routes: RestRouteSpec[]): void;
  stop(): Promise<void>;
}

const MAX_BODY_BYTES = 10 * 1024 * 1024;

async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

type Answer = GatewayAnswer | MappedResponse;

function send(response: ServerResponse, answer: Answer, requestId: string) {
  const headers: [string, string][] = Array.isArray(answer.headers)
    ? answer.headers
    : Object.entries(answer.headers);
  response.statusCode = answer.statusCode;
  const grouped = new Map<string, string[]>();
  for (const [name, value] of headers) grouped.set(name, [...(grouped.get(name) ?? []), value]);
  for (const [name, values] of grouped) response.setHeader(name, values.length === 1 ? values[0]! : values);
  response.setHeader('x-amzn-RequestId', requestId);
  response.setHeader('x-amz-apigw-id', Buffer.from(requestId).toString('base64').slice(0, 16));
  response.end(answer.body);
}

export async function startRestApi(options: RestApiOptions): Promise<LocalRestApi> {
  let table: RouteTable = createRouteTable(options.routes);
  const now = options.now ?? Date.now;
  const apiId = options.apiId ?? 'localrest01';
  const stage = options.stageName;
  const integrationTimeoutMs = options.integrationTimeoutMs ?? 29_000;

  /** `/<stage>/v1/x/` → `/v1/x`. */
  function resourcePathOf(pathname: string): string {
    const segments = pathname.split('/').filter(Boolean);
    if (segments[0] === stage) segments.shift();
    return `/${segments.join('/')}`;
  }

  async function invokeLambda(functionName: string, event: unknown): Promise<Answer> {
    if (!options.invoker.has(functionName)) {
      console.error(`REST API: no function "${functionName}" is running for this route`);
      return internalServerError();
    }
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), integrationTimeoutMs);
    });
    try {
      const outcome = await Promise.race([options.invoker.invoke(functionName, event), timedOut]);
      if (outcome === 'timeout') return endpointTimedOut();
      if (!outcome.ok) {
        if (outcome.error?.errorType === 'TimeoutError') return endpointTimedOut();
        console.error(
          `REST API: ${functionName} failed: ${outcome.error?.errorType}: ${outcome.error?.errorMessage}`,
        );
        return internalServerError();
      }
      const mapped = mapProxyResult(outcome.result);
      if (!mapped) {
        console.error(`REST API: Malformed Lambda proxy response from ${functionName}:`, outcome.result);
        return internalServerError();
      }
      return mapped;
    } finally {
      clearTimeout(timer);
    }
  }

  async function handle(request: IncomingMessage, requestId: string): Promise<Answer> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const method = (request.method ?? 'GET').toUpperCase();
    const path = resourcePathOf(url.pathname);
    const body = await readBody(request);
    if (!body) {
      return {
        statusCode: 413,
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ message: 'Request Too Long' }),
      };
    }

    if (method === 'OPTIONS') {
      if (!table.resourceFor(path)) return missingAuthenticationToken();
      const headers = preflightHeaders(request.headers.origin, options.cors.origins);
      return { statusCode: 204, headers, body: '' };
    }
    const match = table.match(method, path);
    if (match.kind !== 'found') return missingAuthenticationToken();
    const { route } = match;

    let claims: Record<string, string> | undefined;
    if (route.authorization === 'COGNITO_USER_POOLS') {
      const authorization = await authorizeWithUserPool(request.headers.authorization, options.verifyIdToken);
      if (!authorization.ok) return authorization.answer;
      claims = authorization.claims;
    } else if (route.authorization !== 'NONE') {
      console.error(
        `REST API: ${route.authorization} authorization is not supported locally (${method} ${route.path})`,
      );
      return internalServerError();
    }

    if (route.integration.kind === 'mock') {
      return {
        statusCode: route.integration.statusCode,
        headers: { 'Content-Type': 'application/json', ...route.integration.headers },
        body: route.integration.body,
      };
    }

    const host = request.headers.host ?? `127.0.0.1:${port}`;
    const event = proxyEvent(
      {
        method,
        path,
        rawQuery: url.search.slice(1),
        rawHeaders: request.rawHeaders,
        body,
        sourceIp: request.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1',
      },
      {
        resourcePath: match.resourcePath,
        pathParameters: match.pathParameters,
        stage,
        apiId,
        accountId: LOCAL_ACCOUNT,
        requestId,
        ...(claims ? { claims } : {}),
        nowMs: now(),
        host,
      },
    );
    return invokeLambda(route.integration.functionName, event);
  }

  const server = createServer((request, response) => {
    const requestId = randomUUID();
    handle(request, requestId)
      .catch((error: unknown) => {
        console.error('REST API: request failed', error);
        return internalServerError();
      })
      .then((answer) => send(response, answer, requestId));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://${options.host ?? '127.0.0.1'}:${port}`;

  return {
    url: `${origin}/${stage}`,
    origin,
    port,
    reload(routes) {
      table = createRouteTable(routes);
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
