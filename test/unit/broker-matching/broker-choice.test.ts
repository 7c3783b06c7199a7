import { describe, expect, it } from 'vitest';
import {
  chooseBroker,
  coversRegion,
  eligibleBrokers,
  planRequestBroker,
  rankBrokers,
  shouldRetryWaiting,
} from '../../../amplify/functions/broker-matching/broker-choice';
import { UserFacingError } from '../../../amplify/functions/shared/errors';
import { BANPO, BUYER, broker, DAECHI, GAEPO, inquiry } from '../../support/matching-fixtures';

const ids = (list: { id: string }[]) => list.map((b) => b.id);
const ranked = (list: ReturnType<typeof rankBrokers>) => list.map((r) => r.broker.id);

describe('coversRegion', () => {
  it('covers every 법정동 under a 시군구 prefix', () => {
    expect(coversRegion(broker('A', { regionCodes: ['11680'] }), DAECHI)).toBe(true);
    expect(coversRegion(broker('A', { regionCodes: ['11680'] }), GAEPO)).toBe(true);
    expect(coversRegion(broker('A', { regionCodes: ['11680'] }), BANPO)).toBe(false);
  });

  it('covers only that 동 under a full 10-digit code', () => {
    const daechiOnly = broker('A', { regionCodes: ['1168010600'] });
    expect(coversRegion(daechiOnly, DAECHI)).toBe(true);
    expect(coversRegion(daechiOnly, GAEPO)).toBe(false);
  });

  it('lets an empty or malformed entry cover nothing instead of everything', () => {
    expect(coversRegion(broker('A', { regionCodes: [''] }), DAECHI)).toBe(false);
    expect(coversRegion(broker('A', { regionCodes: ['  '] }), DAECHI)).toBe(false);
    expect(coversRegion(broker('A', { regionCodes: ['1'] }), DAECHI)).toBe(false);
    expect(coversRegion(broker('A', { regionCodes: ['11*'] }), DAECHI)).toBe(false);
  });

  it('covers nothing for a listing region that is not a 10-digit code', () => {
    expect(coversRegion(broker('A', { regionCodes: ['11680'] }), '11680')).toBe(false);
    expect(coversRegion(broker('A', { regionCodes: ['11680'] }), '11680106OO')).toBe(false);
  });
});

describe('eligibleBrokers', () => {
  const subject = { regionCode: DAECHI, buyerId: BUYER, memberIds: [BUYER] };

  it('keeps active brokers who use the app and cover the region', () => {
    const brokers = [
      broker('ok'),
      broker('inactive', { active: false }),
      broker('no-app', { userId: null }),
      broker('empty-sub', { userId: '' }),
      broker('seocho', { regionCodes: ['11650'] }),
      broker('second-code', { regionCodes: ['11650', '1168010600'] }),
    ];

    expect(ids(eligibleBrokers(brokers, subject))).toEqual(['ok', 'second-code']);
  });

  it('never offers the buyer their own inquiry, nor someone already in it', () => {
    const brokers = [
      broker('self', { userId: BUYER }),
      broker('member', { userId: 'sub-member' }),
      broker('ok'),
    ];

    expect(ids(eligibleBrokers(brokers, { ...subject, memberIds: [BUYER, 'sub-member'] }))).toEqual(['ok']);
  });
});

describe('rankBrokers', () => {
  it('puts the broker with the fewest open conversations first', () => {
    const order = rankBrokers([
      { broker: broker('A'), openConversations: 5 },
      { broker: broker('B'), openConversations: 1 },
      { broker: broker('C'), openConversations: 3 },
    ]);

    expect(ranked(order)).toEqual(['B', 'C', 'A']);
  });

  it('breaks a load tie round-robin: never assigned first, then the longest ago', () => {
    const order = rankBrokers([
      { broker: broker('recent', { lastAssignedAt: '2026-03-14T02:00:00.000Z' }), openConversations: 2 },
      { broker: broker('never'), openConversations: 2 },
      { broker: broker('yesterday', { lastAssignedAt: '2026-03-13T02:00:00.000Z' }), openConversations: 2 },
    ]);

    expect(ranked(order)).toEqual(['never', 'yesterday', 'recent']);
  });

  it('breaks a full tie by id, so the same data always picks the same broker', () => {
    const at = '2026-03-13T02:00:00.000Z';
    const a = { broker: broker('BRK-2', { lastAssignedAt: at }), openConversations: 0 };
    const b = { broker: broker('BRK-10', { lastAssignedAt: at }), openConversations: 0 };

    expect(chooseBroker([a, b])!.broker.id).toBe('BRK-10');
    expect(chooseBroker([b, a])!.broker.id).toBe('BRK-10');
  });

  it('treats an unreadable lastAssignedAt as never assigned', () => {
    const order = rankBrokers([
      { broker: broker('dated', { lastAssignedAt: '2026-03-13T02:00:00.000Z' }), openConversations: 0 },
      { broker: broker('garbled', { lastAssignedAt: 'yesterday' }), openConversations: 0 },
    ]);

    expect(ranked(order)).toEqual(['garbled', 'dated']);
  });

  it('chooses nobody from no candidates', () => {
    expect(chooseBroker([])).toBeUndefined();
  });
});

describe('planRequestBroker', () => {
  const refusal = (decision: ReturnType<typeof planRequestBroker>) => {
    if (decision.ok) throw new Error('expected a refusal');
    expect(decision.error).toBeInstanceOf(UserFacingError);
    return decision.error.message;
  };

  it('refuses a non-member exactly as a conversation that does not exist', () => {
    const stranger = refusal(planRequestBroker(inquiry(), 'someone-else'));
    const missing = refusal(planRequestBroker(undefined, BUYER));

    expect(stranger).toBe(missing);
    expect(stranger).toMatch(/^CONVERSATION_NOT_FOUND: /);
  });

  it('refuses a conversation that is not a listing inquiry', () => {
    expect(refusal(planRequestBroker(inquiry({ kind: 'DIRECT' }), BUYER))).toMatch(
      /^NOT_A_LISTING_INQUIRY: .*LISTING_INQUIRY/,
    );
  });

  it('refuses a closed inquiry', () => {
    expect(refusal(planRequestBroker(inquiry({ status: 'CLOSED' }), BUYER))).toMatch(
      /^CONVERSATION_CLOSED: /,
    );
  });

  it('returns an open inquiry as it is, and matches a waiting one', () => {
    const open = inquiry({ status: 'OPEN', brokerId: 'BRK-301', memberIds: [BUYER, 'sub-BRK-301'] });

    expect(planRequestBroker(open, BUYER)).toEqual({
      ok: true,
      value: { action: 'RETURN', conversation: open },
    });
    expect(planRequestBroker(inquiry(), BUYER)).toMatchObject({ ok: true, value: { action: 'MATCH' } });
  });
});

describe('shouldRetryWaiting', () => {
  const synced = broker('A', { syncedAt: '2026-03-14T00:00:00.000Z', lastAssignedAt: null });

  it('retries for a new assignable broker', () => {
    expect(shouldRetryWaiting(undefined, synced)).toBe(true);
  });

  it('retries when a sync rewrites the row, and when the broker becomes active', () => {
    expect(shouldRetryWaiting({ ...synced, syncedAt: '2026-03-13T00:00:00.000Z' }, synced)).toBe(true);
    expect(shouldRetryWaiting({ ...synced, active: false }, synced)).toBe(true);
  });

  it('does not retry after matching’s own bookkeeping write', () => {
    const assigned = {
      ...synced,
      lastAssignedAt: '2026-03-14T03:00:00.000Z',
      openConversations: 3,
      updatedAt: 'x',
    };

    expect(shouldRetryWaiting({ ...synced }, assigned)).toBe(false);
  });

  it('does not retry for a broker who cannot take inquiries', () => {
    expect(shouldRetryWaiting(undefined, broker('A', { active: false }))).toBe(false);
    expect(shouldRetryWaiting(undefined, broker('A', { userId: null }))).toBe(false);
    expect(shouldRetryWaiting(undefined, broker('A', { regionCodes: [] }))).toBe(false);
    expect(shouldRetryWaiting(undefined, undefined)).toBe(false);
  });
});
