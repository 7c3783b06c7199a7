import { beforeEach, describe, expect, it } from 'vitest';
import { planUnreadUpdates } from '../../../amplify/functions/message-unread-counter/unread-plan';
import type { MessageRow } from '../../../amplify/functions/shared/chat/chat-message';
import { COUNTED_MARKER_SECONDS } from '../../../amplify/functions/shared/chat/unread';
import { BROKER, BUYER, message, NOW, STAFF } from '../../support/chat-fixtures';
import { FakeChatTables } from './fake-table';

const EARLIER = '2026-03-14T02:00:00.000Z';

function tablesWith(memberIds: string[]) {
  const tables = new FakeChatTables();
  tables.put(
    'Conversation',
    { id: 'conv-1' },
    { memberIds, lastMessageAt: EARLIER, lastMessagePreview: '처음' },
  );
  for (const userId of memberIds) {
    tables.put(
      'ConversationMember',
      { conversationId: 'conv-1', userId },
      { unreadCount: 0, lastMessageAt: EARLIER, lastMessagePreview: '처음' },
    );
  }
  return tables;
}

const planFor = (sent: MessageRow, memberIds = sent.memberIds) =>
  planUnreadUpdates({ message: sent, memberIds, now: NOW });

const unread = (tables: FakeChatTables, userId: string) =>
  tables.get('ConversationMember', { conversationId: 'conv-1', userId })?.unreadCount;
const conversation = (tables: FakeChatTables) => tables.get('Conversation', { id: 'conv-1' });
const membership = (tables: FakeChatTables, userId: string) =>
  tables.get('ConversationMember', { conversationId: 'conv-1', userId });

describe('planUnreadUpdates', () => {
  describe('in a buyer–broker conversation', () => {
    const members = [BUYER, BROKER];
    let tables: FakeChatTables;
    beforeEach(() => {
      tables = tablesWith(members);
    });

    it('adds one unread to the broker when the buyer writes, and none to the buyer', () => {
      const plan = planFor(message({ memberIds: members }));
      expect(plan.counting?.increments.map((update) => update.key.userId)).toEqual([BROKER]);
      tables.apply(plan);
      expect(unread(tables, BROKER)).toBe(1);
      expect(unread(tables, BUYER)).toBe(0);
    });

    it("shows the message as the last one on the conversation and on both members' rows", () => {
      tables.apply(planFor(message({ memberIds: members, createdAt: '2026-03-14T02:59:59.000Z' })));
      for (const row of [conversation(tables), membership(tables, BUYER), membership(tables, BROKER)]) {
        expect(row).toMatchObject({
          lastMessageAt: '2026-03-14T02:59:59.000Z',
          lastMessagePreview: '안녕하세요, 은마 84㎡ 아직 있나요?',
        });
      }
    });

    it('does not count a message for a member who has read past it', () => {
      const sent = message({ memberIds: members, createdAt: '2026-03-14T02:59:59.000Z' });
      const plan = planUnreadUpdates({
        message: sent,
        memberIds: members,
        readUpTo: new Map([[BROKER, '2026-03-14T03:00:00.000Z']]),
        now: NOW,
      });
      expect(plan.counting).toBeUndefined();
      tables.apply(plan);
      expect(unread(tables, BROKER)).toBe(0);
    });

    it('counts for a member whose read position is before the message, or null', () => {
      const sent = message({ memberIds: members, createdAt: '2026-03-14T02:59:59.000Z' });
      tables.put(
        'ConversationMember',
        { conversationId: 'conv-1', userId: BROKER },
        { unreadCount: 0, lastReadAt: null, lastMessageAt: EARLIER },
      );
      const plan = planUnreadUpdates({
        message: sent,
        memberIds: members,
        readUpTo: new Map([[BROKER, null]]),
        now: NOW,
      });
      tables.apply(plan);
      expect(unread(tables, BROKER)).toBe(1);
    });

    it('cancels the count when markRead moves past the message after the members were read', () => {
      const sent = message({ memberIds: members, createdAt: '2026-03-14T02:59:59.000Z' });
      const plan = planUnreadUpdates({
        message: sent,
        memberIds: members,
        readUpTo: new Map([[BROKER, '2026-03-14T02:00:00.000Z']]),
        now: NOW,
      });
      // The broker reads up to the message meanwhile.
      tables.put(
        'ConversationMember',
        { conversationId: 'conv-1', userId: BROKER },
        { unreadCount: 0, lastReadAt: '2026-03-14T02:59:59.000Z', lastMessageAt: EARLIER },
      );
      expect(tables.transact(plan.counting!.marker, plan.counting!.increments)).toBe(false);
      expect(unread(tables, BROKER)).toBe(0);
      expect(tables.markers.size).toBe(0);
    });

    it('previews a photo as 사진', () => {
      tables.apply(
        planFor(message({ memberIds: members, kind: 'IMAGE', body: null, image: { key: 'chat/a.jpg' } })),
      );
      expect(conversation(tables)?.lastMessagePreview).toBe('사진');
    });
  });

  describe('in a conversation with three members', () => {
    const members = [BUYER, BROKER, STAFF];
    let tables: FakeChatTables;
    beforeEach(() => {
      tables = tablesWith(members);
    });

    it('adds one unread to each of the two others', () => {
      tables.apply(planFor(message({ memberIds: members, senderId: BROKER })));
      expect([unread(tables, BUYER), unread(tables, BROKER), unread(tables, STAFF)]).toEqual([1, 0, 1]);
    });

    it('counts two messages as two unread', () => {
      tables.apply(planFor(message({ memberIds: members, id: 'msg-1' })));
      tables.apply(
        planFor(message({ memberIds: members, id: 'msg-2', createdAt: '2026-03-14T03:00:00.000Z' })),
      );
      expect([unread(tables, BROKER), unread(tables, STAFF)]).toEqual([2, 2]);
    });

    it('counts a message once when its stream record is processed again', () => {
      const sent = message({ memberIds: members });
      tables.apply(planFor(sent));
      tables.apply(planFor(sent));
      tables.apply(
        planUnreadUpdates({ message: sent, memberIds: members, now: new Date(NOW.getTime() + 60_000) }),
      );
      expect([unread(tables, BUYER), unread(tables, BROKER), unread(tables, STAFF)]).toEqual([0, 1, 1]);
    });

    it('keeps the once-only marker for longer than a stream retries a record', () => {
      const plan = planFor(message({ memberIds: members }));
      expect(plan.counting?.marker).toEqual({
        id: 'unread-counter:msg-1',
        expiration: NOW.getTime() / 1000 + COUNTED_MARKER_SECONDS,
      });
      expect(COUNTED_MARKER_SECONDS).toBeGreaterThan(24 * 60 * 60);
    });

    it('does not write to a member who left after the message was sent', () => {
      tables.rows.delete(`ConversationMember|${JSON.stringify({ conversationId: 'conv-1', userId: STAFF })}`);
      tables.apply(planFor(message({ memberIds: members }), [BUYER, BROKER]));
      expect(membership(tables, STAFF)).toBeUndefined();
      expect(unread(tables, BROKER)).toBe(1);
    });

    it('does not count a message for a member who joined after it was sent', () => {
      tables.apply(planFor(message({ memberIds: [BUYER, BROKER] }), members));
      expect(unread(tables, STAFF)).toBe(0);
      expect(membership(tables, STAFF)?.lastMessageAt).toBe(EARLIER);
    });
  });

  it('does not move the preview back when an older message arrives late', () => {
    const tables = tablesWith([BUYER, BROKER]);
    const newer = message({ id: 'msg-2', createdAt: '2026-03-14T02:59:00.000Z', body: '두 번째' });
    const older = message({ id: 'msg-1', createdAt: '2026-03-14T02:58:00.000Z', body: '첫 번째' });
    tables.apply(planFor(newer));
    tables.apply(planFor(older));
    for (const row of [conversation(tables), membership(tables, BUYER), membership(tables, BROKER)]) {
      expect(row).toMatchObject({ lastMessageAt: '2026-03-14T02:59:00.000Z', lastMessagePreview: '두 번째' });
    }
    // Late, but still unread.
    expect(unread(tables, BROKER)).toBe(2);
  });

  it('updates the preview but counts nothing for a SYSTEM message not marked to notify', () => {
    const tables = tablesWith([BUYER, BROKER]);
    const plan = planFor(message({ kind: 'SYSTEM', senderId: 'system', body: '중개사가 입장했습니다.' }));
    expect(plan.counting).toBeUndefined();
    tables.apply(plan);
    expect([unread(tables, BUYER), unread(tables, BROKER)]).toEqual([0, 0]);
    expect(conversation(tables)?.lastMessagePreview).toBe('중개사가 입장했습니다.');
  });

  it('counts a SYSTEM message marked to notify for every member', () => {
    const tables = tablesWith([BUYER, BROKER]);
    tables.apply(planFor(message({ kind: 'SYSTEM', senderId: 'system', body: '계약서 도착', notify: true })));
    expect([unread(tables, BUYER), unread(tables, BROKER)]).toEqual([1, 1]);
  });
});
