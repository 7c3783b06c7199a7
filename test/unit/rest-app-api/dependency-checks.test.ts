import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  dependencyChecks,
  HEALTH_CHECK_KEY,
} from '../../../amplify/functions/rest-app-api/dependency-checks';
import { checkHealth } from '../../../amplify/functions/rest-app-api/health';
import { AppSyncAuthError } from '../../../amplify/functions/shared/appsync-client';
import type { DataClient } from '../../../amplify/functions/shared/data-client';
import { logger } from '../../../amplify/functions/shared/logger';
import { NOW } from '../../support/rest-fixtures';
import { answerFailing, type TypedResult } from '../../support/typed-data';

const dynamo = mockClient(DynamoDBDocumentClient);
const saved = { ...process.env };
const LEGACY_URL = 'http://127.0.0.1:4010';

let requests: { url: string; method: string; headers: Headers; body?: string }[];
let answers: Record<string, () => Response>;
/** The typed client's BrokerProfile.get: its calls, its answer, and the requests it was told to cancel. */
let profileGets: unknown[][];
let profileAnswer: () => Promise<TypedResult>;
let cancelled: unknown[];

const data = async () =>
  ({
    models: {
      BrokerProfile: {
        get: (...args: unknown[]) => {
          profileGets.push(args);
          return profileAnswer();
        },
      },
    },
    cancel: (request: unknown) => {
      cancelled.push(request);
      return true;
    },
  }) as unknown as DataClient;

beforeEach(() => {
  dynamo.reset();
  dynamo.on(GetCommand).resolves({});
  Object.assign(process.env, {
    IDEMPOTENCY_TABLE_NAME: 'sandbox-idempotency',
    LEGACY_API_URL: LEGACY_URL,
    SERVICE_TOKEN_KEY: 'a-service-token-secret-of-at-least-32-bytes',
    SERVICE_TOKEN_KID: 'kid-1',
  });
  requests = [];
  answers = { [`${LEGACY_URL}/health`]: () => Response.json({ status: 'ok' }) };
  profileGets = [];
  profileAnswer = async () => ({ data: null });
  cancelled = [];
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

const run = (timeoutMs = 1_000) =>
  checkHealth({
    checks: dependencyChecks({ data }),
    version: () => '0.1.0',
    stage: () => 'sandbox',
    now: () => NOW,
    timeoutMs,
  });

describe('dependencyChecks', () => {
  it('reads one key of the idempotency table, gets one absent BrokerProfile id through AppSync, and GETs the Legacy /health', async () => {
    const result = await run();
    expect(result.statusCode).toBe(200);
    expect(dynamo.commandCalls(GetCommand).map((call) => call.args[0].input)).toEqual([
      { TableName: 'sandbox-idempotency', Key: HEALTH_CHECK_KEY },
    ]);
    expect(profileGets).toEqual([[HEALTH_CHECK_KEY, { selectionSet: ['id'] }]]);
    expect(cancelled).toEqual([]);
    const legacy = requests.filter((request) => request.url.startsWith(LEGACY_URL));
    expect(legacy.map((request) => `${request.method} ${request.url}`)).toEqual([`GET ${LEGACY_URL}/health`]);
  });

  it('reports each failing dependency, trying the Legacy API only once', async () => {
    dynamo
      .on(GetCommand)
      .rejects(Object.assign(new Error('no table'), { name: 'ResourceNotFoundException' }));
    profileAnswer = async () => answerFailing(new AppSyncAuthError('HealthCheck', 401));
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

  it('reports AppSync timed out when the read does not answer in time, and cancels that read', async () => {
    const pending = new Promise<TypedResult>(() => undefined);
    profileAnswer = () => pending;
    const result = await run(50);
    expect(result.body.dependencies.appsync).toEqual({
      ok: false,
      latencyMs: expect.any(Number),
      error: 'timeout',
    });
    expect(cancelled).toEqual([pending]);
  });
});
