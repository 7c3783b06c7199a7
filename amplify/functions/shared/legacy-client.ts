import type { Context } from 'aws-lambda';
import { config } from './config';
import { PermanentRecordError } from './errors';
import { logger } from './logger';
import { scrubText } from './scrub';
import { type ServiceTokenProvider, serviceTokens } from './service-token';

/** 4xx other than 401/403/408/429: the Legacy API will not accept this request as it is. Parked. */
export class LegacyRejectedError extends PermanentRecordError {
  readonly kind = 'rejected';
  declare readonly status: number;
  /** The start of the response body, scrubbed. */
  declare readonly detail: string;
  /**
   * The whole parsed answer, for a caller that acts on it (a save's invalid_rows names hundreds of
   * rows). Not enumerable: logs, Sentry and the DLQ keep only the scrubbed `detail`.
   */
  declare readonly answer: unknown;
  constructor(status: number, detail: string, answer?: unknown) {
    super(`Legacy API rejected the request with ${status}`, { status, detail });
    Object.defineProperty(this, 'answer', { value: answer, enumerable: false });
    this.name = 'LegacyRejectedError';
  }
}

/** 401/403 even with a freshly minted token: a key or configuration problem, for the DLQ. */
export class LegacyAuthError extends Error {
  readonly kind = 'auth';
  constructor(readonly status: number) {
    super(`Legacy API refused the service token with ${status} after a token refresh`);
    this.name = 'LegacyAuthError';
  }
}

/** 408/429/5xx, network errors and timeouts after the retries: retry the record later. */
export class LegacyUnavailableError extends Error {
  readonly kind = 'unavailable';
  constructor(
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'LegacyUnavailableError';
  }
}

/** The circuit opened after a run of failures: the call was not made. Retry the record later. */
export class LegacyCircuitOpenError extends Error {
  readonly kind = 'circuit-open';
  constructor() {
    super('Legacy API circuit is open; not calling it for the rest of this batch');
    this.name = 'LegacyCircuitOpenError';
  }
}

export type LegacyError =
  | LegacyRejectedError
  | LegacyAuthError
  | LegacyUnavailableError
  | LegacyCircuitOpenError;
export type LegacyErrorClass = 'rejected' | 'auth' | 'transient';

/** How a failed call should be treated: by HTTP status, or by the error fetch threw. */
export function classifyLegacyError(failure: number | unknown): LegacyErrorClass {
  if (typeof failure === 'number') {
    if (failure === 401 || failure === 403) return 'auth';
    if (failure === 408 || failure === 429 || failure >= 500) return 'transient';
    return 'rejected';
  }
  if (failure instanceof LegacyRejectedError) return 'rejected';
  if (failure instanceof LegacyAuthError) return 'auth';
  // Network errors, aborts and timeouts: the request may never have arrived.
  return 'transient';
}

export interface LegacyCircuit {
  isOpen(): boolean;
  recordSuccess(): void;
  recordFailure(): void;
}

/** One per invocation, shared by every record of the batch: a run of failures stops the calls. */
export function createLegacyCircuit(options: { threshold?: number } = {}): LegacyCircuit {
  const threshold = options.threshold ?? 5;
  let consecutiveFailures = 0;
  return {
    isOpen: () => consecutiveFailures >= threshold,
    recordSuccess() {
      if (consecutiveFailures < threshold) consecutiveFailures = 0;
    },
    recordFailure() {
      consecutiveFailures += 1;
    },
  };
}

export interface LegacyRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path under the base URL, e.g. `/v1/conversations`. */
  path: string;
  body?: unknown;
  idempotencyKey?: string;
}

export interface LegacyClient {
  request<T = unknown>(request: LegacyRequest): Promise<T>;
}

export interface LegacyClientOptions {
  baseUrl: string;
  tokens: ServiceTokenProvider;
  fetch?: typeof globalThis.fetch;
  /** Usually `context.getRemainingTimeInMillis`; bounds every timeout and backoff. */
  remainingTimeMs?: () => number;
  /** Attempts for transient failures, including the first. */
  maxAttempts?: number;
  sleep?: (ms: number) => Promise<void>;
  /** In [0, 1); full jitter multiplies the backoff by it. */
  random?: () => number;
  circuit?: LegacyCircuit;
  maxTimeoutMs?: number;
  /** Time kept back from the Lambda deadline to report the failure. */
  safetyMarginMs?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Retry-After in seconds or as an HTTP date, in milliseconds from now. */
export function parseRetryAfter(value: string | null, nowMs = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

type Attempt =
  | { ok: true; value: unknown }
  | { ok: false; class: LegacyErrorClass; status?: number; retryAfterMs?: number; error: unknown };

export function createLegacyClient(options: LegacyClientOptions): LegacyClient {
  const fetchFn = options.fetch ?? globalThis.fetch;
  const remainingTimeMs = options.remainingTimeMs ?? (() => Number.POSITIVE_INFINITY);
  const maxAttempts = options.maxAttempts ?? 3;
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const circuit = options.circuit ?? createLegacyCircuit();
  const maxTimeoutMs = options.maxTimeoutMs ?? 10_000;
  const safetyMarginMs = options.safetyMarginMs ?? 1_000;
  const baseDelayMs = options.baseDelayMs ?? 200;
  const maxDelayMs = options.maxDelayMs ?? 5_000;
  const baseUrl = options.baseUrl.replace(/\/+$/, '');

  const budgetMs = () => remainingTimeMs() - safetyMarginMs;

  async function attempt(request: LegacyRequest): Promise<Attempt> {
    const timeoutMs = Math.min(maxTimeoutMs, budgetMs());
    if (timeoutMs <= 0) {
      return { ok: false, class: 'transient', error: new Error('no time left before the Lambda deadline') };
    }
    const token = await options.tokens.token();
    const headers: Record<string, string> = {
      authorization: `Bearer ${token}`,
      accept: 'application/json',
    };
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    if (request.idempotencyKey) headers['idempotency-key'] = request.idempotencyKey;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
    try {
      const response = await fetchFn(`${baseUrl}${request.path}`, {
        method: request.method,
        headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: controller.signal,
      });
      const body = await readBody(response);
      if (response.ok) return { ok: true, value: body };
      const detail = scrubText(typeof body === 'string' ? body : JSON.stringify(body ?? '')).slice(0, 200);
      const failureClass = classifyLegacyError(response.status);
      return {
        ok: false,
        class: failureClass,
        status: response.status,
        retryAfterMs: parseRetryAfter(response.headers.get('retry-after')),
        error:
          failureClass === 'rejected'
            ? new LegacyRejectedError(response.status, detail, body)
            : new Error(`HTTP ${response.status}: ${detail}`),
      };
    } catch (error) {
      return {
        ok: false,
        class: 'transient',
        error: controller.signal.aborted ? controller.signal.reason : error,
      };
    } finally {
      clearTimeout(timer);
    }
  }

  function backoffMs(failedAttempts: number, retryAfterMs: number | undefined): number {
    if (retryAfterMs !== undefined) return retryAfterMs;
    return Math.floor(random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (failedAttempts - 1)));
  }

  return {
    async request<T>(request: LegacyRequest): Promise<T> {
      const target = { method: request.method, path: request.path };
      let transientFailures = 0;
      let refreshedToken = false;
      for (;;) {
        if (circuit.isOpen()) throw new LegacyCircuitOpenError();
        const result = await attempt(request);
        if (result.ok) {
          circuit.recordSuccess();
          return result.value as T;
        }
        if (result.class === 'rejected') {
          circuit.recordSuccess();
          logger.warn('Legacy API rejected a request', { ...target, status: result.status });
          throw result.error;
        }
        if (result.class === 'auth') {
          options.tokens.invalidate();
          if (refreshedToken) {
            logger.error('Legacy API refused a fresh service token', { ...target, status: result.status });
            throw new LegacyAuthError(result.status!);
          }
          refreshedToken = true;
          logger.warn('Legacy API refused the service token; retrying once with a new one', {
            ...target,
            status: result.status,
          });
          continue;
        }
        // 429 means "slow down", not "down": it does not count toward opening the circuit.
        if (result.status !== 429) circuit.recordFailure();
        transientFailures += 1;
        const delayMs = backoffMs(transientFailures, result.retryAfterMs);
        const cause = result.error;
        const giveUp =
          transientFailures >= maxAttempts ||
          circuit.isOpen() ||
          delayMs >= budgetMs() - Math.min(1_000, maxTimeoutMs);
        logger.warn('Legacy API call failed', {
          ...target,
          status: result.status,
          attempt: transientFailures,
          willRetry: !giveUp,
          delayMs,
          reason: cause instanceof Error ? cause.message : String(cause),
        });
        if (circuit.isOpen()) throw new LegacyCircuitOpenError();
        if (giveUp) {
          throw new LegacyUnavailableError(
            `Legacy API unavailable after ${transientFailures} attempt(s)${result.status ? ` (last status ${result.status})` : ''}`,
            result.status,
            { cause },
          );
        }
        await sleep(delayMs);
      }
    },
  };
}

/** The client for this function: LEGACY_API_URL, the default service tokens, the invocation's deadline. */
export function legacyClientFor(
  context: Pick<Context, 'getRemainingTimeInMillis'>,
  circuit?: LegacyCircuit,
): LegacyClient {
  return createLegacyClient({
    baseUrl: config.legacyApiUrl(),
    tokens: serviceTokens(),
    remainingTimeMs: () => context.getRemainingTimeInMillis(),
    ...(circuit ? { circuit } : {}),
  });
}
