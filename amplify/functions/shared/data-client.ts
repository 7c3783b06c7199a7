import { getAmplifyDataClientConfig } from '@aws-amplify/backend/function/runtime';
import { Amplify } from 'aws-amplify';
import { generateClient } from 'aws-amplify/data';
import type { Schema } from '../../data/resource';
import {
  AppSyncAuthError,
  type AppSyncErrorEntry,
  AppSyncGraphQLError,
  AppSyncUnavailableError,
  isConditionalCheckFailure,
} from './appsync-client';
import { logger } from './logger';

/**
 * The Gen 2 data client, as the docs' "Grant Lambda function access to API and Data" configures it:
 * the endpoint and the model introspection object (read from S3) come from the AMPLIFY_DATA_*
 * variables Amplify sets on a function granted `allow.resource(fn)`, signed with the role's keys.
 */

export type DataClient = ReturnType<typeof generateClient<Schema>>;

let configured: Promise<void> | undefined;
let client: DataClient | undefined;

async function configure(): Promise<void> {
  const { resourceConfig, libraryOptions } = await getAmplifyDataClientConfig(
    process.env as Parameters<typeof getAmplifyDataClientConfig>[0],
  );
  Amplify.configure(resourceConfig, libraryOptions);
}

/** Configures Amplify once per container (the S3 read is a cold-start cost) and returns the client. */
export async function dataClient(): Promise<DataClient> {
  configured ??= configure().catch((error: unknown) => {
    // The next invocation tries again rather than failing on a cached rejection.
    configured = undefined;
    throw error;
  });
  await configured;
  client ??= generateClient<Schema>({ authMode: 'iam' });
  return client;
}

interface DataResult<T> {
  data: T;
  errors?: readonly unknown[];
}

interface TransportFailure {
  name?: string;
  message?: string;
  response?: { statusCode?: number };
  $metadata?: { httpStatusCode?: number };
}

function entryOf(raw: unknown): AppSyncErrorEntry & { originalError?: TransportFailure } {
  const entry = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  return {
    ...(typeof entry.errorType === 'string' ? { errorType: entry.errorType } : {}),
    message: typeof entry.message === 'string' ? entry.message : '',
    ...(Array.isArray(entry.path) ? { path: entry.path as (string | number)[] } : {}),
    ...(typeof entry.originalError === 'object' && entry.originalError !== null
      ? { originalError: entry.originalError as TransportFailure }
      : {}),
  };
}

/**
 * The typed client answers `{ data, errors }` and wraps a failed request (network, HTTP status) as
 * an error entry carrying `originalError`: both become the errors of shared/appsync-client.ts, so
 * callers keep telling a refused condition, a refused role and an outage apart.
 */
function toError(operation: string, errors: readonly unknown[], data: unknown): Error {
  const entries = errors.map(entryOf);
  const transport = entries.find(
    (entry) => entry.errorType === undefined && entry.originalError,
  )?.originalError;
  if (transport) {
    const status = transport.response?.statusCode ?? transport.$metadata?.httpStatusCode;
    if (status === 401 || status === 403) {
      logger.error('AppSync refused the signed request', { operation, status });
      return new AppSyncAuthError(operation, status, transport.name ? [transport.name] : []);
    }
    logger.warn('AppSync unavailable', { operation, status, reason: transport.name });
    return new AppSyncUnavailableError(
      status === undefined
        ? `AppSync ${operation} request failed before a response`
        : `AppSync ${operation} answered HTTP ${status}`,
      status,
      { cause: transport },
    );
  }
  const plain = entries.map(({ originalError: _, ...entry }) => entry);
  const error = new AppSyncGraphQLError(operation, plain, data ?? null);
  if (isConditionalCheckFailure(error)) logger.debug('AppSync conditional check failed', { operation });
  else logger.warn('AppSync operation returned errors', { operation, errorTypes: error.errorTypes });
  return error;
}

async function checked<R extends DataResult<unknown>>(operation: string, request: Promise<R>): Promise<R> {
  let result: R;
  try {
    result = await request;
  } catch (thrown) {
    // client.graphql throws its `{ data, errors }` result; the transport throws plain errors.
    const errors = (thrown as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.length > 0) {
      throw toError(operation, errors, (thrown as { data?: unknown }).data);
    }
    logger.warn('AppSync request failed', { operation, reason: 'network' });
    throw new AppSyncUnavailableError(`AppSync ${operation} request failed before a response`, undefined, {
      cause: thrown,
    });
  }
  if (result.errors && result.errors.length > 0) throw toError(operation, result.errors, result.data);
  return result;
}

/** The data of one typed-client call (a row, null, or a custom operation's answer), or its AppSync error. */
export async function dataOf<T>(operation: string, request: Promise<DataResult<T>>): Promise<T> {
  return (await checked(operation, request)).data;
}

type PageResult<T> = DataResult<T[]> & { nextToken?: string | null };

/** One page of a list or index query: its items (nulls dropped) and the next page's token, if any. */
export async function pageOf<T>(
  operation: string,
  request: Promise<PageResult<T>>,
): Promise<{ items: NonNullable<T>[]; nextToken?: string }> {
  const result = await checked(operation, request);
  const items = (result.data ?? []).filter(
    (item): item is NonNullable<T> => item !== null && item !== undefined,
  );
  return result.nextToken ? { items, nextToken: result.nextToken } : { items };
}

/** Every item of a list or index query, page by page. */
export async function allPages<T>(
  operation: string,
  page: (nextToken: string | undefined) => Promise<PageResult<T>>,
): Promise<NonNullable<T>[]> {
  const items: NonNullable<T>[] = [];
  let nextToken: string | undefined;
  do {
    const next = await pageOf(operation, page(nextToken));
    items.push(...next.items);
    nextToken = next.nextToken;
  } while (nextToken);
  return items;
}

/**
 * A document the typed model operations cannot express (a write with a condition), sent through the
 * same client. Every such document is validated against the schema in test/unit/shared/data-documents.test.ts.
 */
export async function graphqlOf<T = unknown>(
  client: Pick<DataClient, 'graphql'>,
  operation: string,
  query: string,
  variables: Record<string, unknown>,
): Promise<T> {
  // The document is a string, so the client cannot type its answer: the caller names it.
  const request = client.graphql({ query, variables: variables as never }) as unknown as Promise<
    DataResult<T>
  >;
  return dataOf(operation, request);
}
