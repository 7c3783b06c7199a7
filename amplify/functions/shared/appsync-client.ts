/**
 * AppSync's answers as functions see them. Functions reach the API through the typed data client
 * (data-client.ts), which maps its failures to these errors: callers tell a refused condition, a
 * refused role and an outage apart without knowing the transport. Writes go through AppSync, not
 * DynamoDB, so that GraphQL subscriptions fire.
 */

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
