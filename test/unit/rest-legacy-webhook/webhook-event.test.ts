import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  eventDigest,
  parseWebhookEvent,
} from '../../../amplify/functions/rest-legacy-webhook/webhook-event';

const NOTICE = {
  version: 1,
  noticeId: 'NTC-77',
  title: '서비스 점검 안내',
  body: '3월 20일 02:00–04:00 서비스 점검이 있습니다.',
  segment: { roles: ['USER'] },
  publishedAt: '2026-03-14T12:00:00+09:00',
};

const envelope = (overrides: Record<string, unknown> = {}) => ({
  id: 'evt-20260314-0001',
  type: 'broker.assigned',
  occurredAt: '2026-03-14T03:00:00Z',
  version: 1,
  payload: { conversationId: 'conv-1', brokerId: 'BRK-301' },
  ...overrides,
});

const parse = (value: unknown) =>
  parseWebhookEvent(typeof value === 'string' ? value : JSON.stringify(value));

function refusal(value: unknown) {
  const result = parse(value);
  if (result.ok) throw new Error(`accepted ${JSON.stringify(result.event)}`);
  return result;
}

describe('parseWebhookEvent', () => {
  it('reads broker.assigned', () => {
    const result = parse(envelope());
    expect(result).toMatchObject({
      ok: true,
      event: {
        id: 'evt-20260314-0001',
        type: 'broker.assigned',
        occurredAt: '2026-03-14T03:00:00Z',
        version: 1,
        payload: { conversationId: 'conv-1', brokerId: 'BRK-301' },
      },
    });
  });

  it('reads listing.status_changed, with or without the previous status', () => {
    const payload = { listingId: 'LST-20001', status: 'SOLD', previousStatus: 'ACTIVE' };
    expect(parse(envelope({ type: 'listing.status_changed', payload }))).toMatchObject({
      ok: true,
      event: { type: 'listing.status_changed', payload },
    });
    expect(
      parse(
        envelope({ type: 'listing.status_changed', payload: { listingId: 'LST-1', status: 'WITHDRAWN' } }),
      ),
    ).toMatchObject({ ok: true, event: { payload: { listingId: 'LST-1', status: 'WITHDRAWN' } } });
  });

  it('reads notice.published with the notice parser (trimmed text)', () => {
    const result = parse(
      envelope({ type: 'notice.published', payload: { ...NOTICE, title: `  ${NOTICE.title} ` } }),
    );
    expect(result).toMatchObject({ ok: true, event: { type: 'notice.published', payload: NOTICE } });
  });

  it('accepts occurredAt with an offset', () => {
    expect(parse(envelope({ occurredAt: '2026-03-14T12:00:00.123+09:00' })).ok).toBe(true);
  });

  it('refuses a body that is not JSON', () => {
    expect(refusal('{"id": ')).toMatchObject({ error: 'invalid_json' });
    expect(refusal('')).toMatchObject({ error: 'invalid_json' });
  });

  it('refuses JSON that is not an object', () => {
    expect(refusal([envelope()])).toMatchObject({ error: 'invalid_request', field: 'body' });
    expect(refusal('null')).toMatchObject({ error: 'invalid_request', field: 'body' });
  });

  it('refuses an unknown type, naming the field', () => {
    expect(refusal(envelope({ type: 'listing.deleted' }))).toMatchObject({
      error: 'unknown_type',
      field: 'type',
      message: expect.stringContaining('broker.assigned'),
    });
  });

  it.each([
    ['a missing id', { id: undefined }, 'id'],
    ['an empty id', { id: '' }, 'id'],
    ['an id over 200 characters', { id: 'x'.repeat(201) }, 'id'],
    ['a numeric id', { id: 42 }, 'id'],
    ['a missing type', { type: undefined }, 'type'],
    ['occurredAt without a zone', { occurredAt: '2026-03-14T03:00:00' }, 'occurredAt'],
    ['occurredAt as a date only', { occurredAt: '2026-03-14' }, 'occurredAt'],
    ['version 2', { version: 2 }, 'version'],
    ['a missing payload', { payload: undefined }, 'payload'],
    ['a payload that is a string', { payload: 'conv-1' }, 'payload'],
    ['a missing conversationId', { payload: { brokerId: 'BRK-1' } }, 'payload.conversationId'],
    [
      'a numeric conversationId',
      { payload: { conversationId: 7, brokerId: 'BRK-1' } },
      'payload.conversationId',
    ],
    ['an empty brokerId', { payload: { conversationId: 'c', brokerId: '' } }, 'payload.brokerId'],
    [
      'an unknown listing status',
      { type: 'listing.status_changed', payload: { listingId: 'LST-1', status: 'GONE' } },
      'payload.status',
    ],
    [
      'an unknown previous status',
      {
        type: 'listing.status_changed',
        payload: { listingId: 'LST-1', status: 'SOLD', previousStatus: 'x' },
      },
      'payload.previousStatus',
    ],
    [
      'a missing listingId',
      { type: 'listing.status_changed', payload: { status: 'SOLD' } },
      'payload.listingId',
    ],
    [
      'a notice without noticeId',
      { type: 'notice.published', payload: { ...NOTICE, noticeId: undefined } },
      'payload.noticeId',
    ],
    [
      'a notice with a blank title',
      { type: 'notice.published', payload: { ...NOTICE, title: ' ' } },
      'payload.title',
    ],
    [
      'a notice with empty roles',
      { type: 'notice.published', payload: { ...NOTICE, segment: { roles: [] } } },
      'payload.segment.roles',
    ],
    [
      'a notice with an empty segment',
      { type: 'notice.published', payload: { ...NOTICE, segment: {} } },
      'payload.segment',
    ],
    [
      'a notice with a local publishedAt',
      { type: 'notice.published', payload: { ...NOTICE, publishedAt: '2026-03-14T12:00:00' } },
      'payload.publishedAt',
    ],
    ['a notice that is not an object', { type: 'notice.published', payload: ['x'] }, 'payload'],
  ])('refuses %s, naming the field', (_name, overrides, field) => {
    const result = refusal(envelope(overrides));
    expect(result).toMatchObject({ error: 'invalid_request', field });
    expect(result.message.startsWith(`${field}: `)).toBe(true);
  });

  it('names the first wrong field when several are wrong', () => {
    expect(refusal(envelope({ occurredAt: 'yesterday', version: 3 }))).toMatchObject({ field: 'occurredAt' });
    expect(refusal(envelope({ payload: { conversationId: 1, brokerId: 2 } }))).toMatchObject({
      field: 'payload.conversationId',
    });
  });

  it("never puts a notice's text in the refusal", () => {
    const secretBody = '비공개 공지 본문 010-1234-5678';
    const result = refusal(
      envelope({ type: 'notice.published', payload: { ...NOTICE, body: secretBody, noticeId: '' } }),
    );
    expect(result.message).not.toContain(secretBody);
    expect(result.message).not.toContain('010');
  });
});

describe('eventDigest', () => {
  it('is the same for the same type and payload whatever the key order', () => {
    expect(eventDigest('broker.assigned', { brokerId: 'B', conversationId: 'C' })).toBe(
      eventDigest('broker.assigned', { conversationId: 'C', brokerId: 'B' }),
    );
    expect(canonicalJson({ b: [1, { d: 1, c: 2 }], a: null })).toBe('{"a":null,"b":[1,{"c":2,"d":1}]}');
  });

  it('differs when the type or the payload differs', () => {
    const base = eventDigest('broker.assigned', { conversationId: 'C', brokerId: 'B' });
    expect(eventDigest('broker.assigned', { conversationId: 'C', brokerId: 'B2' })).not.toBe(base);
    expect(eventDigest('listing.status_changed', { conversationId: 'C', brokerId: 'B' })).not.toBe(base);
  });

  it('is what parseWebhookEvent reports, from the payload as sent', () => {
    const result = parse(envelope());
    expect(result.ok && result.digest).toBe(
      eventDigest('broker.assigned', { conversationId: 'conv-1', brokerId: 'BRK-301' }),
    );
  });
});
