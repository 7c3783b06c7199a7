import { type ConversationMemberRow, instantMs, type MessageRow } from '../shared/chat/chat-message';

/** Whether the member had not read up to the message yet (no lastReadAt counts as unread). */
export function isUnreadBy(
  member: Pick<ConversationMemberRow, 'lastReadAt'>,
  message: Pick<MessageRow, 'createdAt'>,
): boolean {
  const readAt = instantMs(member.lastReadAt);
  const sentAt = instantMs(message.createdAt);
  return readAt === undefined || sentAt === undefined || readAt < sentAt;
}

/**
 * The badge a push for `message` should carry, from the stored badge total. The unread counter
 * reads the Message stream on its own, so the total may not include this message yet: the
 * handler reads the counter's marker (`counted`) before the total. Marker absent → the total
 * misses the message, add it. This overcounts by one only when the counter commits between the
 * two reads, and never undercounts. With the marker present the total includes it, except that
 * AppSync reads the user's memberships from an index that may lag the table by a moment: a push
 * for an unread message never shows less than 1.
 */
export function recipientBadge(input: {
  total: number;
  counted: boolean;
  member: Pick<ConversationMemberRow, 'lastReadAt'>;
  message: Pick<MessageRow, 'createdAt'>;
}): number {
  if (!isUnreadBy(input.member, input.message)) return input.total;
  return input.counted ? Math.max(input.total, 1) : input.total + 1;
}
