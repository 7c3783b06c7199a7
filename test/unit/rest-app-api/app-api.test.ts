import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AppApiDeps } from '../../../amplify/functions/rest-app-api/app-api';
import { createHandler } from '../../../amplify/functions/rest-app-api/handler';
import {
  cachedHealth,
  checkHealth,
  type DependencyCheck,
  type HealthDeps,
} from '../../../amplify/functions/rest-app-api/health';
import { AppSyncUnavailableError } from '../../../amplify/functions/shared/appsync-client';
import type { DataClient } from '../../../amplify/functions/shared/data-client';
import { logger } from '../../../amplify/functions/shared/logger';
import { bodyOf, expectJsonHeaders, NOW, restRequest } from '../../support/rest-fixtures';
import { answerFailing, badgeModels } from '../../support/typed-data';

const ok: DependencyCheck = async () => undefined;
const down: DependencyCheck = async () => {
  throw new AppSyncUnavailableError('down', 503);
};
const hangs: DependencyCheck = (signal) =>
  new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))));

function healthDeps(checks: Partial<HealthDeps['checks']> = {}, clockMs = { now: 0 }): HealthDeps {
  return {
    checks: { dynamodb: ok, appsync: ok, legacyApi: ok, ...checks },
    version: () => '0.1.0',
    stage: () => 'sandbox',
    now: () => NOW,
    clock: () => clockMs.now,
    timeoutMs: 50,
  };
}

/** The typed client answering the badge's two paged reads for `sub`. */
function badgeAppSync(sub: string): DataClient & { users: string[] } {
  const users: string[] = [];
  const models = badgeModels(async (operation, variables) => {
    users.push(variables.userId as string);
    if (variables.userId !== sub) throw new Error('another user');
    if (operation === 'BadgeMemberships') {
      if (!variables.nextToken) {
        return {
          listMembershipsByUser: { items: [{ conversationId: 'c1', unreadCount: 2 }], nextToken: 'p2' },
        };
      }
      return {
        listMembershipsByUser: { items: [{ conversationId: 'c2', unreadCount: 3 }], nextToken: null },
      };
    }
    if (operation === 'BadgeNotifications') {
      return {
        listNotificationsByUser: {
          items: [{ id: 'n1', readAt: null }, { id: 'n2', readAt: NOW.toISOString() }, { id: 'n3' }],
          nextToken: null,
        },
      };
    }
    throw new Error(`unexpected ${operation}`);
  });
  return { users, models } as unknown as DataClient & { users: string[] };
}

function appHandler(overrides: Partial<AppApiDeps> = {}) {
  return createHandler({
    health: () => checkHealth(healthDeps()),
    data: async () => badgeAppSync('user-123'),
    allowedOrigins: () => ['http://localhost:3000'],
    ...overrides,
  });
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('checkHealth', () => {
  it('answers 200 ok with the version, stage, time and every dependency', async () => {
    const result = await checkHealth(healthDeps());
    expect(result).toEqual({
      statusCode: 200,
      body: {
        status: 'ok',
        version: '0.1.0',
        stage: 'sandbox',
        time: NOW.toISOString(),
        dependencies: {
          dynamodb: { ok: true, latencyMs: 0 },
          appsync: { ok: true, latencyMs: 0 },
          legacyApi: { ok: true, latencyMs: 0 },
        },
      },
    });
  });

  it('answers 503 degraded when one dependency fails, naming the failure', async () => {
    const result = await checkHealth(healthDeps({ appsync: down }));
    expect(result.statusCode).toBe(503);
    expect(result.body.status).toBe('degraded');
    expect(result.body.dependencies).toEqual({
      dynamodb: { ok: true, latencyMs: 0 },
      appsync: { ok: false, latencyMs: 0, error: 'AppSyncUnavailableError' },
      legacyApi: { ok: true, latencyMs: 0 },
    });
  });

  it('gives up on a dependency at the timeout, aborting it, and checks all of them at once', async () => {
    const aborted: boolean[] = [];
    const slow: DependencyCheck = (signal) => {
      signal.addEventListener('abort', () => aborted.push(true));
      return new Promise(() => undefined);
    };
    const started = Date.now();
    const result = await checkHealth({
      ...healthDeps({ dynamodb: slow, legacyApi: hangs }),
      clock: () => Date.now(),
    });
    // Two timeouts of 50 ms, concurrently: well under their sum plus slack.
    expect(Date.now() - started).toBeLessThan(500);
    expect(result.statusCode).toBe(503);
    expect(result.body.dependencies.dynamodb).toMatchObject({ ok: false, error: 'timeout' });
    expect(result.body.dependencies.dynamodb.latencyMs).toBeGreaterThanOrEqual(45);
    expect(result.body.dependencies.legacyApi).toMatchObject({ ok: false, error: 'timeout' });
    expect(result.body.dependencies.appsync).toMatchObject({ ok: true });
    expect(aborted).toEqual([true]);
  });
});

describe('cachedHealth', () => {
  it('answers from one round of checks for 5 seconds, then checks again', async () => {
    const clock = { now: 0 };
    const dynamodb = vi.fn(ok);
    const health = cachedHealth(healthDeps({ dynamodb }, clock));
    await health();
    clock.now = 4_999;
    await health();
    expect(dynamodb).toHaveBeenCalledTimes(1);
    clock.now = 5_000;
    await health();
    expect(dynamodb).toHaveBeenCalledTimes(2);
  });
});

describe('rest-app-api handler', () => {
  it('GET /v1/health answers 200 JSON, not cached by intermediaries', async () => {
    const response = await appHandler()(restRequest({ path: '/v1/health' }));
    expect(response.statusCode).toBe(200);
    expectJsonHeaders(response);
    expect(bodyOf(response)).toMatchObject({ status: 'ok', version: '0.1.0', stage: 'sandbox' });
  });

  it('GET /v1/health answers 503 with the same body shape when a dependency is down', async () => {
    vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const response = await appHandler({ health: () => checkHealth(healthDeps({ legacyApi: down })) })(
      restRequest({ path: '/v1/health' }),
    );
    expect(response.statusCode).toBe(503);
    expect(bodyOf(response)).toMatchObject({
      status: 'degraded',
      dependencies: { legacyApi: { ok: false } },
    });
  });

  it("GET /v1/me/badge answers the caller's badge from the authorizer's sub", async () => {
    const appSync = badgeAppSync('user-123');
    const response = await appHandler({ data: async () => appSync })(
      restRequest({ path: '/v1/me/badge', claims: { sub: 'user-123', 'cognito:username': 'user-123' } }),
    );
    expect(response.statusCode).toBe(200);
    expectJsonHeaders(response);
    expect(bodyOf(response)).toEqual({ unreadChats: 5, unreadNotifications: 2, total: 7 });
    expect(new Set(appSync.users)).toEqual(new Set(['user-123']));
  });

  it('GET /v1/me/badge answers 401 without claims or without a sub', async () => {
    const appSync = badgeAppSync('user-123');
    const handler = appHandler({ data: async () => appSync });
    for (const claims of [undefined, { 'cognito:username': 'user-123' }, { sub: '' }] as (
      | Record<string, string>
      | undefined
    )[]) {
      const response = await handler(restRequest({ path: '/v1/me/badge', ...(claims ? { claims } : {}) }));
      expect(response.statusCode).toBe(401);
      expectJsonHeaders(response);
      expect(bodyOf(response)).toMatchObject({ error: 'unauthorized', message: expect.any(String) });
    }
    expect(appSync.users).toEqual([]);
  });

  it('GET /v1/me/badge answers 503 when AppSync is unavailable, and 500 on other failures', async () => {
    vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    const failing = (data: AppApiDeps['data']) =>
      appHandler({ data })(restRequest({ path: '/v1/me/badge', claims: { sub: 'user-123' } }));
    const unavailable = await failing(async () => {
      const down = async () => answerFailing(new AppSyncUnavailableError('down', 503));
      return {
        models: {
          ConversationMember: { listMembershipsByUser: down },
          Notification: { listNotificationsByUser: down },
        },
      } as unknown as DataClient;
    });
    expect(unavailable.statusCode).toBe(503);
    expect(bodyOf(unavailable)).toMatchObject({ error: 'unavailable' });
    const broken = await failing(() => Promise.reject(new Error('bug')));
    expect(broken.statusCode).toBe(500);
    expect(bodyOf(broken)).toEqual({ error: 'internal_error', message: expect.any(String) });
  });

  it.each([
    ['GET', '/v1/unknown'],
    ['POST', '/v1/me/badge'],
    ['DELETE', '/v1/health'],
  ])('answers 404 JSON to %s %s', async (method, path) => {
    const response = await appHandler()(restRequest({ method, path, claims: { sub: 'user-123' } }));
    expect(response.statusCode).toBe(404);
    expectJsonHeaders(response);
    expect(bodyOf(response)).toMatchObject({ error: 'not_found' });
  });

  it('lets an allowed web origin read the answer, and no other', async () => {
    const handler = appHandler();
    const allowed = await handler(
      restRequest({ path: '/v1/health', headers: { Origin: 'http://localhost:3000' } }),
    );
    expect(allowed.headers).toMatchObject({
      'Access-Control-Allow-Origin': 'http://localhost:3000',
      Vary: 'Origin',
    });
    const other = await handler(
      restRequest({ path: '/v1/health', headers: { Origin: 'https://evil.example' } }),
    );
    expect(other.headers).not.toHaveProperty('Access-Control-Allow-Origin');
  });
});
