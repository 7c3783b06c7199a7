import type { ConversationStatus } from '../shared/chat/conversation';
import type { MessageBodyPolicy } from './deletion-settings';

/**
 * What leaving a conversation changes when a member deletes their account: the conversation,
 * the other members' rows and every message lose the user's id, and the messages they sent are
 * anonymized. Each function returns the update to write, or undefined when the row already shows
 * the departure, so a retried conversation writes nothing twice.
 */

/** "A user who deleted their account left the conversation." */
export const MEMBER_LEFT_BODY = '탈퇴한 사용자가 대화방을 나갔습니다.';
/** The sender of a deleted user's messages: no user has this id (subs are UUIDs). */
export const DELETED_SENDER_ID = 'deleted-user';
/** "Deleted user": what the app shows instead of the sender's nickname. */
export const DELETED_SENDER_LABEL = '탈퇴한 사용자';

/** Names the system message by the fact it reports, so a retry posts it once. */
export const memberLeftKey = (conversationId: string, userId: string) =>
  `member-left:${conversationId}:${userId}`;

const without = (ids: readonly string[] | null | undefined, userId: string) =>
  (ids ?? []).filter((id) => id !== userId);

/** `updatedAt` is the row's version: each write is conditional on it (shared/optimistic-update.ts). */
export interface ConversationState {
  id: string;
  status: ConversationStatus;
  memberIds: string[];
  buyerId?: string | null;
  dedupeKey?: string | null;
  updatedAt?: string | null;
}

export interface ConversationDeparture {
  id: string;
  memberIds: string[];
  buyerId?: null;
  dedupeKey?: string;
  status?: 'CLOSED';
}

/** The members who stay: the ones the "left" message is for. */
export function remainingMembers(memberIds: readonly string[] | null | undefined, userId: string): string[] {
  return without(memberIds, userId);
}

/**
 * The conversation without the user; closed once fewer than two members remain. The dedupe key
 * names the buyer: their id in it becomes DELETED_SENDER_ID, so no row keeps the deleted user's id
 * (the conversation's id, a digest of the old key, stays as it is).
 */
export function conversationDeparture(
  conversation: ConversationState,
  userId: string,
): ConversationDeparture | undefined {
  const isBuyer = conversation.buyerId === userId;
  const keyNamesUser = conversation.dedupeKey?.includes(userId) === true;
  if (!conversation.memberIds.includes(userId) && !isBuyer && !keyNamesUser) return undefined;
  const memberIds = without(conversation.memberIds, userId);
  return {
    id: conversation.id,
    memberIds,
    ...(isBuyer ? { buyerId: null } : {}),
    ...(keyNamesUser ? { dedupeKey: conversation.dedupeKey!.split(userId).join(DELETED_SENDER_ID) } : {}),
    ...(memberIds.length < 2 && conversation.status !== 'CLOSED' ? { status: 'CLOSED' as const } : {}),
  };
}

export interface MemberState {
  conversationId: string;
  userId: string;
  memberIds?: string[] | null;
  updatedAt?: string | null;
}

export interface MemberDeparture {
  conversationId: string;
  userId: string;
  memberIds: string[];
}

/** Another member's row without the user in its memberIds (the user's own row is deleted instead). */
export function memberDeparture(member: MemberState, userId: string): MemberDeparture | undefined {
  if (member.userId === userId || !member.memberIds?.includes(userId)) return undefined;
  return {
    conversationId: member.conversationId,
    userId: member.userId,
    memberIds: without(member.memberIds, userId),
  };
}

export interface MessageState {
  id: string;
  senderId?: string | null;
  memberIds?: string[] | null;
  updatedAt?: string | null;
}

export interface MessageDeparture {
  id: string;
  memberIds: string[];
  senderId?: string;
  senderLabel?: string;
  clientMessageId?: null;
  body?: null;
  image?: null;
  listing?: null;
}

/**
 * Every message loses the user's id from memberIds; one they sent is anonymized in the same write
 * (so a retry can no longer mistake it for theirs). Its text stays unless the policy is CLEAR,
 * which also drops the photo and the listing card.
 */
export function messageDeparture(
  message: MessageState,
  userId: string,
  policy: MessageBodyPolicy,
): MessageDeparture | undefined {
  const sent = message.senderId === userId;
  if (!sent && !message.memberIds?.includes(userId)) return undefined;
  return {
    id: message.id,
    memberIds: without(message.memberIds, userId),
    ...(sent
      ? {
          senderId: DELETED_SENDER_ID,
          senderLabel: DELETED_SENDER_LABEL,
          clientMessageId: null,
          ...(policy === 'CLEAR' ? { body: null, image: null, listing: null } : {}),
        }
      : {}),
  };
}
