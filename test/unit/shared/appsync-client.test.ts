import { createHash } from 'node:crypto';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  AppSyncAuthError,
  type AppSyncClientOptions,
  AppSyncGraphQLError,
  AppSyncUnavailableError,
  createAppSyncClient,
  isConditionalCheckFailure,
  operationNameOf,
} from '../../../amplify/functions/shared/appsync-client';
import { MissingConfigError } from '../../../amplify/functions/shared/config';
import { logger } from '../../../amplify/functions/shared/logger';

const ENDPOINT = 'https://abc123.appsync-api.ap-northeast-2.amazonaws.com/graphql';
const CREDENTIALS = {
  accessKeyId: 'AKIDTEST',
  secretAccessKey: 'secret-test-key',
  sessionToken: 'session-test',
};

const CREATE_MESSAGE = /* GraphQL */ `
  mutation CreateMessage($input: CreateMessageInput!) {
    createMessage(input: $input) { id }
  }
`;

type Reply = { status: number; body?: unknown } | Error;
type Call = { url: string; method: string; headers: Headers; body: string; signal: AbortSignal | undefined };

/** A fetch that answers from a script and records what it was sent. */
function scriptedFetch(reply: Reply) {
  const calls: Call[] = [];
  const fetch = vi.fn(async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({
      url: String(url),
      method: init?.method ?? 'GET',
      headers: new Headers(init?.headers),
      body: String(init?.body),
      signal: init?.signal ?? undefined,
    });
    if (reply instanceof Error) throw reply;
    const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? null);
    return new Response(text, { status: reply.status });
  });
  return { fetch: fetch as unknown as typeof globalThis.fetch, calls };
}

function client(reply: Reply, overrides: Partial<AppSyncClientOptions> = {}) {
  const { fetch, calls } = scriptedFetch(reply);
  const appsync = createAppSyncClient({
    endpoint: ENDPOINT,
    region: 'ap-northeast-2',
    credentials: async () => CREDENTIALS,
    fetch,
    ...overrides,
  });
  return { appsync, calls };
}

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

/** `20260102T030405Z` → the Date the signer used. */
function parseAmzDate(value: string): Date {
  return new Date(value.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
}

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  vi.unstubAllGlobals();
});

describe('createAppSyncClient', () => {
  it('posts the query and variables as JSON to the endpoint and returns data', async () => {
    const { appsync, calls } = client({ status: 200, body: { data: { createMessage: { id: 'm1' } } } });

    const data = await appsync.graphql<{ createMessage: { id: string } }>(CREATE_MESSAGE, {
      input: { id: 'm1', text: 'hello' },
    });

    expect(data).toEqual({ createMessage: { id: 'm1' } });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.url).toBe(ENDPOINT);
    expect(calls[0]!.method).toBe('POST');
    expect(calls[0]!.headers.get('content-type')).toBe('application/json');
    expect(JSON.parse(calls[0]!.body)).toEqual({
      query: CREATE_MESSAGE,
      variables: { input: { id: 'm1', text: 'hello' } },
    });
  });

  it('signs the request with SigV4 for the appsync service and the endpoint host', async () => {
    const { appsync, calls } = client({ status: 200, body: { data: {} } });

    await appsync.graphql(CREATE_MESSAGE, { input: { id: 'm1' } });

    const headers = calls[0]!.headers;
    const authorization = headers.get('authorization') ?? '';
    expect(authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDTEST\/\d{8}\/ap-northeast-2\/appsync\/aws4_request, /,
    );
    expect(authorization).toMatch(/SignedHeaders=[^,]*\bhost\b/);
    expect(headers.get('host')).toBe('abc123.appsync-api.ap-northeast-2.amazonaws.com');
    expect(headers.get('x-amz-date')).toMatch(/^\d{8}T\d{6}Z$/);
    expect(headers.get('x-amz-security-token')).toBe('session-test');
  });

  it('signs exactly the body, host and path it sends', async () => {
    const { appsync, calls } = client({ status: 200, body: { data: {} } });
    await appsync.graphql(CREATE_MESSAGE, { input: { id: 'm1', text: '안녕하세요' } });
    const sent = calls[0]!;
    const url = new URL(sent.url);

    // Re-sign what arrived, with the payload hash of the body that arrived rather than the one claimed.
    const headers: Record<string, string> = {};
    sent.headers.forEach((value, name) => {
      if (name !== 'authorization') headers[name] = value;
    });
    headers['x-amz-content-sha256'] = createHash('sha256').update(sent.body).digest('hex');
    const verifier = new SignatureV4({
      service: 'appsync',
      region: 'ap-northeast-2',
      credentials: CREDENTIALS,
      sha256: Sha256,
    });
    const expected = await verifier.sign(
      {
        method: sent.method,
        protocol: url.protocol,
        hostname: url.hostname,
        path: url.pathname,
        headers,
        body: sent.body,
      },
      { signingDate: parseAmzDate(sent.headers.get('x-amz-date')!) },
    );
    const signatureOf = (authorization: string) => /Signature=([0-9a-f]{64})$/.exec(authorization)?.[1];

    expect(signatureOf(sent.headers.get('authorization')!)).toBeDefined();
    expect(signatureOf(sent.headers.get('authorization')!)).toBe(
      signatureOf(expected.headers.authorization!),
    );
  });

  it('sends no security token header when the credentials have no session token', async () => {
    const { appsync, calls } = client(
      { status: 200, body: { data: {} } },
      { credentials: async () => ({ accessKeyId: 'AKIDTEST', secretAccessKey: 'secret-test-key' }) },
    );

    await appsync.graphql(CREATE_MESSAGE, {});

    expect(calls[0]!.headers.get('authorization')).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDTEST\//);
    expect(calls[0]!.headers.has('x-amz-security-token')).toBe(false);
  });

  it('turns GraphQL errors into an AppSyncGraphQLError keeping error types, paths and partial data', async () => {
    const { appsync } = client({
      status: 200,
      body: {
        data: { createMessage: null },
        errors: [
          {
            errorType: 'Unauthorized',
            message: 'Not Authorized to access createMessage',
            path: ['createMessage'],
          },
        ],
      },
    });

    const error = await failureOf(appsync.graphql(CREATE_MESSAGE, { input: { id: 'm1' } }));

    expect(error).toBeInstanceOf(AppSyncGraphQLError);
    const graphqlError = error as AppSyncGraphQLError;
    expect(graphqlError.operation).toBe('CreateMessage');
    expect(graphqlError.errors).toEqual([
      {
        errorType: 'Unauthorized',
        message: 'Not Authorized to access createMessage',
        path: ['createMessage'],
      },
    ]);
    expect(graphqlError.errorTypes).toEqual(['Unauthorized']);
    expect(graphqlError.data).toEqual({ createMessage: null });
    expect(isConditionalCheckFailure(error)).toBe(false);
  });

  it('recognises a create that hit an existing id as a conditional check failure', async () => {
    const { appsync } = client({
      status: 200,
      body: {
        data: { createMessage: null },
        errors: [
          {
            errorType: 'DynamoDB:ConditionalCheckFailedException',
            message: 'The conditional request failed (Service: DynamoDb, Status Code: 400)',
            path: ['createMessage'],
          },
        ],
      },
    });

    const error = await failureOf(appsync.graphql(CREATE_MESSAGE, { input: { id: 'm1' } }));

    expect(error).toBeInstanceOf(AppSyncGraphQLError);
    expect(isConditionalCheckFailure(error)).toBe(true);
    expect(isConditionalCheckFailure(new Error('DynamoDB:ConditionalCheckFailedException'))).toBe(false);
  });

  it('keeps user text out of the error message and the logs', async () => {
    const warn = vi.spyOn(logger, 'warn');
    const secret = '010-1234-5678 이사 견적 문의';
    const { appsync } = client({
      status: 200,
      body: {
        data: null,
        errors: [
          {
            errorType: 'ValidationError',
            message: `Variable 'input' has an invalid value: {text=${secret}}`,
          },
        ],
      },
    });

    const error = await failureOf(appsync.graphql(CREATE_MESSAGE, { input: { text: secret } }));

    expect((error as Error).message).toBe('AppSync CreateMessage failed: ValidationError');
    expect(warn).toHaveBeenCalledWith('AppSync operation returned errors', {
      operation: 'CreateMessage',
      status: 200,
      errorTypes: ['ValidationError'],
    });
    expect(JSON.stringify(warn.mock.calls)).not.toContain('010-1234-5678');
  });

  it.each([401, 403])('raises an AppSyncAuthError when AppSync answers %i', async (status) => {
    const { appsync } = client({
      status,
      body: { errors: [{ errorType: 'UnauthorizedException', message: 'Permission denied' }] },
    });

    const error = await failureOf(appsync.graphql(CREATE_MESSAGE, {}));

    expect(error).toBeInstanceOf(AppSyncAuthError);
    expect(error).toMatchObject({ status, errorTypes: ['UnauthorizedException'] });
  });

  it.each([500, 502, 503, 429])(
    'raises a retryable AppSyncUnavailableError when AppSync answers %i',
    async (status) => {
      const { appsync } = client({ status, body: '<html>Bad Gateway</html>' });

      const error = await failureOf(appsync.graphql(CREATE_MESSAGE, {}));

      expect(error).toBeInstanceOf(AppSyncUnavailableError);
      expect(error).toMatchObject({ status, retryable: true });
    },
  );

  it('raises a retryable AppSyncUnavailableError when the network fails', async () => {
    const cause = new TypeError('fetch failed');
    const { appsync } = client(cause);

    const error = await failureOf(appsync.graphql(CREATE_MESSAGE, {}));

    expect(error).toBeInstanceOf(AppSyncUnavailableError);
    expect((error as AppSyncUnavailableError).cause).toBe(cause);
    expect((error as AppSyncUnavailableError).retryable).toBe(true);
  });

  it('aborts the request when AppSync does not answer within the timeout', async () => {
    let signal: AbortSignal | undefined;
    const hangingFetch = ((_url: string | URL | Request, init?: RequestInit) => {
      signal = init?.signal ?? undefined;
      return new Promise<Response>((_resolve, reject) => {
        signal?.addEventListener('abort', () => reject(signal?.reason));
      });
    }) as typeof globalThis.fetch;
    const appsync = createAppSyncClient({
      endpoint: ENDPOINT,
      region: 'ap-northeast-2',
      credentials: async () => CREDENTIALS,
      fetch: hangingFetch,
      timeoutMs: 20,
    });

    const error = await failureOf(appsync.graphql(CREATE_MESSAGE, {}));

    expect(signal?.aborted).toBe(true);
    expect(error).toBeInstanceOf(AppSyncUnavailableError);
    expect((error as Error).message).toBe('AppSync did not answer CreateMessage within 20 ms');
  }, 2_000);

  it('refuses to start without an endpoint, naming AMPLIFY_DATA_GRAPHQL_ENDPOINT', () => {
    vi.stubEnv('AMPLIFY_DATA_GRAPHQL_ENDPOINT', '');

    expect(() => createAppSyncClient({ region: 'ap-northeast-2' })).toThrow(MissingConfigError);
    expect(() => createAppSyncClient({ region: 'ap-northeast-2' })).toThrow(/AMPLIFY_DATA_GRAPHQL_ENDPOINT/);
  });
});

describe('appSyncClient', () => {
  it('reads the endpoint, region and Lambda credentials from the environment', async () => {
    vi.resetModules();
    vi.stubEnv('AMPLIFY_DATA_GRAPHQL_ENDPOINT', 'https://env123.appsync-api.eu-west-1.amazonaws.com/graphql');
    vi.stubEnv('AWS_REGION', 'eu-west-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDTEST');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret-test-key');
    vi.stubEnv('AWS_SESSION_TOKEN', 'lambda-session');
    const { fetch, calls } = scriptedFetch({ status: 200, body: { data: { ok: true } } });
    vi.stubGlobal('fetch', fetch);
    const { appSyncClient } = await import('../../../amplify/functions/shared/appsync-client');

    const data = await appSyncClient().graphql('query Ping { ok }');

    expect(data).toEqual({ ok: true });
    expect(calls[0]!.url).toBe('https://env123.appsync-api.eu-west-1.amazonaws.com/graphql');
    expect(calls[0]!.headers.get('authorization')).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDTEST\/\d{8}\/eu-west-1\/appsync\/aws4_request/,
    );
    expect(calls[0]!.headers.get('x-amz-security-token')).toBe('lambda-session');
    expect(appSyncClient()).toBe(appSyncClient());
  });

  it('throws an error naming AMPLIFY_DATA_GRAPHQL_ENDPOINT when it is not set', async () => {
    vi.resetModules();
    vi.stubEnv('AMPLIFY_DATA_GRAPHQL_ENDPOINT', undefined);
    vi.stubEnv('AWS_REGION', 'eu-west-1');
    const { appSyncClient } = await import('../../../amplify/functions/shared/appsync-client');

    expect(() => appSyncClient()).toThrow(/AMPLIFY_DATA_GRAPHQL_ENDPOINT is not set/);
  });
});

describe('operationNameOf', () => {
  it('names an operation by its declared name, or else by its first field', () => {
    expect(operationNameOf(CREATE_MESSAGE)).toBe('CreateMessage');
    expect(operationNameOf('{ listConversations { items { id } } }')).toBe('listConversations');
    expect(operationNameOf('')).toBe('anonymous');
  });
});
