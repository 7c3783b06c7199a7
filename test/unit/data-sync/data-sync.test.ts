import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  DataSyncFailedError,
  InvalidSyncRequestError,
  syncRequestOf,
} from '../../../amplify/functions/data-sync/data-sync';
import { createHandler } from '../../../amplify/functions/data-sync/handler';
import { LegacyRejectedError, LegacyUnavailableError } from '../../../amplify/functions/shared/legacy-client';
import { logger } from '../../../amplify/functions/shared/logger';
import {
  at,
  broker,
  complex,
  contextWith,
  ddb,
  depsWith,
  FakeLegacyFeeds,
  FakeReferenceDynamo,
  listing,
  NOW,
} from './reference-fixtures';

const scheduled = { version: '0', 'detail-type': 'Scheduled Event', source: 'aws.scheduler', detail: {} };

let dynamo: FakeReferenceDynamo;
let legacy: FakeLegacyFeeds;

beforeEach(() => {
  ddb.reset();
  dynamo = new FakeReferenceDynamo();
  dynamo.install();
  legacy = new FakeLegacyFeeds();
});

afterEach(() => {
  vi.restoreAllMocks();
});

function run(event: unknown = scheduled, context = contextWith(300_000), clock = NOW) {
  return createHandler(() => depsWith(legacy, { now: () => clock }))(event, context);
}

/** Runs and returns the DataSyncFailedError it must throw. */
async function failingRun(event: unknown = scheduled, context = contextWith(300_000)) {
  const error = await run(event, context).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(DataSyncFailedError);
  return error as DataSyncFailedError;
}

describe('syncRequestOf', () => {
  it('syncs every feed incrementally for the schedule', () => {
    expect(syncRequestOf(scheduled)).toEqual({ feeds: ['complexes', 'listings', 'brokers'], full: false });
    expect(syncRequestOf({})).toEqual({ feeds: ['complexes', 'listings', 'brokers'], full: false });
  });

  it('takes an operator’s feeds and full flag, always in sync order', () => {
    expect(syncRequestOf({ feeds: ['brokers', 'complexes'], full: true })).toEqual({
      feeds: ['complexes', 'brokers'],
      full: true,
    });
  });

  it.each([
    ['an unknown feed', { feeds: ['users'] }],
    ['an empty feed list', { feeds: [] }],
    ['full as text', { full: 'yes' }],
  ])('refuses %s with a clear error', (_case, event) => {
    expect(() => syncRequestOf(event)).toThrow(InvalidSyncRequestError);
  });
});

describe('data-sync paging', () => {
  beforeEach(() => {
    legacy.items.brokers.push(
      broker('BRK-1', at(1)),
      broker('BRK-2', at(2)),
      broker('BRK-3', at(3)),
      broker('BRK-4', at(3)),
      broker('BRK-5', at(5)),
    );
  });

  it('reads every page, saves the cursor after each, and ends with the newest updatedAt as the watermark', async () => {
    const states: unknown[] = [];
    const originalSave = dynamo.idempotency.set.bind(dynamo.idempotency);
    vi.spyOn(dynamo.idempotency, 'set').mockImplementation((id, item) => {
      states.push(structuredClone(item));
      return originalSave(id, item);
    });

    const summary = await run({ feeds: ['brokers'] });

    expect(summary.brokers).toEqual({
      fetched: 5,
      upserted: 5,
      unchanged: 0,
      deleted: 0,
      skippedInvalid: 0,
      pages: 3,
      done: true,
      resumed: false,
    });
    expect(legacy.requests).toEqual([
      { feed: 'brokers', limit: 2 },
      { feed: 'brokers', cursor: expect.any(String), limit: 2 },
      { feed: 'brokers', cursor: expect.any(String), limit: 2 },
    ]);
    // The cursor of each page was saved before the next page was asked for.
    expect(states.map((state) => (state as { cursor?: string }).cursor)).toEqual([
      legacy.requests[1]!.cursor,
      legacy.requests[2]!.cursor,
      undefined,
    ]);
    expect(dynamo.state('brokers')).toMatchObject({ updatedSince: at(5), version: 3 });
    expect(dynamo.state('brokers')).not.toHaveProperty('cursor');
    expect([...dynamo.rows('brokers').keys()].sort()).toEqual(['BRK-1', 'BRK-2', 'BRK-3', 'BRK-4', 'BRK-5']);
  });

  it('writes rows the way AppSync would: __typename, createdAt, updatedAt, the source version', async () => {
    await run({ feeds: ['brokers'] });
    expect(dynamo.row('brokers', 'BRK-1')).toEqual({
      id: 'BRK-1',
      __typename: 'BrokerProfile',
      name: '중개사 BRK-1',
      officeName: 'BRK-1 공인중개사사무소',
      regionCodes: ['1168010600'],
      active: true,
      openConversations: 0,
      sourceUpdatedAt: at(1),
      syncedAt: NOW.toISOString(),
      createdAt: NOW.toISOString(),
      updatedAt: NOW.toISOString(),
    });
  });

  it('stops before the timeout with the cursor saved, and the next run resumes there', async () => {
    // One page, then too little time for another.
    const first = await run({ feeds: ['brokers'] }, contextWith(300_000, 10_000));
    expect(first.brokers).toMatchObject({ pages: 1, upserted: 2, done: false, resumed: false });
    const saved = dynamo.state('brokers');
    expect(saved).toMatchObject({ cursor: expect.any(String), newestSeen: at(2) });
    expect(saved).not.toHaveProperty('updatedSince');

    const second = await run({ feeds: ['brokers'] });
    expect(second.brokers).toMatchObject({ pages: 2, upserted: 3, done: true, resumed: true });
    expect(legacy.requests[1]).toEqual({ feed: 'brokers', cursor: saved!.cursor, limit: 2 });
    expect(dynamo.state('brokers')).toMatchObject({ updatedSince: at(5) });
    // Nothing was fetched twice: the resumed run did not start over.
    expect(dynamo.updates).toHaveLength(5);
  });

  it('resumes an incremental run with the updatedSince its cursor belongs to', async () => {
    dynamo.idempotency.set('data-sync:brokers', { id: 'data-sync:brokers', updatedSince: at(2), version: 1 });
    await run({ feeds: ['brokers'] }, contextWith(300_000, 10_000));
    const cursor = dynamo.state('brokers')!.cursor;
    expect(dynamo.state('brokers')).toMatchObject({ updatedSince: at(2), cursorSince: at(2) });

    await run({ feeds: ['brokers'] });
    expect(legacy.requests[1]).toEqual({ feed: 'brokers', updatedSince: at(2), cursor, limit: 2 });
    expect(dynamo.state('brokers')).toMatchObject({ updatedSince: at(5) });
  });

  it('asks from the watermark, inclusive, and leaves the rows at the watermark as they are', async () => {
    await run({ feeds: ['brokers'] }, contextWith(300_000), new Date('2026-03-14T03:00:00.000Z'));
    const written = structuredClone(dynamo.row('brokers', 'BRK-5'));

    const later = new Date('2026-03-14T03:15:00.000Z');
    const summary = await run({ feeds: ['brokers'] }, contextWith(300_000), later);

    expect(legacy.requests.at(-1)).toEqual({ feed: 'brokers', updatedSince: at(5), limit: 2 });
    expect(summary.brokers).toMatchObject({ fetched: 1, upserted: 0, unchanged: 1, done: true });
    // Not rewritten: no stream record for a broker that did not change.
    expect(dynamo.row('brokers', 'BRK-5')).toEqual(written);
    expect(dynamo.state('brokers')).toMatchObject({ updatedSince: at(5) });
  });

  it('picks up a change made at the watermark instant in the next run', async () => {
    await run({ feeds: ['brokers'] });
    legacy.items.brokers.push(broker('BRK-6', at(5)));
    const summary = await run({ feeds: ['brokers'] });
    expect(summary.brokers).toMatchObject({ fetched: 2, upserted: 1, unchanged: 1 });
    expect(dynamo.row('brokers', 'BRK-6')).toBeDefined();
  });

  it('keeps the watermark when a feed has nothing new', async () => {
    dynamo.idempotency.set('data-sync:brokers', {
      id: 'data-sync:brokers',
      updatedSince: at(60),
      version: 4,
    });
    const summary = await run({ feeds: ['brokers'] });
    expect(summary.brokers).toMatchObject({ fetched: 0, pages: 1, done: true });
    expect(dynamo.state('brokers')).toMatchObject({ updatedSince: at(60), version: 5 });
  });
});

describe('data-sync writes', () => {
  it('never lets an older page overwrite a newer row', async () => {
    dynamo.rows('listings').set('LST-1', {
      id: 'LST-1',
      priceWon: 1_900_000_000,
      status: 'SOLD',
      sourceUpdatedAt: at(30),
    });
    legacy.items.listings.push(listing('LST-1', at(10), { priceWon: 2_190_000_000, status: 'ACTIVE' }));

    const summary = await run({ feeds: ['listings'] });

    expect(summary.listings).toMatchObject({ fetched: 1, upserted: 0, unchanged: 1 });
    expect(dynamo.row('listings', 'LST-1')).toMatchObject({
      priceWon: 1_900_000_000,
      status: 'SOLD',
      sourceUpdatedAt: at(30),
    });
  });

  it('updates a row with a newer version and removes the fields the feed dropped', async () => {
    dynamo.rows('listings').set('LST-1', {
      id: 'LST-1',
      __typename: 'Listing',
      status: 'ACTIVE',
      thumbnailUrl: 'https://static.bootalk.test/old.jpg',
      sourceUpdatedAt: at(1),
      createdAt: '2026-01-01T00:00:00.000Z',
    });
    legacy.items.listings.push(listing('LST-1', at(10), { status: 'SOLD', thumbnailUrl: null }));

    await run({ feeds: ['listings'] });

    const row = dynamo.row('listings', 'LST-1')!;
    expect(row).toMatchObject({
      status: 'SOLD',
      sourceUpdatedAt: at(10),
      createdAt: '2026-01-01T00:00:00.000Z',
    });
    expect(row).not.toHaveProperty('thumbnailUrl');
  });

  it('removes tombstoned listings with a batch write', async () => {
    dynamo.rows('listings').set('LST-9', { id: 'LST-9', status: 'ACTIVE', sourceUpdatedAt: at(1) });
    legacy.items.listings.push(listing('LST-1', at(10)), {
      id: 'LST-9',
      updatedAt: at(11),
      deleted: true,
    });

    const summary = await run({ feeds: ['listings'] });

    expect(summary.listings).toMatchObject({ upserted: 1, deleted: 1 });
    expect(dynamo.row('listings', 'LST-9')).toBeUndefined();
    expect(dynamo.batchWrites).toEqual([
      { RequestItems: { 'Listing-abc123-NONE': [{ DeleteRequest: { Key: { id: 'LST-9' } } }] } },
    ]);
    expect(dynamo.state('listings')).toMatchObject({ updatedSince: at(11) });
  });

  it('keeps the app-owned broker fields and a linked userId the feed leaves out', async () => {
    dynamo.rows('brokers').set('BRK-1', {
      id: 'BRK-1',
      userId: 'sub-1',
      openConversations: 3,
      lastAssignedAt: at(-60),
      createdAt: '2026-01-01T00:00:00.000Z',
      sourceUpdatedAt: at(-120),
    });
    legacy.items.brokers.push(broker('BRK-1', at(1), { active: false }));

    await run({ feeds: ['brokers'] });

    expect(dynamo.row('brokers', 'BRK-1')).toMatchObject({
      active: false,
      userId: 'sub-1',
      openConversations: 3,
      lastAssignedAt: at(-60),
      createdAt: '2026-01-01T00:00:00.000Z',
    });
  });

  it('sets userId once the legacy side linked the broker’s app account', async () => {
    dynamo.rows('brokers').set('BRK-1', { id: 'BRK-1', openConversations: 1, sourceUpdatedAt: at(-1) });
    legacy.items.brokers.push(broker('BRK-1', at(1), { userId: 'sub-1' }));
    await run({ feeds: ['brokers'] });
    expect(dynamo.row('brokers', 'BRK-1')).toMatchObject({ userId: 'sub-1', openConversations: 1 });
  });

  it('stores complexes with their lawdCode', async () => {
    legacy.items.complexes.push(complex('CPX-1001', at(1)));
    await run({ feeds: ['complexes'] });
    expect(dynamo.row('complexes', 'CPX-1001')).toMatchObject({
      __typename: 'Complex',
      regionCode: '1168010600',
      lawdCode: '11680',
      jibun: '316',
    });
  });

  it('skips and counts invalid items, logging their ids but not their names', async () => {
    const warn = vi.spyOn(logger, 'warn');
    legacy.items.brokers.push(
      broker('BRK-1', at(1)),
      broker('BRK-2', at(2), { regionCodes: ['강남구'], name: '홍길동' }),
      broker('BRK-3', at(3), { active: 'Y' }),
      broker('', at(4)),
    );

    const summary = await run({ feeds: ['brokers'] });

    expect(summary.brokers).toMatchObject({ fetched: 4, upserted: 1, skippedInvalid: 3, done: true });
    expect([...dynamo.rows('brokers').keys()]).toEqual(['BRK-1']);
    expect(warn).toHaveBeenCalledWith('data-sync skipped invalid feed items', {
      feed: 'brokers',
      items: [{ id: 'BRK-2', fields: ['regionCodes.0'] }],
    });
    expect(warn).toHaveBeenCalledWith('data-sync skipped invalid feed items', {
      feed: 'brokers',
      items: [
        { id: 'BRK-3', fields: ['active'] },
        { id: null, fields: ['id'] },
      ],
    });
    expect(JSON.stringify(warn.mock.calls)).not.toMatch(/홍길동|강남구|공인중개사/);
    expect(dynamo.state('brokers')).toMatchObject({ updatedSince: at(4) });
  });
});

describe('data-sync failures', () => {
  beforeEach(() => {
    legacy.items.complexes.push(complex('CPX-1', at(1)));
    legacy.items.listings.push(listing('LST-1', at(1)), listing('LST-2', at(2)), listing('LST-3', at(3)));
    legacy.items.brokers.push(broker('BRK-1', at(1)));
  });

  it('stops only the failing feed, keeps its state, runs the others, and fails the run', async () => {
    legacy.failOn(
      'listings',
      2,
      new LegacyUnavailableError('Legacy API unavailable after 3 attempt(s) (last status 503)', 503),
    );
    const error = vi.spyOn(logger, 'error');

    const failure = await failingRun();

    expect(failure.summary.complexes).toMatchObject({ upserted: 1, done: true });
    expect(failure.summary.brokers).toMatchObject({ upserted: 1, done: true });
    expect(failure.summary.listings).toMatchObject({
      pages: 1,
      upserted: 2,
      done: false,
      error: 'Legacy API unavailable after 3 attempt(s) (last status 503)',
    });
    expect(failure.message).toContain('listings (Legacy API unavailable');
    expect(dynamo.state('listings')).toMatchObject({ cursor: expect.any(String), newestSeen: at(2) });
    expect(error).toHaveBeenCalledWith(
      'data-sync feed failed; its state is kept for the next run',
      expect.objectContaining({ feed: 'listings', status: 503 }),
    );

    // The next run finishes the feed from the saved page.
    const summary = await run();
    expect(summary.listings).toMatchObject({ resumed: true, upserted: 1, unchanged: 0, done: true });
  });

  it('fails a feed whose page is not a feed page, without moving its state', async () => {
    dynamo.idempotency.set('data-sync:complexes', {
      id: 'data-sync:complexes',
      updatedSince: at(0),
      version: 2,
    });
    legacy.bodies.complexes = '<html>maintenance</html>';
    const failure = await failingRun({ feeds: ['complexes'] });
    expect(failure.summary.complexes?.error).toMatch(/something other than/);
    expect(dynamo.state('complexes')).toMatchObject({ updatedSince: at(0), version: 2 });
  });

  it('drops a cursor the API refuses, so the next run starts over from the watermark', async () => {
    dynamo.idempotency.set('data-sync:listings', {
      id: 'data-sync:listings',
      updatedSince: at(0),
      cursor: 'expired',
      cursorSince: at(0),
      version: 2,
    });
    legacy.failOn('listings', 1, new LegacyRejectedError(400, '{"error":"invalid_cursor"}'));

    const failure = await failingRun({ feeds: ['listings'] });
    expect(failure.summary.listings?.error).toBe('Legacy API rejected the request with 400');
    expect(dynamo.state('listings')).toMatchObject({ updatedSince: at(0), version: 3 });
    expect(dynamo.state('listings')).not.toHaveProperty('cursor');

    const summary = await run({ feeds: ['listings'] });
    expect(legacy.requests.at(-2)).toEqual({ feed: 'listings', updatedSince: at(0), limit: 2 });
    expect(summary.listings).toMatchObject({ upserted: 3, done: true });
  });

  it('fails the feed on a DynamoDB error, with the cursor at the last finished page', async () => {
    dynamo.failUpdateOf = 'LST-3';
    const failure = await failingRun({ feeds: ['listings'] });
    expect(failure.summary.listings).toMatchObject({ upserted: 2, done: false, error: 'Rate exceeded' });
    expect(dynamo.state('listings')).toMatchObject({ cursor: expect.any(String) });
    expect(dynamo.state('listings')).not.toHaveProperty('updatedSince');
  });

  it('stops a feed whose state another run saved in the meantime', async () => {
    const original = dynamo.idempotency.get.bind(dynamo.idempotency);
    let reads = 0;
    vi.spyOn(dynamo.idempotency, 'get').mockImplementation((id) => {
      // Another run saves between this run's read and its first save.
      if (id === 'data-sync:listings' && ++reads === 2) {
        dynamo.idempotency.set(id, { id, updatedSince: at(0), version: 1 });
      }
      return original(id);
    });
    const failure = await failingRun({ feeds: ['listings'] });
    expect(failure.summary.listings?.error).toBe(
      "Another data-sync run saved the listings feed's state first",
    );
    expect(dynamo.state('listings')).toEqual({ id: 'data-sync:listings', updatedSince: at(0), version: 1 });
  });
});

describe('data-sync full resync', () => {
  it('ignores the watermark and any cursor, rewrites every row, and keeps the newest watermark', async () => {
    legacy.items.brokers.push(broker('BRK-1', at(1)), broker('BRK-2', at(2)), broker('BRK-3', at(3)));
    await run({ feeds: ['brokers'] });
    dynamo.idempotency.set('data-sync:brokers', {
      ...dynamo.state('brokers'),
      cursor: 'left-by-an-incremental-run',
      cursorSince: at(3),
    });
    dynamo.rows('brokers').get('BRK-1')!.name = 'changed by hand';

    const summary = await run({ feeds: ['brokers'], full: true });

    expect(legacy.requests.slice(2)).toEqual([
      { feed: 'brokers', limit: 2 },
      { feed: 'brokers', cursor: expect.any(String), limit: 2 },
    ]);
    expect(summary.brokers).toMatchObject({
      fetched: 3,
      upserted: 3,
      unchanged: 0,
      done: true,
      resumed: false,
    });
    expect(dynamo.row('brokers', 'BRK-1')?.name).toBe('중개사 BRK-1');
    expect(dynamo.state('brokers')).toMatchObject({ updatedSince: at(3) });
    expect(dynamo.state('brokers')).not.toHaveProperty('cursor');
  });

  it('still never overwrites a newer row', async () => {
    dynamo.rows('brokers').set('BRK-1', { id: 'BRK-1', name: 'newer', sourceUpdatedAt: at(9) });
    legacy.items.brokers.push(broker('BRK-1', at(1)));
    const summary = await run({ feeds: ['brokers'], full: true });
    expect(summary.brokers).toMatchObject({ unchanged: 1 });
    expect(dynamo.row('brokers', 'BRK-1')?.name).toBe('newer');
  });

  it('runs only the feeds an operator names', async () => {
    legacy.items.complexes.push(complex('CPX-1', at(1)));
    legacy.items.brokers.push(broker('BRK-1', at(1)));
    const summary = await run({ feeds: ['brokers'] });
    expect(Object.keys(summary)).toEqual(['brokers']);
    expect(legacy.requests.map((request) => request.feed)).toEqual(['brokers']);
  });

  it('syncs complexes, then listings, then brokers', async () => {
    await run();
    expect(legacy.requests.map((request) => request.feed)).toEqual(['complexes', 'listings', 'brokers']);
  });

  it('refuses a malformed operator request before touching anything', async () => {
    await expect(run({ feeds: ['brokerz'] })).rejects.toThrow(InvalidSyncRequestError);
    expect(legacy.requests).toEqual([]);
  });
});
