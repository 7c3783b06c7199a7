import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AwsCaptures, createAwsCaptures } from '../inbox/captures';
import { PushService } from '../pinpoint/push-service';
import { pinpointRouter } from '../pinpoint/router';
import { sentryEndpoint } from '../sentry/sentry';
import { snsRouter } from '../sns/router';
import { SnsService } from '../sns/sns-service';
import { sqsRouter } from '../sqs/router';
import { SqsService } from '../sqs/sqs-service';
import { ssmRouter } from '../ssm/router';
import { SsmService } from '../ssm/ssm-service';
import {
  AwsError,
  type JsonRouter,
  jsonError,
  jsonResponse,
  matchRestPath,
  parseQueryParams,
  type QueryRouter,
  queryError,
  queryResponse,
  type RequestContext,
  type RestJsonRouter,
  restJsonError,
  restJsonResponse,
  type ServiceRouter,
  toAwsError,
  unsupportedOperation,
  type WireResponse,
} from './protocols';

/**
 * One HTTP endpoint for every AWS API the functions call. The functions' SDK clients reach it
 * through `AWS_ENDPOINT_URL` (or `AWS_ENDPOINT_URL_<SERVICE>`), so handler code has no local branch.
 *
 * A request goes to a service by its `X-Amz-Target` prefix (awsJson: SQS, SSM, Cognito, …),
 * otherwise by the service in its SigV4 credential scope (`Credential=AKID/date/region/sns/aws4_request`:
 * awsQuery for SNS, restJson for Pinpoint's `mobiletargeting`). Signatures are not verified:
 * any credentials work, and the access key id is only passed along to operations.
 *
 * Sentry envelopes (`/api/<projectId>/envelope/`, `/api/<projectId>/store/`) are accepted on the
 * same port, so one DSN `http://public@127.0.0.1:<port>/1` serves every function.
 */

export interface AwsGatewayOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  captures?: AwsCaptures;
  /** Services made beforehand; the gateway makes any left out. */
  sqs?: SqsService;
  sns?: SnsService;
  ssm?: SsmService;
  push?: PushService;
}

export interface AwsGateway {
  /** `http://127.0.0.1:<port>`, the value for `AWS_ENDPOINT_URL`. */
  readonly url: string;
  readonly port: number;
  /** `http://public@127.0.0.1:<port>/1`, the value for `SENTRY_DSN`. */
  readonly sentryDsn: string;
  readonly captures: AwsCaptures;
  readonly sqs: SqsService;
  readonly sns: SnsService;
  readonly ssm: SsmService;
  readonly push: PushService;
  /**
   * Mounts another service. A JSON router answers requests whose `X-Amz-Target` starts with its
   * `targetPrefix`; query and REST-JSON routers answer requests signed for `name` (the SigV4
   * service name, e.g. `sns`, `mobiletargeting`). `name` also names the service in error messages.
   */
  registerService(name: string, router: ServiceRouter): void;
  close(): Promise<void>;
}

interface CredentialScope {
  accessKeyId: string;
  region: string;
  service: string;
}

const CREDENTIAL_SCOPE = /Credential=([^/,\s]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/;

function credentialScope(request: IncomingMessage, url: URL): CredentialScope | undefined {
  const presigned = url.searchParams.get('X-Amz-Credential');
  const source = request.headers.authorization ?? (presigned ? `Credential=${presigned}` : '');
  const match = CREDENTIAL_SCOPE.exec(source);
  return match ? { accessKeyId: match[1]!, region: match[2]!, service: match[3]! } : undefined;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function parseJsonBody(body: Buffer): unknown {
  const text = body.toString('utf8').trim();
  if (!text) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new AwsError('SerializationException', 'the request body is not valid JSON');
  }
}

/** Browser clients (e.g. the app against a Cognito endpoint mounted here) need CORS. */
const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers': 'x-amzn-requestid, x-amzn-errortype, x-amzn-query-error, x-amz-date',
};

const SENTRY_PATH = /^\/api\/(\d+)\/(envelope|store)\/?$/;

export async function startAwsGateway(options: AwsGatewayOptions = {}): Promise<AwsGateway> {
  const host = options.host ?? '127.0.0.1';
  const captures = options.captures ?? createAwsCaptures();
  const sqs = options.sqs ?? new SqsService({ deadLetters: captures.deadLetters });
  const sns = options.sns ?? new SnsService({ sqs, sms: captures.sms });
  const ssm = options.ssm ?? new SsmService();
  const push = options.push ?? new PushService({ captures: captures.push });
  const acceptSentry = sentryEndpoint({ errors: captures.errors });

  const jsonRouters = new Map<string, { name: string; router: JsonRouter }>();
  const signedRouters = new Map<string, QueryRouter | RestJsonRouter>();
  let url = '';

  function registerService(name: string, router: ServiceRouter): void {
    if (router.protocol === 'json') {
      if (jsonRouters.has(router.targetPrefix)) {
        throw new Error(`a service is already mounted at X-Amz-Target prefix ${router.targetPrefix}`);
      }
      jsonRouters.set(router.targetPrefix, { name, router });
    } else {
      if (signedRouters.has(name)) throw new Error(`a service is already mounted for ${name}`);
      signedRouters.set(name, router);
    }
  }

  registerService('sqs', sqsRouter({ sqs }));
  registerService('ssm', ssmRouter({ ssm }));
  registerService('sns', snsRouter({ sns }));
  registerService('mobiletargeting', pinpointRouter({ push }));

  async function run(operation: () => unknown): Promise<{ result: unknown } | { error: AwsError }> {
    try {
      return { result: await operation() };
    } catch (error) {
      return { error: toAwsError(error) };
    }
  }

  async function routeJson(target: string, request: IncomingMessage, body: Buffer, context: RequestContext) {
    const dot = target.lastIndexOf('.');
    const prefix = target.slice(0, dot);
    const operationName = target.slice(dot + 1);
    const version = /x-amz-json-(1\.[01])/.exec(request.headers['content-type'] ?? '')?.[1] ?? '1.1';
    const mounted = jsonRouters.get(prefix);
    const queryCompatible = mounted?.router.queryCompatible ?? false;
    const operation =
      mounted && Object.hasOwn(mounted.router.operations, operationName)
        ? mounted.router.operations[operationName]!
        : undefined;
    context.service = mounted?.name ?? context.service;
    context.operation = operationName;
    if (!operation) {
      const service = mounted?.name ?? (context.service || prefix);
      return jsonError(unsupportedOperation(service, operationName), version, queryCompatible);
    }
    const outcome = await run(() => operation(parseJsonBody(body) as never, context));
    return 'error' in outcome
      ? jsonError(outcome.error, version, queryCompatible)
      : jsonResponse(outcome.result, version);
  }

  async function routeQuery(router: QueryRouter, params: URLSearchParams, context: RequestContext) {
    const operationName = params.get('Action') ?? '';
    context.operation = operationName;
    const operation = Object.hasOwn(router.operations, operationName)
      ? router.operations[operationName]!
      : undefined;
    if (!operation) {
      return queryError(
        unsupportedOperation(context.service, operationName),
        router.xmlNamespace,
        context.requestId,
      );
    }
    const outcome = await run(() => operation(parseQueryParams(params) as never, context));
    return 'error' in outcome
      ? queryError(outcome.error, router.xmlNamespace, context.requestId)
      : queryResponse(operationName, outcome.result, router.xmlNamespace, context.requestId);
  }

  async function routeRest(
    router: RestJsonRouter,
    request: IncomingMessage,
    url: URL,
    body: Buffer,
    context: RequestContext,
  ) {
    for (const route of router.routes) {
      if (route.method !== request.method) continue;
      const params = matchRestPath(route.path, url.pathname);
      if (!params) continue;
      context.operation = route.operation;
      const outcome = await run(() =>
        route.handler({ params, query: url.searchParams, body: parseJsonBody(body) } as never, context),
      );
      return 'error' in outcome
        ? restJsonError(outcome.error, context.requestId)
        : restJsonResponse(outcome.result);
    }
    return restJsonError(
      unsupportedOperation(context.service, `${request.method} ${url.pathname}`),
      context.requestId,
    );
  }

  async function route(
    request: IncomingMessage,
    body: Buffer,
    requestId: string,
    signal: AbortSignal,
  ): Promise<WireResponse> {
    const requestUrl = new URL(request.url ?? '/', url);
    const sentry = SENTRY_PATH.exec(requestUrl.pathname);
    if (sentry) {
      return acceptSentry({
        projectId: sentry[1]!,
        kind: sentry[2] as 'envelope' | 'store',
        headers: request.headers,
        body,
      });
    }
    const scope = credentialScope(request, requestUrl);
    const context: RequestContext = {
      requestId,
      service: scope?.service ?? '',
      operation: '',
      gatewayUrl: url,
      region: scope?.region,
      accessKeyId: scope?.accessKeyId,
      headers: request.headers,
      signal,
    };
    const target = request.headers['x-amz-target'];
    if (typeof target === 'string' && target.includes('.')) {
      return routeJson(target, request, body, context);
    }
    const router = scope ? signedRouters.get(scope.service) : undefined;
    const isForm = (request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
    if (isForm || requestUrl.searchParams.has('Action')) {
      const params = new URLSearchParams(isForm ? body.toString('utf8') : '');
      for (const [key, value] of requestUrl.searchParams) params.append(key, value);
      const queryRouter: QueryRouter =
        router?.protocol === 'query'
          ? router
          : { protocol: 'query', xmlNamespace: 'https://local-sandbox.invalid/', operations: {} };
      context.service ||= 'unknown';
      return routeQuery(queryRouter, params, context);
    }
    if (router?.protocol === 'rest-json') return routeRest(router, request, requestUrl, body, context);
    const reason = scope
      ? `the local sandbox does not implement the ${scope.service} service`
      : 'the request has neither an X-Amz-Target header nor a SigV4 credential scope naming an AWS service';
    return restJsonError(new AwsError('UnsupportedOperation', reason), requestId);
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    if (request.method === 'OPTIONS') {
      response.writeHead(204, {
        ...CORS_HEADERS,
        'access-control-allow-methods': 'GET, POST, PUT, DELETE, OPTIONS',
        'access-control-allow-headers': request.headers['access-control-request-headers'] ?? '*',
        'access-control-max-age': '600',
      });
      response.end();
      return;
    }
    const hangUp = new AbortController();
    response.on('close', () => {
      if (!response.writableEnded) hangUp.abort();
    });
    let wire: WireResponse;
    try {
      wire = await route(request, await readBody(request), requestId, hangUp.signal);
    } catch (error) {
      wire = restJsonError(toAwsError(error), requestId);
    }
    if (response.destroyed) return;
    response.writeHead(wire.status, {
      ...CORS_HEADERS,
      ...wire.headers,
      'x-amzn-requestid': requestId,
      'content-length': Buffer.byteLength(wire.body),
    });
    response.end(wire.body);
  }

  const server = createServer((request, response) => {
    void handle(request, response);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  url = `http://${host}:${port}`;
  sqs.endpoint = url;

  return {
    url,
    port,
    sentryDsn: `http://public@${host}:${port}/1`,
    captures,
    sqs,
    sns,
    ssm,
    push,
    registerService,
    async close() {
      sqs.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
