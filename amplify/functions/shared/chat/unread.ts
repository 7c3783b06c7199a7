import { type MessageRow, notifiesMembers } from './chat-message';

/**
 * What the unread counter, the read receipt and the reminder agree on: the marker the counter
 * leaves on each message it counted, and which messages count for a reader.
 */

/** Stream records are retried for at most a day (max record age); the marker outlives that. */
export const COUNTED_MARKER_SECONDS = 2 * 24 * 60 * 60;

export const countedMarkerId = (messageId: string) => `unread-counter:${messageId}`;

export type RecountedMessage = Pick<
  MessageRow,
  'id' | 'createdAt' | 'senderId' | 'memberIds' | 'kind' | 'notify' | 'deletedAt'
>;

/** What a recount reads of each Message row, as a typed-client selection set. */
export const RECOUNTED_FIELDS = [
  'id',
  'createdAt',
  'senderId',
  'memberIds',
  'kind',
  'notify',
  'deletedAt',
] as const;

/** A Message row as the typed client reads it (read-only arrays), as a plain RecountedMessage. */
export function recountedMessage(
  row: Omit<RecountedMessage, 'memberIds'> & { memberIds: readonly string[] },
): RecountedMessage {
  const { id, createdAt, senderId, memberIds, kind, notify, deletedAt } = row;
  return { id, createdAt, senderId, memberIds: [...memberIds], kind, notify, deletedAt };
}

/** Whether a message adds to the reader's unread count: notifying, from someone else, sent to them. */
export function countsForReader(message: RecountedMessage, readerId: string): boolean {
  return notifiesMembers(message) && message.senderId !== readerId && message.memberIds.includes(readerId);
}
