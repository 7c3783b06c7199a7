import { describe, expect, it } from 'vitest';
import { readReceiptFor } from '../../../amplify/functions/message-read-receipt/read-receipt';
import { BROKER, member } from '../../support/chat-fixtures';

const before = member(BROKER, {
  unreadCount: 3,
  lastReadAt: '2026-03-14T02:00:00.000Z',
  lastReadMessageId: 'msg-1',
});

describe('readReceiptFor', () => {
  it('gives a receipt when lastReadAt moves forward', () => {
    const after = {
      ...before,
      unreadCount: 3,
      lastReadAt: '2026-03-14T03:00:00.000Z',
      lastReadMessageId: 'msg-9',
    };
    expect(readReceiptFor(before, after)).toEqual({
      conversationId: 'conv-1',
      readerId: BROKER,
      lastReadAt: '2026-03-14T03:00:00.000Z',
      lastReadMessageId: 'msg-9',
    });
  });

  it('gives a receipt for the first read of a conversation', () => {
    const unread = member(BROKER, { unreadCount: 2 });
    const read = { ...unread, lastReadAt: '2026-03-14T03:00:00.000Z', lastReadMessageId: 'msg-2' };
    expect(readReceiptFor(unread, read)?.lastReadAt).toBe('2026-03-14T03:00:00.000Z');
    expect(readReceiptFor({ ...unread, lastReadAt: null }, read)?.readerId).toBe(BROKER);
  });

  it('compares instants, not strings', () => {
    const after = { ...before, lastReadAt: '2026-03-14T11:30:00+09:00' };
    expect(readReceiptFor(before, after)?.lastReadAt).toBe('2026-03-14T11:30:00+09:00');
    expect(readReceiptFor(before, { ...before, lastReadAt: '2026-03-14T10:00:00+09:00' })).toBeUndefined();
  });

  it('gives no receipt when another field changed, such as the unread reset it causes', () => {
    expect(readReceiptFor(before, { ...before, unreadCount: 0 })).toBeUndefined();
    expect(readReceiptFor(before, { ...before, lastReadMessageId: 'msg-2' })).toBeUndefined();
  });

  it('gives no receipt when lastReadAt went backwards', () => {
    expect(readReceiptFor(before, { ...before, lastReadAt: '2026-03-14T01:00:00.000Z' })).toBeUndefined();
  });

  it('gives no receipt when lastReadAt was cleared, unreadable, or the row removed', () => {
    expect(readReceiptFor(before, { ...before, lastReadAt: null })).toBeUndefined();
    expect(readReceiptFor(before, { ...before, lastReadAt: 'yesterday' })).toBeUndefined();
    expect(readReceiptFor(before, undefined)).toBeUndefined();
  });
});
