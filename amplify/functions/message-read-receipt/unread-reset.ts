import { COUNTED_MARKER_SECONDS } from '../message-unread-counter/unread-plan';
import { instantMs, type MessageRow, notifiesMembers } from '../shared/chat-message';

/**
 * After a read, a member's unreadCount becomes the number of messages after their lastReadAt that
 * the unread counter has counted for them. Messages it has not counted yet are left out: it adds
 * them itself when it gets to them.
 *
 * Why the write is exact although the counter runs concurrently:
 * - the counter's increments are +1, committed in one transaction with the message's marker, so a
 *   message's marker exists exactly when its +1 has landed;
 * - unreadCount only ever goes up, except through this function, and the records of one member row
 *   reach this function in order, on one shard, one at a time;
 * - the member row is read first, the markers after it (strongly consistent), and the write is
 *   conditional on the row being as read. So when the write applies, no increment landed since the
 *   read, and every increment before the read has its marker among those we found.
 * AppSync reads the row eventually consistently; a read that predates our own previous reset could
 * see the same unreadCount again after increments (A→B→A). The condition on updatedAt, which every
 * write to the row changes, rules that out.
 * Known gap: the messages are listed from the conversation index, which can lag the table by a
 * moment; a message counted but not yet listed is missed (one unread fewer) until the next read.
 */

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

/** What the reset needs of the member row, as read through AppSync. */
export interface MemberSnapshot {
  unreadCount: number;
  lastReadAt?: string | null;
  updatedAt?: string | null;
}

export interface MemberKey {
  conversationId: string;
  userId: string;
}

export interface UnreadResetStore {
  /** The member row now; undefined once the member has left. */
  member(key: MemberKey): Promise<MemberSnapshot | undefined>;
  /** The conversation's messages created after `after` (all of them without), every page. */
  messagesAfter(conversationId: string, after: string | undefined): Promise<RecountedMessage[]>;
  /** Of these message ids, the ones whose unread-counter marker exists. */
  countedMessageIds(messageIds: readonly string[]): Promise<Set<string>>;
  /** Sets unreadCount unless the row changed since `seen`; false when its condition failed. */
  setUnreadCount(key: MemberKey, unreadCount: number, seen: MemberSnapshot): Promise<boolean>;
}

/**
 * The counter's marker lives COUNTED_MARKER_SECONDS from when it counted the message, which is
 * within the hour after the message was sent (the stream binding's max record age). Older than
 * this, the marker may be gone (TTL) and the counter is long done with the message: it counts.
 */
export const SETTLED_AFTER_MS = (COUNTED_MARKER_SECONDS - 60 * 60) * 1000;

/** Whether a message adds to the reader's unread count: notifying, from someone else, sent to them. */
export function countsForReader(message: RecountedMessage, readerId: string): boolean {
  return notifiesMembers(message) && message.senderId !== readerId && message.memberIds.includes(readerId);
}

/**
 * The messages that count for the reader, split into those certainly counted by now (`settled`,
 * too old for the counter to still be working on them) and those whose marker decides.
 */
export function unreadCandidates(
  readerId: string,
  messages: readonly RecountedMessage[],
  now: Date,
): { settled: number; markerDecides: string[] } {
  let settled = 0;
  const markerDecides: string[] = [];
  for (const message of messages) {
    if (!countsForReader(message, readerId)) continue;
    const sentAt = instantMs(message.createdAt) ?? now.getTime();
    if (now.getTime() - sentAt > SETTLED_AFTER_MS) settled += 1;
    else markerDecides.push(message.id);
  }
  return { settled, markerDecides };
}

/** Message createdAt values are toISOString's; compare the key condition in the same format. */
function keyInstant(lastReadAt: string | null | undefined): string | undefined {
  const ms = instantMs(lastReadAt);
  return ms === undefined ? undefined : new Date(ms).toISOString();
}

/** Another write kept landing between our read and our write; the record is retried later. */
export class UnreadResetConflictError extends Error {
  constructor(attempts: number) {
    super(`The member row changed during each of ${attempts} unread resets`);
    this.name = 'UnreadResetConflictError';
  }
}

export interface UnreadResetOptions {
  now: () => Date;
  maxAttempts?: number;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Recounts the member's unread messages and writes the count if it differs. Returns the row's
 * unreadCount afterwards, or undefined when the row is gone.
 */
export async function resetUnread(
  key: MemberKey,
  store: UnreadResetStore,
  options: UnreadResetOptions,
): Promise<number | undefined> {
  const maxAttempts = options.maxAttempts ?? 5;
  const sleep = options.sleep ?? defaultSleep;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    // An increment landed between our read and our write: back off a little, then read again.
    if (attempt > 1) await sleep(25 * 2 ** (attempt - 2));
    // The row first, the markers after: see the comment at the top.
    const member = await store.member(key);
    if (!member) return undefined;
    const messages = await store.messagesAfter(key.conversationId, keyInstant(member.lastReadAt));
    const { settled, markerDecides } = unreadCandidates(key.userId, messages, options.now());
    const counted = markerDecides.length > 0 ? await store.countedMessageIds(markerDecides) : new Set();
    const unread = settled + counted.size;
    if (unread === member.unreadCount) return unread;
    if (await store.setUnreadCount(key, unread, member)) return unread;
  }
  throw new UnreadResetConflictError(maxAttempts);
}
