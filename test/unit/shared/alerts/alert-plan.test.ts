import { describe, expect, it } from 'vitest';
import { lowestPriceAlert } from '../../../../amplify/functions/alert-lowest-price/lowest-price-alert';
import { presaleAlert } from '../../../../amplify/functions/alert-presale/presale-alert';
import {
  canonicalAlertTarget,
  type DraftKey,
  FeedShapeError,
  isDone,
  notificationIdFor,
  parseFeedItems,
  planNotifications,
  positionAfter,
} from '../../../../amplify/functions/shared/alerts/alert-plan';
import { NOW, subscription } from '../../../support/alert-fixtures';

describe('canonicalAlertTarget', () => {
  it.each([
    ['LOWEST_PRICE', 'CPX-1001', 'CPX-1001'],
    ['REAL_TRANSACTION', ' CPX-1001 ', 'CPX-1001'],
    ['PRESALE', '11680', '11680'],
    ['PRESALE', '1168010600', '1168010600'],
    // A 법정동 code naming a whole 시군구 would match nothing by prefix.
    ['PRESALE', '1168000000', '11680'],
  ] as const)('accepts a %s target %j as %j', (kind, raw, target) => {
    expect(canonicalAlertTarget(kind, raw)).toBe(target);
  });

  it.each([
    ['LOWEST_PRICE', ''],
    ['LOWEST_PRICE', 'CPX-1001,CPX-1002'],
    ['LOWEST_PRICE', '-CPX'],
    ['REAL_TRANSACTION', 'CPX 1001'],
    ['REAL_TRANSACTION', `C${'1'.repeat(100)}`],
    ['PRESALE', '1168'],
    ['PRESALE', '116801060'],
    ['PRESALE', '11680a'],
    ['PRESALE', 'CPX-1001'],
    // All of Seoul is too broad for an alert.
    ['PRESALE', '11000'],
    ['PRESALE', '1100000000'],
  ] as const)('refuses a %s target %j', (kind, raw) => {
    expect(canonicalAlertTarget(kind, raw)).toBeUndefined();
  });
});

describe('notificationIdFor', () => {
  it('is the same for the same user, kind and subject, and differs when any of them does', () => {
    const id = notificationIdFor('user-a', 'LOWEST_PRICE', 'LST-1');
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    expect(notificationIdFor('user-a', 'LOWEST_PRICE', 'LST-1')).toBe(id);
    expect(
      new Set([
        id,
        notificationIdFor('user-b', 'LOWEST_PRICE', 'LST-1'),
        notificationIdFor('user-a', 'REAL_TRANSACTION', 'LST-1'),
        notificationIdFor('user-a', 'LOWEST_PRICE', 'LST-2'),
      ]).size,
    ).toBe(4);
  });
});

describe('isDone and positionAfter', () => {
  const key = (target: string, userId: string, subjectId: string): DraftKey => ({
    target,
    userId,
    subjectId,
  });

  it('counts nothing done without a position', () => {
    expect(isDone(key('CPX-1', 'u1', 'L1'), undefined)).toBe(false);
  });

  it('counts a whole target, and every target before it, done', () => {
    const position = { target: 'CPX-2' };
    expect(isDone(key('CPX-1', 'u9', 'L9'), position)).toBe(true);
    expect(isDone(key('CPX-2', 'u9', 'L9'), position)).toBe(true);
    expect(isDone(key('CPX-3', 'u0', 'L0'), position)).toBe(false);
  });

  it('within a target, counts done up to the last user and subject created', () => {
    const position = positionAfter(key('CPX-2', 'u5', 'L5'));
    expect(isDone(key('CPX-2', 'u4', 'L9'), position)).toBe(true);
    expect(isDone(key('CPX-2', 'u5', 'L5'), position)).toBe(true);
    expect(isDone(key('CPX-2', 'u5', 'L6'), position)).toBe(false);
    expect(isDone(key('CPX-2', 'u6', 'L0'), position)).toBe(false);
    expect(isDone(key('CPX-3', 'u0', 'L0'), position)).toBe(false);
  });
});

describe('parseFeedItems', () => {
  const parse = (raw: Record<string, unknown>) => (typeof raw.id === 'string' ? { id: raw.id } : undefined);

  it('keeps the items the parser accepts and counts the others', () => {
    expect(
      parseFeedItems({ items: [{ id: 'a' }, { id: 3 }, null, 'x', { id: 'b' }] }, 'test', parse),
    ).toEqual({
      items: [{ id: 'a' }, { id: 'b' }],
      malformed: 3,
    });
  });

  it.each([undefined, null, 'text', [], { items: 'none' }, { data: [] }])(
    'refuses a body that is not a feed: %j',
    (body) => {
      expect(() => parseFeedItems(body, 'test', parse)).toThrow(FeedShapeError);
    },
  );
});

describe('planNotifications', () => {
  const listing = (id: string, complexId: string, priceWon: number) => ({
    id,
    complexId,
    complexName: '은마',
    priceWon,
    exclusiveAreaM2: 84.43,
    floor: 9,
    listedAt: '2025-03-13T01:00:00.000Z',
  });

  it('tells each subscriber of the complex about each listing at or under their threshold', () => {
    const cheap = subscription({
      userId: 'u1',
      kind: 'LOWEST_PRICE',
      target: 'CPX-1',
      thresholdWon: 2_000_000_000,
    });
    const rich = subscription({
      userId: 'u2',
      kind: 'LOWEST_PRICE',
      target: 'CPX-1',
      thresholdWon: 3_000_000_000,
    });
    const elsewhere = subscription({
      userId: 'u3',
      kind: 'LOWEST_PRICE',
      target: 'CPX-2',
      thresholdWon: 9_000_000_000,
    });
    const drafts = planNotifications(
      lowestPriceAlert,
      [
        { target: 'CPX-1', subscriptions: [rich, cheap] },
        { target: 'CPX-2', subscriptions: [elsewhere] },
      ],
      [listing('L1', 'CPX-1', 2_000_000_000), listing('L2', 'CPX-1', 2_530_000_000)],
      NOW,
    );

    expect(drafts.map((draft) => [draft.notification.userId, draft.notification.subjectId])).toEqual([
      ['u1', 'L1'],
      ['u2', 'L1'],
      ['u2', 'L2'],
    ]);
    expect(drafts[0]!.notification).toEqual({
      id: notificationIdFor('u1', 'LOWEST_PRICE', 'L1'),
      userId: 'u1',
      type: 'LOWEST_PRICE',
      title: '은마 84㎡ 20억원 최저가 매물',
      body: '9층 · 알림 기준 20억원 이하 매물이 새로 나왔어요.',
      deepLink: 'bootalk://listing/L1',
      subjectId: 'L1',
      createdAt: NOW.toISOString(),
      expiresAt: NOW.getTime() / 1000 + 90 * 24 * 60 * 60,
    });
    expect(drafts[0]!.key).toEqual({ target: 'CPX-1', userId: 'u1', subjectId: 'L1' });
  });

  it('tells a user whose regions overlap (강남구 and 대치동) once', () => {
    const district = subscription({ userId: 'u1', kind: 'PRESALE', target: '11680' });
    const dong = subscription({ userId: 'u1', kind: 'PRESALE', target: '1168010600' });
    const other = subscription({ userId: 'u2', kind: 'PRESALE', target: '1168010600' });
    const presale = {
      id: 'PRS-1',
      regionCode: '1168010600',
      name: '래미안',
      announcedAt: '2025-03-13T00:00:00.000Z',
    };
    const drafts = planNotifications(
      presaleAlert,
      [
        { target: '1168010600', subscriptions: [dong, other] },
        { target: '11680', subscriptions: [district] },
      ],
      [presale, { ...presale, id: 'PRS-2', regionCode: '1165010100' }],
      NOW,
    );

    expect(drafts.map((draft) => [draft.key.target, draft.notification.userId])).toEqual([
      ['11680', 'u1'],
      ['1168010600', 'u2'],
    ]);
  });

  it('plans nothing without items or subscribers', () => {
    const group = {
      target: 'CPX-1',
      subscriptions: [subscription({ userId: 'u1', kind: 'LOWEST_PRICE', target: 'CPX-1', thresholdWon: 1 })],
    };
    expect(planNotifications(lowestPriceAlert, [group], [], NOW)).toEqual([]);
    expect(planNotifications(lowestPriceAlert, [], [listing('L1', 'CPX-1', 1)], NOW)).toEqual([]);
  });
});
