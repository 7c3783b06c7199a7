import { describe, expect, it } from 'vitest';
import {
  brokersFeed,
  complexesFeed,
  FeedPageShapeError,
  listingsFeed,
  parseFeedPage,
  planPage,
} from '../../../amplify/functions/data-sync/reference-feeds';
import { upsertCommandInput } from '../../../amplify/functions/data-sync/reference-store';
import { broker, complex, listing, NOW } from './reference-fixtures';

describe('complexes feed', () => {
  it('stores a complex with its 시군구 code (lawdCode) from the first five digits of its regionCode', () => {
    expect(complexesFeed.parseItem(complex('CPX-1001', '2024-11-14T03:00:00Z'))).toEqual({
      kind: 'upsert',
      id: 'CPX-1001',
      updatedAt: '2024-11-14T03:00:00.000Z',
      set: {
        name: '은마',
        regionCode: '1168010600',
        lawdCode: '11680',
        dong: '대치동',
        jibun: '316',
        builtYear: 1979,
        households: 4424,
      },
      remove: [],
    });
  });

  it('removes the optional fields the feed no longer has', () => {
    const entry = complexesFeed.parseItem(
      complex('CPX-1001', NOW.toISOString(), { dong: null, builtYear: undefined }),
    );
    expect(entry).toMatchObject({ kind: 'upsert', remove: ['dong', 'builtYear'] });
    expect(entry.kind === 'upsert' && entry.set).not.toHaveProperty('dong');
  });

  it.each([
    ['a 5-digit regionCode', { regionCode: '11680' }, ['regionCode']],
    ['no jibun', { jibun: undefined }, ['jibun']],
    ['a fractional households', { households: 12.5 }, ['households']],
  ])('refuses a complex with %s', (_case, fields, problems) => {
    expect(complexesFeed.parseItem(complex('CPX-1001', NOW.toISOString(), fields))).toEqual({
      kind: 'invalid',
      id: 'CPX-1001',
      fields: problems,
      updatedAt: NOW.toISOString(),
    });
  });
});

describe('listings feed', () => {
  it('stores every synced field of a listing', () => {
    expect(listingsFeed.parseItem(listing('LST-20001', '2025-03-14T11:00:00+09:00'))).toEqual({
      kind: 'upsert',
      id: 'LST-20001',
      // Offsets are normalized so stored versions compare as strings.
      updatedAt: '2025-03-14T02:00:00.000Z',
      set: {
        complexId: 'CPX-1001',
        complexName: '은마',
        regionCode: '1168010600',
        address: '서울특별시 강남구 대치동 316 은마',
        priceWon: 2_190_000_000,
        exclusiveAreaM2: 76.79,
        floor: 2,
        status: 'ACTIVE',
        thumbnailUrl: 'https://static.bootalk.test/listings/LST-20001.jpg',
      },
      remove: [],
    });
  });

  it.each([
    ['an unknown status', { status: 'RESERVED' }, ['status']],
    ['a negative price', { priceWon: -1 }, ['priceWon']],
    ['a price in text', { priceWon: '21억' }, ['priceWon']],
    ['a thumbnail that is not an http(s) URL', { thumbnailUrl: 'javascript:alert(1)' }, ['thumbnailUrl']],
    ['no complexId', { complexId: undefined }, ['complexId']],
  ])('refuses a listing with %s', (_case, fields, problems) => {
    expect(listingsFeed.parseItem(listing('LST-20001', NOW.toISOString(), fields))).toMatchObject({
      kind: 'invalid',
      id: 'LST-20001',
      fields: problems,
    });
  });

  it('turns a tombstone into a delete, whatever else it carries', () => {
    expect(
      listingsFeed.parseItem({
        id: 'LST-20043',
        updatedAt: NOW.toISOString(),
        deleted: true,
        status: 'BOGUS',
      }),
    ).toEqual({ kind: 'delete', id: 'LST-20043', updatedAt: NOW.toISOString() });
  });

  it('refuses a tombstone without a readable updatedAt, and a deleted flag that is not a boolean', () => {
    expect(listingsFeed.parseItem({ id: 'LST-1', deleted: true })).toMatchObject({
      kind: 'invalid',
      id: 'LST-1',
      fields: ['updatedAt'],
    });
    expect(listingsFeed.parseItem(listing('LST-1', NOW.toISOString(), { deleted: 'yes' }))).toMatchObject({
      kind: 'invalid',
      fields: ['deleted'],
    });
  });
});

describe('brokers feed', () => {
  it('sets the broker app account (userId) when the feed has it', () => {
    expect(brokersFeed.parseItem(broker('BRK-301', NOW.toISOString(), { userId: 'sub-301' }))).toMatchObject({
      kind: 'upsert',
      set: { userId: 'sub-301' },
      remove: [],
    });
  });

  it('never removes userId when the feed leaves it out, but removes an absent officeName', () => {
    const entry = brokersFeed.parseItem(broker('BRK-301', NOW.toISOString(), { officeName: '' }));
    expect(entry).toMatchObject({ kind: 'upsert', remove: ['officeName'] });
    expect(entry.kind === 'upsert' && entry.set).not.toHaveProperty('userId');
  });

  it.each([
    ['a missing id', { id: undefined }, undefined, ['id']],
    ['an id with spaces', { id: 'BRK 301' }, undefined, ['id']],
    ['a region code of 7 digits', { regionCodes: ['1168010'] }, 'BRK-301', ['regionCodes.0']],
    ['regionCodes that is not a list', { regionCodes: '1168010600' }, 'BRK-301', ['regionCodes']],
    ['active as text', { active: 'true' }, 'BRK-301', ['active']],
    ['an updatedAt without a time zone', { updatedAt: '2026-03-14T03:00:00' }, 'BRK-301', ['updatedAt']],
    ['an empty name', { name: ' ' }, 'BRK-301', ['name']],
  ])('refuses a broker with %s', (_case, fields, id, problems) => {
    const entry = brokersFeed.parseItem(broker('BRK-301', NOW.toISOString(), fields));
    expect(entry.kind).toBe('invalid');
    expect(entry.kind === 'invalid' && entry.id).toBe(id);
    expect(entry.kind === 'invalid' && entry.fields).toEqual(problems);
  });

  it('refuses something that is not an object', () => {
    expect(brokersFeed.parseItem('BRK-301')).toEqual({ kind: 'invalid', fields: ['(item)'] });
    expect(brokersFeed.parseItem(null)).toEqual({ kind: 'invalid', fields: ['(item)'] });
  });
});

describe('parseFeedPage', () => {
  it('reads items and the next cursor; a null cursor ends the feed', () => {
    expect(parseFeedPage('brokers', { items: [1], nextCursor: 'abc' })).toEqual({
      items: [1],
      nextCursor: 'abc',
    });
    expect(parseFeedPage('brokers', { items: [], nextCursor: null })).toEqual({
      items: [],
      nextCursor: undefined,
    });
  });

  it.each([
    ['an HTML error page', '<html>oops</html>'],
    ['no items', { nextCursor: null }],
    ['a numeric cursor', { items: [], nextCursor: 7 }],
    ['an empty cursor', { items: [], nextCursor: '' }],
  ])('refuses %s', (_case, body) => {
    expect(() => parseFeedPage('listings', body)).toThrow(FeedPageShapeError);
  });
});

describe('planPage', () => {
  it('sorts a page into upserts, deletes and invalid items, and finds its newest updatedAt', () => {
    const plan = planPage(brokersFeed, [
      broker('BRK-1', '2026-03-14T01:00:00.000Z'),
      { id: 'BRK-2', updatedAt: '2026-03-14T02:00:00.000Z', deleted: true },
      broker('BRK-3', '2026-03-14T03:00:00.000Z', { active: 'yes' }),
    ]);
    expect(plan.upserts.map((entry) => entry.id)).toEqual(['BRK-1']);
    expect(plan.deletes.map((entry) => entry.id)).toEqual(['BRK-2']);
    expect(plan.invalid).toEqual([
      { kind: 'invalid', id: 'BRK-3', fields: ['active'], updatedAt: '2026-03-14T03:00:00.000Z' },
    ]);
    // An invalid item still moves the watermark: its fix comes back with a newer updatedAt.
    expect(plan.newest).toBe('2026-03-14T03:00:00.000Z');
  });

  it('keeps only the newest version of an id that appears twice', () => {
    const plan = planPage(brokersFeed, [
      broker('BRK-1', '2026-03-14T02:00:00.000Z', { name: 'newer' }),
      broker('BRK-1', '2026-03-14T01:00:00.000Z', { name: 'older' }),
    ]);
    expect(plan.upserts).toHaveLength(1);
    expect(plan.upserts[0]!.set.name).toBe('newer');
  });
});

describe('upsertCommandInput', () => {
  const entry = {
    kind: 'upsert' as const,
    id: 'BRK-1',
    updatedAt: '2026-03-14T01:00:00.000Z',
    set: { name: '김민준' },
    remove: ['officeName'],
  };

  it('skips a row whose stored version is as new on an incremental run, and only a newer one on a full resync', () => {
    const incremental = upsertCommandInput('T', brokersFeed, entry, { now: NOW, rewriteSameVersion: false });
    const full = upsertCommandInput('T', brokersFeed, entry, { now: NOW, rewriteSameVersion: true });
    expect(incremental.ConditionExpression).toBe('attribute_not_exists(#version) OR #version < :version');
    expect(full.ConditionExpression).toBe('attribute_not_exists(#version) OR #version <= :version');
    expect(incremental.ExpressionAttributeNames?.['#version']).toBe('sourceUpdatedAt');
    expect(incremental.ExpressionAttributeValues?.[':version']).toBe(entry.updatedAt);
  });

  it('never names an app-owned field except to default it once', () => {
    const input = upsertCommandInput('T', brokersFeed, entry, { now: NOW, rewriteSameVersion: false });
    const named = Object.values(input.ExpressionAttributeNames ?? {});
    expect(named).not.toContain('lastAssignedAt');
    expect(named).not.toContain('userId');
    expect(input.UpdateExpression).toMatch(/#(\w+) = if_not_exists\(#\1, :\1\)/);
    const openConversations = Object.entries(input.ExpressionAttributeNames ?? {}).find(
      ([, field]) => field === 'openConversations',
    )![0];
    expect(input.UpdateExpression).toContain(`${openConversations} = if_not_exists(${openConversations},`);
  });
});
