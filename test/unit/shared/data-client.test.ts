import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  AppSyncAuthError,
  AppSyncGraphQLError,
  AppSyncUnavailableError,
  isConditionalCheckFailure,
} from '../../../amplify/functions/shared/appsync-client';
import { allPages, dataOf, graphqlOf } from '../../../amplify/functions/shared/data-client';
import { logger } from '../../../amplify/functions/shared/logger';

afterEach(() => {
  vi.restoreAllMocks();
});

const CONDITION_FAILED = {
  errorType: 'DynamoDB:ConditionalCheckFailedException',
  message: 'The conditional request failed',
};

/** How the typed client reports a request that failed below GraphQL: a GraphQLError carrying it. */
const transportFailure = (originalError: Record<string, unknown>) => ({
  data: {},
  errors: [{ message: String(originalError.message ?? 'failed'), originalError }],
});

describe('dataOf: one typed-client answer', () => {
  it('returns the data of an answer without errors, null included', async () => {
    expect(await dataOf('GetDevice', Promise.resolve({ data: { id: 'd1' } }))).toEqual({ id: 'd1' });
    expect(await dataOf('GetDevice', Promise.resolve({ data: null, errors: [] }))).toBeNull();
  });

  it('turns resolver errors into an AppSyncGraphQLError that still tells a failed condition', async () => {
    const error = await dataOf(
      'CreateDevice',
      Promise.resolve({ data: null, errors: [CONDITION_FAILED] }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppSyncGraphQLError);
    expect(isConditionalCheckFailure(error)).toBe(true);
    expect((error as AppSyncGraphQLError).operation).toBe('CreateDevice');
    // The message names the error types only: AppSync's messages can echo user text.
    expect((error as Error).message).toBe(
      'AppSync CreateDevice failed: DynamoDB:ConditionalCheckFailedException',
    );
  });

  it('tells a refused signature (401/403) from an outage, and logs the refusal as an error', async () => {
    const logged = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    await expect(
      dataOf(
        'GetDevice',
        Promise.resolve(transportFailure({ name: 'UnauthorizedException', response: { statusCode: 401 } })),
      ),
    ).rejects.toBeInstanceOf(AppSyncAuthError);
    expect(logged).toHaveBeenCalledWith('AppSync refused the signed request', {
      operation: 'GetDevice',
      status: 401,
    });
    const outage = await dataOf(
      'GetDevice',
      Promise.resolve(transportFailure({ name: 'ServiceUnavailable', response: { statusCode: 503 } })),
    ).catch((e: unknown) => e);
    expect(outage).toBeInstanceOf(AppSyncUnavailableError);
    expect((outage as AppSyncUnavailableError).status).toBe(503);
    expect((outage as AppSyncUnavailableError).retryable).toBe(true);
  });

  it('treats a network failure, reported or thrown, as retryable', async () => {
    await expect(
      dataOf(
        'GetDevice',
        Promise.resolve(transportFailure({ name: 'NetworkError', message: 'fetch failed' })),
      ),
    ).rejects.toBeInstanceOf(AppSyncUnavailableError);
    await expect(dataOf('GetDevice', Promise.reject(new TypeError('fetch failed')))).rejects.toBeInstanceOf(
      AppSyncUnavailableError,
    );
  });
});

describe('graphqlOf: a document the model operations cannot express', () => {
  it('sends the document and its variables and returns the data', async () => {
    const sent: unknown[] = [];
    const client = {
      graphql: async (options: unknown) => {
        sent.push(options);
        return { data: { deleteDevice: { id: 'd1' } } };
      },
    };
    const data = await graphqlOf(client as never, 'DeleteDevice', 'mutation DeleteDevice { x }', {
      input: { id: 'd1' },
    });
    expect(data).toEqual({ deleteDevice: { id: 'd1' } });
    expect(sent).toEqual([{ query: 'mutation DeleteDevice { x }', variables: { input: { id: 'd1' } } }]);
  });

  it('reads the errors client.graphql throws as its result', async () => {
    const client = {
      graphql: async () => {
        throw { data: { deleteDevice: null }, errors: [CONDITION_FAILED] };
      },
    };
    const error = await graphqlOf(client as never, 'DeleteDevice', 'mutation DeleteDevice { x }', {}).catch(
      (e: unknown) => e,
    );
    expect(isConditionalCheckFailure(error)).toBe(true);
    expect((error as AppSyncGraphQLError).data).toEqual({ deleteDevice: null });
  });
});

describe('allPages', () => {
  it('follows nextToken to the last page and drops null items', async () => {
    const tokens: (string | undefined)[] = [];
    const pages: Record<string, { data: ({ id: string } | null)[]; nextToken: string | null }> = {
      first: { data: [{ id: 'a' }, null], nextToken: 't2' },
      t2: { data: [{ id: 'b' }], nextToken: null },
    };
    const items = await allPages('ListDevices', async (nextToken) => {
      tokens.push(nextToken);
      return pages[nextToken ?? 'first']!;
    });
    expect(items).toEqual([{ id: 'a' }, { id: 'b' }]);
    expect(tokens).toEqual([undefined, 't2']);
  });

  it('stops at the first page that failed', async () => {
    await expect(
      allPages('ListDevices', async () => ({
        data: [],
        errors: [{ errorType: 'Unauthorized', message: 'no' }],
      })),
    ).rejects.toBeInstanceOf(AppSyncGraphQLError);
  });
});
