import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  APPSYNC_HEALTH_QUERY,
  dependencyChecks,
  HEALTH_CHECK_KEY,
} from '../../../amplify/functions/rest-app-api/dependency-checks';
import { checkHealth } from '../../../amplify/functions/rest-app-api/health';
import { logger } from '../../../amplify/functions/shared/logger';
import { NOW } from '../../support/rest-fixtures';

const dynamo = mockClient(DynamoDBDocumentClient);
const saved = { ...process.env };
const APPSYNC_URL = 'https://abc.appsync-api.ap-northeast-2.amazonaws.com/graphql';
const LEGACY_URL = 'http://127.0.0.1:4010';

let requests: { url: string; method: string; headers: Headers; body?: string }[];
let answers: Record<string, () => Response>;

beforeEach(() => {
  dynamo.reset();
  dynamo.on(GetCommand).resolves({});
  Object.assign(process.env, {
    IDEMPOTENCY_TABLE_NAME: 'sandbox-idempotency',
    AMPLIFY_DATA_GRAPHQL_ENDPOINT: APPSYNC_URL,
    AWS_REGION: 'ap-northeast-2',
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
    LEGACY_API_URL: LEGACY_URL,
    SERVICE_TOKEN_KEY: 'a-service-token-secret-of-at-least-32-bytes',
    SERVICE_TOKEN_KID: 'kid-1',
  });
  requests = [];
  answers = {
    [APPSYNC_URL]: () => Response.json({ data: { getBrokerProfile: null } }),
    [`${LEGACY_URL}/health`]: () => Response.json({ status: 'ok' }),
  };
  vi.stubGlobal('fetch', async (input: string | URL, init: RequestInit = {}) => {
    const url = String(input);
    requests.push({
      url,
      method: init.method ?? 'GET',
      headers: new Headers(init.headers),
      ...(typeof init.body === 'string' ? { body: init.body } : {}),
    });
    const answer = answers[url];
    if (!answer) throw new TypeError(`fetch failed: ${url}`);
    return answer();
  });
});

afterEach(() => {
  vi.unstubAllGlobals();
  process.env = { ...saved };
});

const run = () =>
  checkHealth({
    checks: dependencyChecks(),
    version: () => '0.1.0',
    stage: () => 'sandbox',
    now: () => NOW,
    timeoutMs: 1_000,
  });

describe('dependencyChecks', () => {
  it('reads one key of the idempotency table, signs one cheap AppSync query, and GETs the Legacy /health', async () => {
    const result = await run();
    expect(result.statusCode).toBe(200);
    expect(dynamo.commandCalls(GetCommand).map((call) => call.args[0].input)).toEqual([
      { TableName: 'sandbox-idempotency', Key: HEALTH_CHECK_KEY },
    ]);
    const appsync = requests.find((request) => request.url === APPSYNC_URL)!;
    expect(JSON.parse(appsync.body!).query).toBe(APPSYNC_HEALTH_QUERY);
    expect(appsync.headers.get('authorization')).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\//);
    const legacy = requests.filter((request) => request.url.startsWith(LEGACY_URL));
    expect(legacy.map((request) => `${request.method} ${request.url}`)).toEqual([`GET ${LEGACY_URL}/health`]);
  });

  it('reports each failing dependency, trying the Legacy API only once', async () => {
    dynamo
      .on(GetCommand)
      .rejects(Object.assign(new Error('no table'), { name: 'ResourceNotFoundException' }));
    answers[APPSYNC_URL] = () => new Response('{}', { status: 401 });
    answers[`${LEGACY_URL}/health`] = () => new Response('{}', { status: 503 });
    vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    const result = await run();
    expect(result.statusCode).toBe(503);
    expect(result.body.dependencies).toEqual({
      dynamodb: { ok: false, latencyMs: expect.any(Number), error: 'ResourceNotFoundException' },
      appsync: { ok: false, latencyMs: expect.any(Number), error: 'AppSyncAuthError' },
      legacyApi: { ok: false, latencyMs: expect.any(Number), error: 'LegacyUnavailableError' },
    });
    expect(requests.filter((request) => request.url.startsWith(LEGACY_URL))).toHaveLength(1);
  });
});
