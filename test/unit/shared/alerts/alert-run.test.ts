import { beforeEach, describe, expect, it } from 'vitest';
import { presaleAlert } from '../../../../amplify/functions/alert-presale/presale-alert';
import {
  type RealTransaction,
  realTransactionAlert,
} from '../../../../amplify/functions/alert-real-transaction/real-transaction-alert';
import { notificationIdFor } from '../../../../amplify/functions/shared/alerts/alert-plan';
import { type AlertRunDeps, runAlert } from '../../../../amplify/functions/shared/alerts/alert-run';
import {
  notificationWriter,
  subscriptionIndex,
} from '../../../../amplify/functions/shared/alerts/alert-store';
import { AppSyncUnavailableError } from '../../../../amplify/functions/shared/appsync-client';
import {
  type LegacyClient,
  LegacyRejectedError,
  type LegacyRequest,
  LegacyUnavailableError,
} from '../../../../amplify/functions/shared/legacy-client';
import { FakeAlertAppSync, FakeStateStore, NOW, subscription } from '../../../support/alert-fixtures';

const HOUR = 3_600_000;

/** The Legacy feeds: answers each call with the items about its targets changed at or after `since`. */
class FakeFeeds implements LegacyClient {
  readonly calls: { path: string; targets: string[]; since: string }[] = [];
  items: object[] = [];
  /** Thrown by the next calls instead of answering, in order. */
  failures: (Error | undefined)[] = [];
  /** Replaces the answer of the next call. */
  answers: unknown[] = [];

  async request<T>(request: LegacyRequest): Promise<T> {
    const url = new URL(request.path, 'http://legacy.test');
    const targets = (url.searchParams.get('complexIds') ?? url.searchParams.get('regionCodes') ?? '').split(
      ',',
    );
    const since = url.searchParams.get('since')!;
    this.calls.push({ path: request.path, targets, since });
    const failure = this.failures.shift();
    if (failure) throw failure;
    if (this.answers.length > 0) return this.answers.shift() as T;
    const items = this.items.filter((entry) => {
      const item = entry as Record<string, unknown>;
      const place = String(item.complexId ?? item.regionCode);
      const at = String(item.registeredAt ?? item.announcedAt);
      return targets.some((target) => place.startsWith(target)) && at >= since;
    });
    return { items } as T;
  }
}

function transaction(id: string, complexId: string, registeredAt = NOW.getTime() - HOUR): RealTransaction {
  return {
    id,
    complexId,
    complexName: '은마',
    priceWon: 2_230_000_000,
    exclusiveAreaM2: 76.79,
    floor: 23,
    contractDate: '2025-03-09',
    registeredAt: new Date(registeredAt).toISOString(),
  };
}

const complexId = (n: number) => `CPX-${String(n).padStart(4, '0')}`;

let appsync: FakeAlertAppSync;
let feeds: FakeFeeds;
let state: FakeStateStore;
let clock: Date;

beforeEach(() => {
  appsync = new FakeAlertAppSync();
  feeds = new FakeFeeds();
  state = new FakeStateStore();
  clock = NOW;
});

function deps(overrides: Partial<AlertRunDeps> = {}): AlertRunDeps {
  return {
    subscriptions: subscriptionIndex(appsync.data),
    legacy: feeds,
    notifications: notificationWriter(appsync.data),
    state,
    now: () => clock,
    remainingTimeMs: () => 240_000,
    ...overrides,
  };
}

const run = (overrides: Partial<AlertRunDeps> = {}) => runAlert(realTransactionAlert, deps(overrides));

describe('an alert run', () => {
  it('tells the subscribers of a complex about its new transactions, and nobody else', async () => {
    appsync.subscriptions.push(
      subscription({ userId: 'subscribed', kind: 'REAL_TRANSACTION', target: 'CPX-1001' }),
      subscription({ userId: 'other-complex', kind: 'REAL_TRANSACTION', target: 'CPX-2001' }),
      subscription({ userId: 'other-kind', kind: 'LOWEST_PRICE', target: 'CPX-1001', thresholdWon: 9e9 }),
    );
    feeds.items = [transaction('RTX-1', 'CPX-1001'), transaction('RTX-2', 'CPX-1001')];

    const summary = await run();

    expect(summary).toMatchObject({
      kind: 'REAL_TRANSACTION',
      status: 'completed',
      resumed: false,
      targets: 2,
      items: 2,
      created: 2,
      alreadyTold: 0,
    });
    expect(
      appsync
        .notificationsFor('subscribed')
        .map((row) => row.subjectId)
        .sort(),
    ).toEqual(['RTX-1', 'RTX-2']);
    expect(appsync.notificationsFor('subscribed')[0]).toMatchObject({
      id: notificationIdFor('subscribed', 'REAL_TRANSACTION', 'RTX-1'),
      type: 'REAL_TRANSACTION',
      title: '은마 76㎡ 22억 3천만원 실거래',
    });
    expect(appsync.notificationsFor('other-complex')).toEqual([]);
    expect(appsync.notificationsFor('other-kind')).toEqual([]);
    // One index query for the kind, one feed call for both complexes.
    expect(appsync.calls('ListAlertSubscriptionsByKind').map((call) => call.variables)).toEqual([
      { kind: 'REAL_TRANSACTION', nextToken: undefined },
    ]);
    expect(feeds.calls.map((call) => call.targets)).toEqual([['CPX-1001', 'CPX-2001']]);
  });

  it('never tells a user twice: a second run finds the same transactions and adds nothing', async () => {
    appsync.subscriptions.push(subscription({ userId: 'u1', kind: 'REAL_TRANSACTION', target: 'CPX-1001' }));
    feeds.items = [transaction('RTX-1', 'CPX-1001', NOW.getTime() - 60_000)];
    await run();
    clock = new Date(NOW.getTime() + 60_000);

    const second = await run();

    // The overlap asks again for what the first run saw; the existing id refuses the create.
    expect(second).toMatchObject({ status: 'completed', items: 1, created: 0, alreadyTold: 1 });
    expect(appsync.notifications.size).toBe(1);
  });

  it('asks for the last day first, then from the previous run’s start minus the overlap', async () => {
    appsync.subscriptions.push(subscription({ userId: 'u1', kind: 'REAL_TRANSACTION', target: 'CPX-1001' }));
    await run();
    clock = new Date(NOW.getTime() + 24 * HOUR);
    await run();

    expect(feeds.calls.map((call) => call.since)).toEqual([
      new Date(NOW.getTime() - 24 * HOUR - 10 * 60_000).toISOString(),
      new Date(NOW.getTime() - 10 * 60_000).toISOString(),
    ]);
    expect(state.rows.get('REAL_TRANSACTION')!.state).toEqual({ since: clock.toISOString() });
  });

  it('reads the index page by page and asks the feed for at most 100 targets a call', async () => {
    appsync.pageSize = 40;
    for (let n = 1; n <= 250; n += 1) {
      appsync.subscriptions.push(
        subscription({ userId: `u${n}`, kind: 'REAL_TRANSACTION', target: complexId(n) }),
      );
    }
    // A second subscriber of a complex whose rows straddle a page boundary.
    appsync.subscriptions.push(
      subscription({ userId: 'u40b', kind: 'REAL_TRANSACTION', target: complexId(40) }),
    );
    feeds.items = [transaction('RTX-40', complexId(40)), transaction('RTX-250', complexId(250))];

    const summary = await run();

    expect(feeds.calls.map((call) => call.targets.length)).toEqual([100, 100, 50]);
    expect(feeds.calls.flatMap((call) => call.targets)).toEqual(
      Array.from({ length: 250 }, (_, index) => complexId(index + 1)),
    );
    expect(appsync.calls('ListAlertSubscriptionsByKind')).toHaveLength(7);
    expect(summary).toMatchObject({ targets: 250, created: 3 });
    expect([...appsync.notifications.values()].map((row) => row.userId).sort()).toEqual([
      'u250',
      'u40',
      'u40b',
    ]);
  });

  it('keeps the query short when ids are long', async () => {
    for (let n = 1; n <= 60; n += 1) {
      appsync.subscriptions.push(
        subscription({
          userId: `u${n}`,
          kind: 'REAL_TRANSACTION',
          target: `${complexId(n)}-${'x'.repeat(60)}`,
        }),
      );
    }
    await run();

    expect(feeds.calls.length).toBeGreaterThan(1);
    for (const call of feeds.calls) expect(call.targets.join(',').length).toBeLessThanOrEqual(2_000);
    expect(feeds.calls.flatMap((call) => call.targets)).toHaveLength(60);
  });

  it('stops before the deadline and resumes where it stopped, telling each user once', async () => {
    for (let n = 1; n <= 30; n += 1) {
      appsync.subscriptions.push(
        subscription({
          userId: `u${String(n).padStart(2, '0')}`,
          kind: 'REAL_TRANSACTION',
          target: 'CPX-1001',
        }),
      );
      appsync.subscriptions.push(
        subscription({ userId: `v${n}`, kind: 'REAL_TRANSACTION', target: 'CPX-2001' }),
      );
    }
    feeds.items = [transaction('RTX-1', 'CPX-1001'), transaction('RTX-2', 'CPX-2001')];
    // Time runs short once 10 notifications are out: the run stops after its second batch of 8.
    const nearDeadline = () => (appsync.calls('CreateNotification').length >= 10 ? 15_000 : 240_000);

    const first = await run({ remainingTimeMs: nearDeadline });

    expect(first).toMatchObject({ status: 'paused', created: 16 });
    const paused = state.rows.get('REAL_TRANSACTION')!.state;
    expect(paused.since).toBe(new Date(NOW.getTime() - 24 * HOUR).toISOString());
    expect(paused.run).toEqual({
      startedAt: NOW.toISOString(),
      position: { target: 'CPX-1001', upTo: { userId: 'u16', subjectId: 'RTX-1' } },
    });

    clock = new Date(NOW.getTime() + HOUR);
    const second = await run();

    expect(second).toMatchObject({ status: 'completed', resumed: true, created: 44, alreadyTold: 0 });
    expect(appsync.notifications.size).toBe(60);
    expect(appsync.calls('CreateNotification')).toHaveLength(60);
    // Resumed at the complex it stopped in, with the watermark of the interrupted run.
    expect(appsync.calls('ListAlertSubscriptionsByKind').at(-1)!.variables.target).toEqual({
      ge: 'CPX-1001',
    });
    expect(feeds.calls.at(-1)!.since).toBe(new Date(NOW.getTime() - 24 * HOUR - 10 * 60_000).toISOString());
    // Completed: the watermark moves to the start of the interrupted run, not of the resuming one.
    expect(state.rows.get('REAL_TRANSACTION')!.state).toEqual({ since: NOW.toISOString() });
  });

  it('resumes after the last complex it finished', async () => {
    appsync.subscriptions.push(
      subscription({ userId: 'u1', kind: 'REAL_TRANSACTION', target: 'CPX-1001' }),
      subscription({ userId: 'u2', kind: 'REAL_TRANSACTION', target: 'CPX-2001' }),
    );
    state.rows.set('REAL_TRANSACTION', {
      state: {
        since: NOW.toISOString(),
        run: { startedAt: NOW.toISOString(), position: { target: 'CPX-1001' } },
      },
      version: 3,
    });
    feeds.items = [
      transaction('RTX-1', 'CPX-1001', NOW.getTime() + 1),
      transaction('RTX-2', 'CPX-2001', NOW.getTime() + 1),
    ];

    await run();

    expect(appsync.calls('ListAlertSubscriptionsByKind')[0]!.variables.target).toEqual({ gt: 'CPX-1001' });
    expect(feeds.calls.map((call) => call.targets)).toEqual([['CPX-2001']]);
    expect([...appsync.notifications.values()].map((row) => row.userId)).toEqual(['u2']);
  });

  it('keeps its progress when AppSync fails, fails, and the retry finishes without repeats', async () => {
    for (let n = 1; n <= 20; n += 1) {
      appsync.subscriptions.push(
        subscription({
          userId: `u${String(n).padStart(2, '0')}`,
          kind: 'REAL_TRANSACTION',
          target: 'CPX-1001',
        }),
      );
    }
    feeds.items = [transaction('RTX-1', 'CPX-1001')];
    // The 11th create fails, in the second batch of 8.
    appsync.createFailures = [
      ...Array(10).fill(undefined),
      new AppSyncUnavailableError('AppSync answered 503', 503),
    ];

    await expect(run()).rejects.toThrow(AppSyncUnavailableError);
    const failed = state.rows.get('REAL_TRANSACTION')!.state;
    expect(failed.run?.position).toEqual({ target: 'CPX-1001', upTo: { userId: 'u08', subjectId: 'RTX-1' } });
    expect(failed.since).toBe(new Date(NOW.getTime() - 24 * HOUR).toISOString());

    const retry = await run();

    expect(retry).toMatchObject({ status: 'completed', resumed: true });
    // Creates 9–16 were in the failed batch: the ones that landed count as told already.
    expect(retry.created + retry.alreadyTold).toBe(12);
    expect(appsync.notifications.size).toBe(20);
  });

  it('skips the targets of a feed call the Legacy API refuses for good, and goes on', async () => {
    appsync.pageSize = 1;
    for (let n = 1; n <= 150; n += 1) {
      appsync.subscriptions.push(
        subscription({ userId: `u${n}`, kind: 'REAL_TRANSACTION', target: complexId(n) }),
      );
    }
    feeds.items = [transaction('RTX-5', complexId(5)), transaction('RTX-120', complexId(120))];
    feeds.failures = [new LegacyRejectedError(400, '{"error":"bad_request"}')];

    const summary = await run();

    expect(summary).toMatchObject({ status: 'completed', refusedCalls: 1, targets: 150, created: 1 });
    expect([...appsync.notifications.values()].map((row) => row.subjectId)).toEqual(['RTX-120']);
    expect(state.rows.get('REAL_TRANSACTION')!.state).toEqual({ since: NOW.toISOString() });
  });

  it('counts an answer that is not a feed as refused', async () => {
    appsync.subscriptions.push(subscription({ userId: 'u1', kind: 'REAL_TRANSACTION', target: 'CPX-1001' }));
    feeds.answers = ['<html>maintenance</html>'];

    expect(await run()).toMatchObject({ status: 'completed', refusedCalls: 1, created: 0 });
  });

  it('stops without moving the watermark when the Legacy API is unavailable, keeping finished chunks', async () => {
    for (let n = 1; n <= 150; n += 1) {
      appsync.subscriptions.push(
        subscription({ userId: `u${n}`, kind: 'REAL_TRANSACTION', target: complexId(n) }),
      );
    }
    feeds.items = [transaction('RTX-5', complexId(5))];
    feeds.failures = [
      undefined,
      new LegacyUnavailableError('Legacy API unavailable after 3 attempt(s)', 503),
    ];

    await expect(run()).rejects.toThrow(LegacyUnavailableError);

    expect(appsync.notificationsFor('u5')).toHaveLength(1);
    expect(state.rows.get('REAL_TRANSACTION')!.state).toEqual({
      since: new Date(NOW.getTime() - 24 * HOUR).toISOString(),
      run: { startedAt: NOW.toISOString(), position: { target: complexId(100) } },
    });
  });

  it('stops without writing when another run of the kind took over', async () => {
    appsync.subscriptions.push(subscription({ userId: 'u1', kind: 'REAL_TRANSACTION', target: 'CPX-1001' }));
    feeds.items = [transaction('RTX-1', 'CPX-1001')];
    state.beforeSave = () => {
      state.rows.set('REAL_TRANSACTION', { state: { since: NOW.toISOString() }, version: 7 });
      state.beforeSave = undefined;
    };

    const summary = await run();

    expect(summary.status).toBe('superseded');
    expect(feeds.calls).toEqual([]);
    expect(appsync.notifications.size).toBe(0);
    expect(state.rows.get('REAL_TRANSACTION')).toEqual({ state: { since: NOW.toISOString() }, version: 7 });
  });

  it('leaves out subscriptions whose target the feed cannot take', async () => {
    appsync.subscriptions.push(
      subscription({ userId: 'u1', kind: 'PRESALE', target: '11680' }),
      subscription({ userId: 'u2', kind: 'PRESALE', target: '1168000000' }),
      subscription({ userId: 'u3', kind: 'PRESALE', target: '11680,11650' }),
    );
    feeds.items = [{ id: 'PRS-1', regionCode: '1168010600', name: '래미안', announcedAt: NOW.toISOString() }];

    const summary = await runAlert(presaleAlert, deps());

    expect(summary).toMatchObject({ targets: 1, skippedTargets: 2, created: 1 });
    expect(feeds.calls.map((call) => call.targets)).toEqual([['11680']]);
  });
});
