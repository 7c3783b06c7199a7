import { describe, expect, it } from 'vitest';
import {
  planEdit,
  planHeartbeat,
  planMarkRead,
  planMute,
  planSoftDelete,
} from '../../../amplify/functions/conversation-link/message-edits';
import type { ConversationMemberRow, MessageRow } from '../../../amplify/functions/shared/chat/chat-message';

const now = new Date('2025-03-14T03:00:00.000Z');
const later = new Date('2025-03-14T03:05:00.000Z');

const message: MessageRow = {
  id: 'msg-1',
  conversationId: 'conv-1',
  createdAt: '2025-03-14T02:59:00.000Z',
  senderId: 'buyer-sub',
  memberIds: ['buyer-sub', 'broker-sub'],
  kind: 'TEXT',
  body: '토요일 오전 11시 괜찮습니다.',
  clientMessageId: 'm-1',
};

const member: ConversationMemberRow = {
  conversationId: 'conv-1',
  userId: 'buyer-sub',
  memberIds: ['buyer-sub', 'broker-sub'],
  role: 'BUYER',
  unreadCount: 3,
  lastReadAt: '2025-03-14T02:50:00.000Z',
  lastReadMessageId: 'msg-0',
  muted: false,
  lastMessageAt: '2025-03-14T02:59:00.000Z',
};

function accepted<T>(decision: { ok: true; value: T } | { ok: false; error: Error }): T {
  if (!decision.ok) throw decision.error;
  return decision.value;
}

function refused(decision: { ok: boolean; error?: Error }): string {
  if (decision.ok) throw new Error('expected a refusal');
  return decision.error!.message;
}

describe('editing a message', () => {
  it('changes the body and sets editedAt when the sender edits', () => {
    const { message: edited, update } = accepted(
      planEdit(message, { callerId: 'buyer-sub', body: ' 일요일로 바꿀게요 ', now }),
    );
    expect(update).toEqual({ id: 'msg-1', body: '일요일로 바꿀게요', editedAt: now.toISOString() });
    expect(edited).toMatchObject({
      body: '일요일로 바꿀게요',
      editedAt: now.toISOString(),
      createdAt: message.createdAt,
    });
  });

  it('is refused to anyone but the sender', () => {
    expect(refused(planEdit(message, { callerId: 'broker-sub', body: '수정', now }))).toMatch(
      /^NOT_YOUR_MESSAGE: /,
    );
  });

  it('applies the send rules to the new text', () => {
    expect(refused(planEdit(message, { callerId: 'buyer-sub', body: '   ', now }))).toMatch(
      /^BODY_REQUIRED: /,
    );
    expect(refused(planEdit(message, { callerId: 'buyer-sub', body: '가'.repeat(2001), now }))).toMatch(
      /^BODY_TOO_LONG: /,
    );
    expect(
      accepted(planEdit(message, { callerId: 'buyer-sub', body: '가'.repeat(2000), now })).update?.body,
    ).toHaveLength(2000);
  });

  it('lets an image caption be cleared', () => {
    const image: MessageRow = {
      ...message,
      kind: 'IMAGE',
      body: '거실',
      image: { key: 'chat/conv-1/a.jpg' },
    };
    expect(accepted(planEdit(image, { callerId: 'buyer-sub', body: '', now })).update).toEqual({
      id: 'msg-1',
      body: null,
      editedAt: now.toISOString(),
    });
  });

  it('is refused for a deleted message, a SYSTEM message or a missing one', () => {
    const deleted = { ...message, body: null, deletedAt: now.toISOString() };
    expect(refused(planEdit(deleted, { callerId: 'buyer-sub', body: '되살리기', now }))).toMatch(
      /^MESSAGE_DELETED: /,
    );
    const system: MessageRow = { ...message, kind: 'SYSTEM', senderId: 'system' };
    expect(refused(planEdit(system, { callerId: 'system', body: '수정', now }))).toMatch(
      /^SYSTEM_MESSAGE_READ_ONLY: /,
    );
    expect(refused(planEdit(undefined, { callerId: 'buyer-sub', body: '수정', now }))).toMatch(
      /^MESSAGE_NOT_FOUND: /,
    );
  });

  it('writes nothing when the text does not change', () => {
    const decision = accepted(planEdit(message, { callerId: 'buyer-sub', body: ` ${message.body}`, now }));
    expect(decision.update).toBeUndefined();
    expect(decision.message).toBe(message);
  });
});

describe('soft-deleting a message', () => {
  const card: MessageRow = {
    ...message,
    kind: 'LISTING_CARD',
    body: '이 매물 어떠세요?',
    listing: { listingId: 'LST-1', priceWon: 1, exclusiveAreaM2: 59, address: '서울' },
  };

  it('keeps the row, clears its content and sets deletedAt', () => {
    const { message: deleted, update } = accepted(planSoftDelete(card, { callerId: 'buyer-sub', now }));
    expect(update).toEqual({
      id: 'msg-1',
      body: null,
      image: null,
      listing: null,
      deletedAt: now.toISOString(),
    });
    expect(deleted).toMatchObject({
      id: 'msg-1',
      conversationId: 'conv-1',
      createdAt: card.createdAt,
      body: null,
      listing: null,
      deletedAt: now.toISOString(),
    });
  });

  it('is refused to anyone but the sender', () => {
    expect(refused(planSoftDelete(message, { callerId: 'broker-sub', now }))).toMatch(/^NOT_YOUR_MESSAGE: /);
    expect(refused(planSoftDelete(undefined, { callerId: 'buyer-sub', now }))).toMatch(
      /^MESSAGE_NOT_FOUND: /,
    );
  });

  it('is harmless the second time: nothing to write and the first deletedAt kept', () => {
    const first = accepted(planSoftDelete(card, { callerId: 'buyer-sub', now })).message;
    const second = accepted(planSoftDelete(first, { callerId: 'buyer-sub', now: later }));
    expect(second.update).toBeUndefined();
    expect(second.message.deletedAt).toBe(now.toISOString());
  });
});

describe('marking a conversation read', () => {
  it('moves lastReadAt forward to a message and records it', () => {
    const { update } = accepted(
      planMarkRead(member, { upTo: { messageId: 'msg-1', at: '2025-03-14T02:59:00.000Z' }, now }),
    );
    expect(update).toEqual({
      conversationId: 'conv-1',
      userId: 'buyer-sub',
      lastReadAt: '2025-03-14T02:59:00.000Z',
      lastReadMessageId: 'msg-1',
    });
  });

  it('reads up to now when no position is given', () => {
    expect(accepted(planMarkRead(member, { upTo: {}, now })).update?.lastReadAt).toBe(now.toISOString());
  });

  it('never moves lastReadAt backwards, so a late call from another device changes nothing', () => {
    const earlier = accepted(
      planMarkRead(member, { upTo: { messageId: 'msg-old', at: '2025-03-14T02:40:00.000Z' }, now }),
    );
    expect(earlier.update).toBeUndefined();
    expect(earlier.member.lastReadAt).toBe(member.lastReadAt);
    expect(accepted(planMarkRead(member, { upTo: { at: member.lastReadAt! }, now })).update).toBeUndefined();
  });

  it('never reads into the future', () => {
    const { update } = accepted(planMarkRead(member, { upTo: { at: '2030-01-01T00:00:00Z' }, now }));
    expect(update?.lastReadAt).toBe(now.toISOString());
  });

  it('accepts a member who never read anything', () => {
    const fresh = { ...member, lastReadAt: null, lastReadMessageId: null };
    expect(
      accepted(planMarkRead(fresh, { upTo: { at: '2025-03-14T02:00:00+09:00' }, now })).update?.lastReadAt,
    ).toBe('2025-03-13T17:00:00.000Z');
  });

  it('refuses a time that is not an ISO instant, and a non-member', () => {
    for (const at of ['yesterday', '2025-03-14', '2025-03-14T03:00:00']) {
      expect(refused(planMarkRead(member, { upTo: { at }, now }))).toMatch(/^INVALID_TIME: /);
    }
    expect(refused(planMarkRead(undefined, { upTo: {}, now }))).toMatch(/^CONVERSATION_NOT_FOUND: /);
  });
});

describe('presence', () => {
  it('marks the member as viewing for the next 30 seconds', () => {
    expect(accepted(planHeartbeat(member, now)).update).toEqual({
      conversationId: 'conv-1',
      userId: 'buyer-sub',
      viewingUntil: '2025-03-14T03:00:30.000Z',
    });
    expect(refused(planHeartbeat(undefined, now))).toMatch(/^CONVERSATION_NOT_FOUND: /);
  });
});

describe('muting', () => {
  it('mutes for good, or until a future time', () => {
    expect(accepted(planMute(member, { muted: true, now })).update).toEqual({
      conversationId: 'conv-1',
      userId: 'buyer-sub',
      muted: true,
      mutedUntil: null,
    });
    expect(
      accepted(planMute(member, { muted: true, until: '2025-03-14T21:00:00+09:00', now })).update,
    ).toMatchObject({
      muted: true,
      mutedUntil: '2025-03-14T12:00:00.000Z',
    });
  });

  it('refuses an end time that is not in the future', () => {
    expect(refused(planMute(member, { muted: true, until: '2025-03-14T02:59:59Z', now }))).toMatch(
      /^MUTE_UNTIL_IN_PAST: /,
    );
    expect(refused(planMute(member, { muted: true, until: now.toISOString(), now }))).toMatch(
      /^MUTE_UNTIL_IN_PAST: /,
    );
    expect(
      accepted(planMute(member, { muted: true, until: '2025-03-14T03:00:01Z', now })).update?.mutedUntil,
    ).toBe('2025-03-14T03:00:01.000Z');
  });

  it('refuses an end time when unmuting, and an unreadable one', () => {
    expect(refused(planMute(member, { muted: false, until: '2025-03-15T00:00:00Z', now }))).toMatch(
      /^MUTE_UNTIL_WITHOUT_MUTE: /,
    );
    expect(refused(planMute(member, { muted: true, until: 'tomorrow', now }))).toMatch(/^INVALID_TIME: /);
  });

  it('clears the end time when unmuting and writes nothing when nothing changes', () => {
    const muted = { ...member, muted: true, mutedUntil: '2025-03-15T00:00:00Z' };
    expect(accepted(planMute(muted, { muted: false, now })).update).toMatchObject({
      muted: false,
      mutedUntil: null,
    });
    expect(
      accepted(planMute(muted, { muted: true, until: '2025-03-15T09:00:00+09:00', now })).update,
    ).toBeUndefined();
    expect(accepted(planMute(member, { muted: false, now })).update).toBeUndefined();
  });
});
