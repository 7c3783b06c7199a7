import { Sha256 } from '@aws-crypto/sha256-js';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { InvalidConfigError, MissingConfigError } from './config';
import { ENV } from './env-names';
import { logger } from './logger';

/**
 * Writes go through AppSync, not DynamoDB, so that GraphQL subscriptions fire. The request is
 * signed with the function's IAM role, as Amplify Gen 2 expects of a function granted
 * `allow.resource(fn)` in the data schema.
 */

export const ENDPOINT_VARIABLE = ENV.AMPLIFY_DATA_GRAPHQL_ENDPOINT;
const CONDITIONAL_CHECK_FAILED = 'DynamoDB:ConditionalCheckFailedException';

export interface AppSyncErrorEntry {
  errorType?: string;
  message: string;
  path?: readonly (string | number)[];
}

/**
 * The request reached the resolvers and failed there (or was refused as invalid). The Error message
 * names only the operation and error types: AppSync's messages can echo variables, i.e. user text.
 */
export class AppSyncGraphQLError extends Error {
  constructor(
    readonly operation: string,
    readonly errors: readonly AppSyncErrorEntry[],
    /** Whatever the response carried beside the errors; partial or null. */
    readonly data: unknown,
    readonly status = 200,
  ) {
    super(`AppSync ${operation} failed: ${errorTypesOf(errors).join(', ')}`);
    this.name = 'AppSyncGraphQLError';
  }

  get errorTypes(): string[] {
    return errorTypesOf(this.errors);
  }
}

/** 401/403: the signature or the role was refused. A deployment problem, not a transient one. */
export class AppSyncAuthError extends Error {
  constructor(
    readonly operation: string,
    readonly status: number,
    readonly errorTypes: readonly string[] = [],
  ) {
    super(
      `AppSync refused the signed ${operation} request with HTTP ${status}` +
        `${errorTypes.length ? ` (${errorTypes.join(', ')})` : ''}; ` +
        'check that the data schema grants this function allow.resource(fn)',
    );
    this.name = 'AppSyncAuthError';
  }
}

/** Network errors, timeouts, throttling and 5xx: the write may not have happened, so retry it. */
export class AppSyncUnavailableError extends Error {
  readonly retryable = true;
  constructor(
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AppSyncUnavailableError';
  }
}

/** A model create hit an existing id: with client-chosen ids, the write already happened. */
export function isConditionalCheckFailure(error: unknown): boolean {
  return (
    error instanceof AppSyncGraphQLError && error.errors.some((e) => e.errorType === CONDITIONAL_CHECK_FAILED)
  );
}

/** A write whose condition failed is an answer (the row exists, or changed): undefined; anything else is thrown. */
export async function unlessConditionFailed<T>(write: Promise<T>): Promise<T | undefined> {
  try {
    return await write;
  } catch (error) {
    if (isConditionalCheckFailure(error)) return undefined;
    throw error;
  }
}

export interface AppSyncClient {
  /** Sends one operation and returns its `data`; throws one of the AppSync errors above. */
  graphql<T>(query: string, variables?: Record<string, unknown>): Promise<T>;
}

export interface AppSyncClientOptions {
  /** Defaults to AMPLIFY_DATA_GRAPHQL_ENDPOINT. */
  endpoint?: string;
  /** Defaults to AWS_REGION. */
  region?: string;
  /** Defaults to the Node provider chain: the Lambda role's credentials from the environment. */
  credentials?: AwsCredentialIdentityProvider;
  fetch?: typeof globalThis.fetch;
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;

function errorTypesOf(errors: readonly AppSyncErrorEntry[]): string[] {
  return errors.map((e) => e.errorType ?? 'UnknownError');
}

/** `mutation CreateMessage(...)` → `CreateMessage`; an anonymous `{ getMessage(...) }` → `getMessage`. */
export function operationNameOf(query: string): string {
  const named = /\b(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)/.exec(query);
  if (named) return named[1]!;
  const firstField = /\{\s*([_A-Za-z][_0-9A-Za-z]*)/.exec(query);
  return firstField ? firstField[1]! : 'anonymous';
}

function resolveEndpoint(endpoint: string | undefined): URL {
  const value = endpoint ?? process.env[ENDPOINT_VARIABLE];
  if (value === undefined || value.trim() === '') {
    const error = new MissingConfigError(ENDPOINT_VARIABLE);
    error.message =
      `Environment variable ${ENDPOINT_VARIABLE} is not set; Amplify sets it for functions granted ` +
      'allow.resource(fn) in amplify/data/resource.ts.';
    throw error;
  }
  try {
    return new URL(value);
  } catch {
    throw new InvalidConfigError(ENDPOINT_VARIABLE, 'the AppSync GraphQL URL');
  }
}

function resolveRegion(region: string | undefined): string {
  const value = region ?? process.env[ENV.AWS_REGION];
  if (value === undefined || value.trim() === '') throw new MissingConfigError(ENV.AWS_REGION);
  return value;
}

function toErrorEntries(value: unknown): AppSyncErrorEntry[] {
  if (!Array.isArray(value)) return [];
  return value.map((raw: unknown) => {
    const entry = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    return {
      ...(typeof entry.errorType === 'string' ? { errorType: entry.errorType } : {}),
      message: typeof entry.message === 'string' ? entry.message : '',
      ...(Array.isArray(entry.path) ? { path: entry.path as (string | number)[] } : {}),
    };
  });
}

async function readJson(response: Response): Promise<Record<string, unknown> | undefined> {
  const text = await response.text();
  try {
    const body: unknown = JSON.parse(text);
    return typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function createAppSyncClient(options: AppSyncClientOptions = {}): AppSyncClient {
  const url = resolveEndpoint(options.endpoint);
  const signer = new SignatureV4({
    service: 'appsync',
    region: resolveRegion(options.region),
    credentials: options.credentials ?? defaultProvider(),
    sha256: Sha256,
  });
  // Looked up per call, so a test's stubbed global fetch reaches the default client too.
  const fetchFn = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  async function send(operation: string, body: string): Promise<Response> {
    const signed = await signer.sign({
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { 'content-type': 'application/json', host: url.host },
      body,
    });
    try {
      return await fetchFn(url, {
        method: 'POST',
        headers: signed.headers,
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      logger.warn('AppSync request failed', { operation, reason: timedOut ? 'timeout' : 'network' });
      throw new AppSyncUnavailableError(
        timedOut
          ? `AppSync did not answer ${operation} within ${timeoutMs} ms`
          : `AppSync ${operation} request failed before a response`,
        undefined,
        { cause: error },
      );
    }
  }

  return {
    async graphql<T>(query: string, variables?: Record<string, unknown>): Promise<T> {
      const operation = operationNameOf(query);
      const response = await send(operation, JSON.stringify({ query, variables }));
      const { status } = response;

      let body: Record<string, unknown> | undefined;
      try {
        body = await readJson(response);
      } catch (error) {
        // The timeout also covers reading the body.
        logger.warn('AppSync response could not be read', { operation, status });
        throw new AppSyncUnavailableError(`AppSync ${operation} response could not be read`, status, {
          cause: error,
        });
      }
      const errors = toErrorEntries(body?.errors);
      const errorTypes = errorTypesOf(errors);

      if (status === 401 || status === 403) {
        logger.error('AppSync refused the signed request', { operation, status, errorTypes });
        throw new AppSyncAuthError(operation, status, errorTypes);
      }
      if (status === 429 || status >= 500 || (response.ok && body === undefined)) {
        logger.warn('AppSync unavailable', { operation, status, errorTypes });
        throw new AppSyncUnavailableError(`AppSync ${operation} answered HTTP ${status}`, status);
      }
      if (errors.length > 0 || !response.ok) {
        const entries = errors.length > 0 ? errors : [{ message: `HTTP ${status} without GraphQL errors` }];
        const error = new AppSyncGraphQLError(operation, entries, body?.data ?? null, status);
        // An existing id is the expected outcome of a replayed create; the caller decides.
        if (isConditionalCheckFailure(error)) logger.debug('AppSync conditional check failed', { operation });
        else
          logger.warn('AppSync operation returned errors', {
            operation,
            status,
            errorTypes: error.errorTypes,
          });
        throw error;
      }
      return body?.data as T;
    },
  };
}

let defaultClient: AppSyncClient | undefined;

/** The function's client, from AMPLIFY_DATA_GRAPHQL_ENDPOINT and AWS_REGION, created on first use. */
export function appSyncClient(): AppSyncClient {
  defaultClient ??= createAppSyncClient();
  return defaultClient;
}
