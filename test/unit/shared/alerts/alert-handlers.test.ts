import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createHandler as lowestPriceHandler } from '../../../../amplify/functions/alert-lowest-price/handler';
import { createHandler as presaleHandler } from '../../../../amplify/functions/alert-presale/handler';
import { createHandler as realTransactionHandler } from '../../../../amplify/functions/alert-real-transaction/handler';
import type { AlertRunDeps } from '../../../../amplify/functions/shared/alerts/alert-run';
import {
  notificationWriter,
  subscriptionIndex,
} from '../../../../amplify/functions/shared/alerts/alert-store';
import { createLegacyCircuit, createLegacyClient } from '../../../../amplify/functions/shared/legacy-client';
import type { LegacyApi } from '../../../../local/legacy/server';
import { keys, startTestLegacyApi, stopAll, tokensFor } from '../../../local/legacy/legacy-fixture';
import { FakeAlertAppSync, FakeStateStore, NOW, subscription } from '../../../support/alert-fixtures';
import { lambdaContext } from '../../../support/lambda-context';

// The deployed handler's typed data client (its S3-configured default): the fake below.
vi.mock('../../../../amplify/functions/shared/data-client', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../../../amplify/functions/shared/data-client')>()),
  dataClient: () => appsync.data(),
}));

/**
 * The three scheduled handlers against the local Legacy stand-in (its sample data, its token
 * check), with AppSync and the state table faked: the feeds' contract as the functions read it.
 */

const HOUR = 3_600_000;
const scheduled = { 'detail-type': 'Scheduled Event', source: 'aws.scheduler', detail: {} } as never;

let api: LegacyApi;
let appsync: FakeAlertAppSync;
let state: FakeStateStore;
let clock: Date;

beforeEach(async () => {
  api = await startTestLegacyApi();
  appsync = new FakeAlertAppSync();
  state = new FakeStateStore();
  clock = NOW;
});
afterEach(stopAll);

function depsFor(functionName: string) {
  return (context: Context): AlertRunDeps => ({
    subscriptions: subscriptionIndex(appsync.data),
    legacy: createLegacyClient({
      baseUrl: api.url,
      tokens: tokensFor({ subject: functionName }),
      remainingTimeMs: () => context.getRemainingTimeInMillis(),
      circuit: createLegacyCircuit(),
    }),
    notifications: notificationWriter(appsync.data),
    state,
    now: () => clock,
    remainingTimeMs: () => context.getRemainingTimeInMillis(),
  });
}

const subjects = (userId: string) =>
  appsync
    .notificationsFor(userId)
    .map((row) => row.subjectId)
    .sort();

describe('alert-lowest-price', () => {
  const handler = lowestPriceHandler(depsFor('alert-lowest-price'));
  const context = lambdaContext(240_000, 'alert-lowest-price');

  it('tells subscribers about the listings at or under their threshold, once', async () => {
    // 은마's listing LST-20001 went up an hour before the stand-in's clock.
    const listing = api.store.data.listings.find((row) => row.id === 'LST-20001')!;
    expect(listing).toMatchObject({ complexId: 'CPX-1001', status: 'ACTIVE' });
    appsync.subscriptions.push(
      subscription({
        userId: 'at-price',
        kind: 'LOWEST_PRICE',
        target: 'CPX-1001',
        thresholdWon: listing.priceWon,
      }),
      subscription({
        userId: 'too-low',
        kind: 'LOWEST_PRICE',
        target: 'CPX-1001',
        thresholdWon: listing.priceWon - 1,
      }),
      subscription({ userId: 'elsewhere', kind: 'LOWEST_PRICE', target: 'CPX-9999', thresholdWon: 9e12 }),
    );

    const first = await handler(scheduled, context);

    expect(first).toMatchObject({ status: 'completed', created: 1, refusedCalls: 0, malformedItems: 0 });
    expect(subjects('at-price')).toEqual(['LST-20001']);
    expect(appsync.notificationsFor('at-price')[0]).toMatchObject({
      type: 'LOWEST_PRICE',
      title: expect.stringMatching(/^은마 76㎡ .+원 최저가 매물$/),
      deepLink: 'bootalk://listing/LST-20001',
    });
    expect(subjects('too-low')).toEqual([]);
    expect(subjects('elsewhere')).toEqual([]);
    expect(api.calls.list().map((call) => [call.path, call.status, call.subject])).toEqual([
      ['/v1/alerts/lowest-price', 200, 'alert-lowest-price'],
    ]);

    // The next run asks only from this run's start: nothing new, nobody told again.
    clock = new Date(NOW.getTime() + 60_000);
    expect(await handler(scheduled, context)).toMatchObject({ status: 'completed', created: 0 });
    expect(appsync.notifications.size).toBe(1);
  });
});

describe('alert-presale', () => {
  const handler = presaleHandler(depsFor('alert-presale'));

  it('tells a 시군구’s subscribers about a new 분양 in one of its 법정동, once', async () => {
    appsync.subscriptions.push(
      subscription({ userId: 'seocho', kind: 'PRESALE', target: '11650' }),
      subscription({ userId: 'banpo', kind: 'PRESALE', target: '1165010700' }),
      subscription({ userId: 'gangnam', kind: 'PRESALE', target: '11680' }),
    );

    expect(await handler(scheduled, lambdaContext(240_000, 'alert-presale'))).toMatchObject({
      status: 'completed',
      created: 1,
    });
    // PRS-501 (래미안 원페를라, 1165010100) was announced 0.3 days ago; 청담 르엘 in 강남구 1.5 days ago.
    expect(subjects('seocho')).toEqual(['PRS-501']);
    expect(appsync.notificationsFor('seocho')[0]).toMatchObject({
      title: '래미안 원페를라 분양 공고',
      body: expect.stringMatching(/^465세대 · 청약 \d+월 \d+일~\d+월 \d+일$/),
    });
    expect(subjects('banpo')).toEqual([]);
    expect(subjects('gangnam')).toEqual([]);

    clock = new Date(NOW.getTime() + 60_000);
    expect(await handler(scheduled, lambdaContext(240_000, 'alert-presale'))).toMatchObject({ created: 0 });
    expect(appsync.notifications.size).toBe(1);
  });
});

describe('alert-real-transaction', () => {
  const handler = realTransactionHandler(depsFor('alert-real-transaction'));

  it('tells a complex’s subscribers about its newly registered 실거래, once', async () => {
    appsync.subscriptions.push(
      subscription({ userId: 'eunma', kind: 'REAL_TRANSACTION', target: 'CPX-1001' }),
      subscription({ userId: 'unsubscribed-complex', kind: 'REAL_TRANSACTION', target: 'CPX-1002' }),
    );
    const expected = api.store.data.realTransactions
      .filter(
        (row) => row.complexId === 'CPX-1001' && Date.parse(row.registeredAt) >= NOW.getTime() - 24 * HOUR,
      )
      .map((row) => row.id);
    expect(expected).toEqual(['RTX-70001']);

    await handler(scheduled, lambdaContext(240_000, 'alert-real-transaction'));

    expect(subjects('eunma')).toEqual(['RTX-70001']);
    expect(appsync.notificationsFor('eunma')[0]!.title).toMatch(/^은마 76㎡ .+원 실거래$/);
    expect(subjects('unsubscribed-complex')).toEqual([]);
  });

  it('picks up a transaction the crawler saved after the last run, and nothing twice', async () => {
    appsync.subscriptions.push(
      subscription({ userId: 'eunma', kind: 'REAL_TRANSACTION', target: 'CPX-1001' }),
    );
    await handler(scheduled, lambdaContext(240_000, 'alert-real-transaction'));
    const saved = await createLegacyClient({ baseUrl: api.url, tokens: tokensFor() }).request({
      method: 'POST',
      path: '/v1/real-transactions',
      body: [
        {
          lawdCode: '11680',
          complexName: '은마',
          jibun: '316',
          priceWon: 2_350_000_000,
          exclusiveAreaM2: 84.43,
          floor: 12,
          contractDate: '2025-03-10',
        },
      ],
    });
    expect(saved).toEqual({ saved: 1, duplicates: 0 });

    clock = new Date(NOW.getTime() + HOUR);
    const second = await handler(scheduled, lambdaContext(240_000, 'alert-real-transaction'));

    expect(second).toMatchObject({ created: 1 });
    expect(subjects('eunma')).toHaveLength(2);
    const newest = appsync.notificationsFor('eunma').find((row) => row.subjectId !== 'RTX-70001')!;
    expect(newest).toMatchObject({
      title: '은마 84㎡ 23억 5천만원 실거래',
      body: '12층 · 3월 10일 계약된 거래가 등록됐어요.',
    });
  });
});

describe('the deployed handler (default clients)', () => {
  const dynamo = mockClient(DynamoDBDocumentClient);

  afterAll(() => {
    dynamo.restore();
  });

  it('reads its settings from the environment and runs once on a scheduled event', async () => {
    // The stand-in's clock is the real one here, as the function's is.
    api = await startTestLegacyApi({ now: Date.now });
    Object.assign(process.env, {
      STAGE: 'sandbox',
      AWS_REGION: 'ap-northeast-2',
      AWS_ACCESS_KEY_ID: 'AKIDUNITTEST',
      AWS_SECRET_ACCESS_KEY: 'unit-test-secret-key',
      LEGACY_API_URL: api.url,
      SERVICE_TOKEN_KEY: keys.privatePem,
      SERVICE_TOKEN_KID: 'local-1',
      IDEMPOTENCY_TABLE_NAME: 'sandbox-idempotency',
      AWS_LAMBDA_FUNCTION_NAME: 'alert-real-transaction',
    });
    delete process.env.SENTRY_DSN;
    dynamo.on(GetCommand).resolves({});
    dynamo.on(PutCommand).resolves({});
    appsync.subscriptions.push(
      subscription({ userId: 'eunma', kind: 'REAL_TRANSACTION', target: 'CPX-1001' }),
    );
    const { handler } = await import('../../../../amplify/functions/alert-real-transaction/handler');

    const summary = await handler(
      scheduled,
      lambdaContext(240_000, 'alert-real-transaction'),
      () => undefined,
    );

    expect(summary).toMatchObject({ status: 'completed', created: 1 });
    expect(subjects('eunma')).toHaveLength(1);
    expect(api.calls.list()[0]).toMatchObject({ authorized: true, subject: 'alert-real-transaction' });
    const puts = dynamo.commandCalls(PutCommand).map((call) => call.args[0].input);
    expect(puts.at(-1)).toMatchObject({
      TableName: 'sandbox-idempotency',
      Item: { id: 'alert-cursor:REAL_TRANSACTION', kind: 'REAL_TRANSACTION' },
    });
    expect(puts.at(-1)!.Item).not.toHaveProperty('run');
  });
});
