import type { ConversationMemberRow, MessageRow } from '../../amplify/functions/shared/chat/chat-message';

export const NOW = new Date('2026-03-14T03:00:00.000Z');
export const BUYER = 'buyer-6b0e';
export const BROKER = 'broker-301';
export const STAFF = 'staff-9';

/** Minutes from NOW as an ISO instant (negative: in the past). */
export const minutesFromNow = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000).toISOString();

export function message(overrides: Partial<MessageRow> = {}): MessageRow {
  return {
    id: 'msg-1',
    conversationId: 'conv-1',
    createdAt: '2026-03-14T02:59:59.000Z',
    senderId: BUYER,
    memberIds: [BUYER, BROKER],
    kind: 'TEXT',
    body: '안녕하세요, 은마 84㎡ 아직 있나요?',
    ...overrides,
  };
}

export function member(
  userId: string,
  overrides: Partial<ConversationMemberRow> = {},
): ConversationMemberRow {
  return {
    conversationId: 'conv-1',
    userId,
    memberIds: [BUYER, BROKER, STAFF],
    role: userId === BUYER ? 'BUYER' : userId === BROKER ? 'BROKER' : 'STAFF',
    unreadCount: 0,
    lastMessageAt: '2026-03-14T02:00:00.000Z',
    muted: false,
    ...overrides,
  };
}
