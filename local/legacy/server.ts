import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verificationKey, verifyServiceToken } from '../../amplify/functions/shared/service-token';
import { createCaptureLog, type LegacyCall, type ObservableCaptureLog } from '../inbox/captures';
import { createFaultInjector, type LegacyFaults } from './faults';
import { createIdempotencyCache } from './idempotency';
import { LegacyBadRequest, type LegacyResponse } from './operation';
import { putReferenceItem } from './reference-control';
import { type LegacyRoute, type LegacyRouteAuth, legacyRoutes, matchLegacyRoute } from './routes';
import { loadSampleData } from './sample-data';
import { createLegacyStore, type LegacyStore } from './store';

/**
 * A stand-in for the legacy MSA backend ("Legacy API", DESIGN §6 item 7): verifies the functions'
 * service tokens for real (Gen 1's Lambda→Legacy 401s went unnoticed), records every call for the
 * dev inbox, serves sample reference data, and injects faults on request. docs/legacy-api.md
 * describes every endpoint.
 */

export interface LegacyApiOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  verification: {
    /** ES256: the PEM public (or private) key; HS256: the shared secret. */
    key: string;
    issuer: string;
    audience: string;
    clockToleranceSec?: number;
  };
  /** JSON replacing some of the sample data lists (see sample-data.ts). */
  dataFile?: string;
  /** Milliseconds since the epoch; the sample data's dates are relative to it. */
  now?: () => number;
  /** In [0, 1); decides which calls a fault `rate` hits. */
  random?: () => number;
  /** A capture log to append to (the dev inbox's), else a new one. */
  calls?: ObservableCaptureLog<LegacyCall>;
}

export interface LegacyApi {
  /** `http://127.0.0.1:<port>`, the functions' `LEGACY_API_URL`. */
  readonly url: string;
  readonly port: number;
  readonly calls: ObservableCaptureLog<LegacyCall>;
  /** What the stand-in has been told (events, CRM conversations, users, saved transactions). */
  readonly store: LegacyStore;
  /** Validates and applies faults (throws LegacyFaultsError for the inbox to answer 400). */
  setFaults(faults: LegacyFaults | unknown): void;
  clearFaults(): void;
  faults(): LegacyFaults | undefined;
  /** Creates or changes a broker, listing or complex (reference-control.ts); throws ReferenceChangeError. */
  putReferenceItem(kind: string, id: string, body: unknown): unknown;
  stop(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

class PayloadTooLarge extends Error {}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new PayloadTooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseBody(text: string): { body: unknown; valid: boolean } {
  if (text.length === 0) return { body: undefined, valid: true };
  try {
    return { body: JSON.parse(text), valid: true };
  } catch {
    return { body: text, valid: false };
  }
}

function errorResponse(status: number, error: string, message: string, extra: object = {}): LegacyResponse {
  return { status, body: { error, message, ...extra } };
}

/** JSON with sorted keys, so the same body sent twice has the same fingerprint. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

interface Authentication {
  authorized: boolean;
  subject?: string;
  authError?: string;
}

export async function startLegacyApi(options: LegacyApiOptions): Promise<LegacyApi> {
  const now = options.now ?? Date.now;
  // Fails at start, not on the first call, when the key is unusable.
  verificationKey(options.verification.key);
  const store = createLegacyStore(loadSampleData(now(), options.dataFile));
  const calls = options.calls ?? createCaptureLog<LegacyCall>();
  const faults = createFaultInjector(options.random);
  const idempotency = createIdempotencyCache();

  async function authenticate(auth: LegacyRouteAuth, header: string | undefined, query: URLSearchParams) {
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
    let result: Authentication;
    if (!bearer) {
      result = { authorized: false, authError: header ? 'not a Bearer token' : 'missing' };
    } else {
      try {
        const verified = await verifyServiceToken(bearer, {
          key: options.verification.key,
          issuer: options.verification.issuer,
          audience: options.verification.audience,
          clockToleranceSec: options.verification.clockToleranceSec ?? 5,
          currentDate: new Date(now()),
        });
        result = { authorized: true, subject: verified.subject };
      } catch (error) {
        result = { authorized: false, authError: (error as { reason?: string }).reason ?? 'invalid' };
      }
    }
    // data.go.kr authenticates with a serviceKey query parameter instead of a token.
    const open = auth === 'none' || (auth === 'public-data' && Boolean(query.get('serviceKey')));
    return open ? { authorized: true, subject: result.subject } : result;
  }

  async function serve(
    route: LegacyRoute,
    params: Record<string, string>,
    context: { method: string; path: string; query: URLSearchParams; body: unknown; subject?: string },
  ): Promise<LegacyResponse> {
    try {
      return route.operation({ ...context, params, nowMs: now() }, store);
    } catch (error) {
      if (error instanceof LegacyBadRequest) {
        return errorResponse(
          400,
          error.error,
          error.message,
          error.details ? { details: error.details } : {},
        );
      }
      console.error('Legacy API stand-in: operation failed', error);
      return errorResponse(500, 'internal_error', 'The Legacy API stand-in failed; see its log');
    }
  }

  async function handle(
    request: IncomingMessage,
  ): Promise<{ response: LegacyResponse; call: Partial<LegacyCall> }> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const method = request.method ?? 'GET';
    const path = url.pathname;
    const idempotencyKey = (request.headers['idempotency-key'] as string | undefined) || undefined;
    const call: Partial<LegacyCall> = { method, path, query: url.search.slice(1), idempotencyKey };

    let text: string;
    try {
      text = await readBody(request);
    } catch (error) {
      if (error instanceof PayloadTooLarge) {
        return { response: errorResponse(413, 'payload_too_large', 'bodies are limited to 1 MiB'), call };
      }
      throw error;
    }
    const parsed = parseBody(text);
    call.body = parsed.body;

    const match = matchLegacyRoute(legacyRoutes, method, path);
    const route = match.kind === 'found' ? match.route : undefined;
    const authentication = await authenticate(
      route?.auth ?? 'service-token',
      request.headers.authorization,
      url.searchParams,
    );
    Object.assign(call, authentication);

    // Faults stand in for the network and load balancer in front of the API: they come before auth.
    const fault = path === '/health' ? undefined : faults.decide(path);
    if (fault) {
      if (fault.delayMs > 0) await sleep(fault.delayMs);
      if (fault.status !== undefined) {
        call.fault = true;
        return {
          call,
          response: {
            ...errorResponse(fault.status, 'injected_fault', `Injected fault: HTTP ${fault.status}`),
            ...(fault.status === 429 || fault.status === 503 ? { headers: { 'retry-after': '1' } } : {}),
          },
        };
      }
    }

    if (!authentication.authorized) {
      return {
        call,
        response: {
          ...errorResponse(401, 'unauthorized', `Service token rejected: ${authentication.authError}`),
          headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
        },
      };
    }
    if (match.kind === 'not-found') {
      return { call, response: errorResponse(404, 'not_found', `No route for ${method} ${path}`) };
    }
    if (match.kind === 'method-not-allowed') {
      return {
        call,
        response: {
          ...errorResponse(405, 'method_not_allowed', `${path} does not take ${method}`),
          headers: { allow: match.allow.join(', ') },
        },
      };
    }
    if (!parsed.valid) {
      return { call, response: errorResponse(400, 'invalid_json', 'the body is not valid JSON') };
    }
    const context = {
      method,
      path,
      query: url.searchParams,
      body: parsed.body,
      subject: authentication.subject,
    };
    if (method !== 'POST' || !idempotencyKey) {
      return { call, response: await serve(match.route, match.params, context) };
    }
    const outcome = await idempotency.run(
      `${method} ${path} ${idempotencyKey}`,
      canonicalJson(parsed.body),
      () => serve(match.route, match.params, context),
    );
    if (outcome.kind === 'key-reused') {
      return {
        call,
        response: errorResponse(
          422,
          'idempotency_key_reused',
          'this Idempotency-Key was already used with a different body',
        ),
      };
    }
    if (outcome.kind === 'replayed') call.replayed = true;
    return { call, response: outcome.response };
  }

  function send(response: ServerResponse, answer: LegacyResponse, requestId: string) {
    const headers: Record<string, string> = { 'x-request-id': requestId, ...answer.headers };
    if (answer.body === undefined) {
      response.writeHead(answer.status, headers).end();
      return;
    }
    response
      .writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', ...headers })
      .end(JSON.stringify(answer.body));
  }

  const server = createServer((request, response) => {
    const started = performance.now();
    const id = randomUUID();
    const at = new Date(now()).toISOString();
    handle(request)
      .catch((error: unknown): { response: LegacyResponse; call: Partial<LegacyCall> } => {
        console.error('Legacy API stand-in: request failed', error);
        return {
          response: errorResponse(500, 'internal_error', 'The Legacy API stand-in failed; see its log'),
          call: { method: request.method ?? 'GET', path: request.url ?? '/' },
        };
      })
      .then(({ response: answer, call }) => {
        send(response, answer, id);
        calls.add({
          id,
          at,
          method: call.method ?? request.method ?? 'GET',
          path: call.path ?? '/',
          query: call.query ?? '',
          status: answer.status,
          authorized: call.authorized ?? false,
          body: call.body,
          durationMs: Math.round(performance.now() - started),
          ...(call.authError && !call.authorized ? { authError: call.authError } : {}),
          ...(call.subject ? { subject: call.subject } : {}),
          ...(call.idempotencyKey ? { idempotencyKey: call.idempotencyKey } : {}),
          ...(call.replayed ? { replayed: true } : {}),
          ...(call.fault ? { fault: true } : {}),
        });
      });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    calls,
    store,
    setFaults: (next) => faults.set(next as LegacyFaults),
    clearFaults: () => faults.clear(),
    faults: () => faults.current(),
    putReferenceItem: (kind, id, body) => putReferenceItem(store, kind, id, body, now()),
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
