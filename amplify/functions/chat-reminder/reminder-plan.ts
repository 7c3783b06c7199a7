import { type ConversationMemberRow, instantMs } from '../shared/chat/chat-message';
import { chatDeepLink, isMuted } from '../shared/chat/chat-push';
import { countsForReader, type RecountedMessage } from '../shared/chat/unread';
import {
  expiresAfterDays,
  type NewNotification,
  notificationId,
} from '../shared/notifications/notification-create';

/**
 * Which memberships get today's chat reminder: something has been unread for at least N hours,
 * and the member has not muted the conversation. One reminder per conversation and member per
 * Korean calendar day, whatever runs how often.
 */

/** What the sweep reads of a ConversationMember row. */
export type ReminderMember = Pick<
  ConversationMemberRow,
  'conversationId' | 'userId' | 'unreadCount' | 'lastReadAt' | 'muted' | 'mutedUntil'
>;

export type ReminderDecision =
  | { kind: 'skip'; reason: 'nothing-unread' | 'muted' | 'read-recently' }
  /** Due if a message that counts for the member was sent after `after` and at or before `cutoff`. */
  | { kind: 'check'; after?: string; cutoff: string };

export const REMINDER_TITLE = '읽지 않은 채팅'; // "unread chat"
/** The inbox keeps a reminder this long (the Notification row's TTL): yesterday's reminder is stale soon. */
export const REMINDER_RETENTION_DAYS = 14;

const HOUR_MS = 60 * 60 * 1000;
const KST_OFFSET_MS = 9 * HOUR_MS;

/** The Korean calendar day (Asia/Seoul, UTC+9 all year) of an instant, `yyyy-mm-dd`. */
export function kstDay(instant: Date): string {
  return new Date(instant.getTime() + KST_OFFSET_MS).toISOString().slice(0, 10);
}

/**
 * What the member row decides alone: nothing unread, muted, or read within the N hours (every
 * unread message came after lastReadAt, so none is that old yet). Otherwise the messages decide;
 * the row's lastMessageAt is no shortcut: it is written after the unread increment, so it can lag.
 */
export function reminderDecision(member: ReminderMember, now: Date, afterHours: number): ReminderDecision {
  if (!(member.unreadCount > 0)) return { kind: 'skip', reason: 'nothing-unread' };
  if (isMuted(member, now)) return { kind: 'skip', reason: 'muted' };
  const cutoff = now.getTime() - afterHours * HOUR_MS;
  const lastRead = instantMs(member.lastReadAt);
  if (lastRead !== undefined && lastRead >= cutoff) return { kind: 'skip', reason: 'read-recently' };
  return {
    kind: 'check',
    ...(lastRead !== undefined ? { after: new Date(lastRead).toISOString() } : {}),
    cutoff: new Date(cutoff).toISOString(),
  };
}

/** Whether one of these messages counts as unread for the member and was sent in (after, cutoff]. */
export function hasOverdueUnread(
  messages: readonly RecountedMessage[],
  readerId: string,
  check: { after?: string; cutoff: string },
): boolean {
  const after = instantMs(check.after) ?? Number.NEGATIVE_INFINITY;
  const cutoff = instantMs(check.cutoff)!;
  return messages.some((message) => {
    const sentAt = instantMs(message.createdAt);
    return sentAt !== undefined && sentAt > after && sentAt <= cutoff && countsForReader(message, readerId);
  });
}

/** "3 unread messages"; a very long backlog reads 999+. */
export function reminderBody(unreadCount: number): string {
  return `읽지 않은 메시지가 ${unreadCount > 999 ? '999+' : unreadCount}개 있어요`;
}

/** The id names the conversation, the member and the Korean day: a second one that day is the same row. */
export const reminderNotificationId = (conversationId: string, userId: string, day: string) =>
  notificationId(`chat-reminder:${conversationId}:${userId}:${day}`);

export function reminderNotification(member: ReminderMember, now: Date): NewNotification {
  return {
    id: reminderNotificationId(member.conversationId, member.userId, kstDay(now)),
    userId: member.userId,
    type: 'CHAT_REMINDER',
    title: REMINDER_TITLE,
    body: reminderBody(member.unreadCount),
    deepLink: chatDeepLink(member.conversationId),
    subjectId: member.conversationId,
    createdAt: now.toISOString(),
    expiresAt: expiresAfterDays(now, REMINDER_RETENTION_DAYS),
  };
}
