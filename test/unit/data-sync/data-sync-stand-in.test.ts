import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHandler } from '../../../amplify/functions/data-sync/handler';
import { createLegacyClient } from '../../../amplify/functions/shared/legacy-client';
import type { LegacyApi } from '../../../local/legacy/server';
import { startTestLegacyApi, stopAll, tokensFor } from '../../local/legacy/legacy-fixture';
import { contextWith, ddb, depsWith, FakeReferenceDynamo, NOW } from './reference-fixtures';

/**
 * data-sync against the local Legacy stand-in (its sample data, paging, cursors and token check),
 * with DynamoDB faked: the feeds' contract as the function reads it.
 */

let api: LegacyApi;
let dynamo: FakeReferenceDynamo;

beforeEach(async () => {
  api = await startTestLegacyApi();
  ddb.reset();
  dynamo = new FakeReferenceDynamo();
  dynamo.install();
});
afterEach(stopAll);

function run(event: unknown = {}) {
  const handler = createHandler((context) =>
    depsWith(
      createLegacyClient({
        baseUrl: api.url,
        tokens: tokensFor({ subject: 'data-sync' }),
        remainingTimeMs: () => context.getRemainingTimeInMillis(),
      }),
      { pageSize: 10 },
    ),
  );
  return handler(event, contextWith(300_000));
}

const live = <T extends { id: string; deleted?: boolean }>(rows: readonly T[]) =>
  rows
    .filter((row) => !row.deleted)
    .map((row) => row.id)
    .sort();
const newest = (rows: readonly { updatedAt?: string }[]) =>
  rows
    .map((row) => row.updatedAt!)
    .sort()
    .at(-1);

describe('data-sync against the Legacy stand-in', () => {
  it('copies every complex, listing and broker, and none of the tombstoned ones', async () => {
    const { data } = api.store;
    const summary = await run();

    expect([...dynamo.rows('complexes').keys()].sort()).toEqual(live(data.complexes));
    expect([...dynamo.rows('listings').keys()].sort()).toEqual(live(data.listings));
    expect([...dynamo.rows('brokers').keys()].sort()).toEqual(live(data.brokers));
    expect(dynamo.row('brokers', 'BRK-313')).toBeUndefined();
    expect(summary.listings).toMatchObject({
      fetched: data.listings.length,
      upserted: live(data.listings).length,
      deleted: data.listings.length - live(data.listings).length,
      skippedInvalid: 0,
      pages: Math.ceil(data.listings.length / 10),
      done: true,
    });
    for (const feed of ['complexes', 'listings', 'brokers'] as const) {
      expect(dynamo.state(feed)).toMatchObject({ updatedSince: newest(data[feed]) });
    }
    expect(dynamo.row('listings', 'LST-20001')).toMatchObject({
      __typename: 'Listing',
      complexId: 'CPX-1001',
      status: 'ACTIVE',
      syncedAt: NOW.toISOString(),
    });
  });

  it('writes nothing on the next run when nothing changed, and picks up a change made on the legacy side', async () => {
    await run();
    const writes = dynamo.updates.length;

    const quiet = await run();
    expect(dynamo.updates.length - writes).toBe(
      Object.values(quiet).reduce((sum, feed) => sum + feed!.fetched - feed!.deleted, 0),
    );
    for (const feed of Object.values(quiet)) expect(feed).toMatchObject({ upserted: 0, done: true });

    // Stamped with the stand-in's clock: newer than anything the last run saw.
    api.putReferenceItem('brokers', 'BRK-301', { userId: 'sub-of-broker-301' });
    const changed = await run({ feeds: ['brokers'] });
    expect(changed.brokers).toMatchObject({ upserted: 1 });
    expect(dynamo.row('brokers', 'BRK-301')).toMatchObject({
      userId: 'sub-of-broker-301',
      openConversations: 0,
    });
  });
});
