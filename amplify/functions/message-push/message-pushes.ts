import { AppSyncGraphQLError } from '../shared/appsync-client';
import { type ConversationMemberRow, type MessageRow, notifiesMembers } from '../shared/chat/chat-message';
import { MalformedRecordError } from '../shared/errors';
import { logger } from '../shared/logger';
import type { PushRequest } from '../shared/push/push-request';
import { type PlannedPush, planMessagePush } from './push-plan';
import type { PushStore } from './push-store';
import { recipientBadge } from './recipient-badge';

export interface MessagePushDeps {
  store: PushStore;
  /** Puts the requests on the push queue; throws if any was not queued. */
  queue: (requests: readonly PushRequest[]) => Promise<void>;
  now: () => Date;
}

/**
 * The message a `message.sent` event (docs/events.md, raw SNS delivery: the body is the envelope)
 * is about. The queue's subscription lets only that type through; anything else can never push.
 */
export function sentMessageId(body: string): string {
  let event: unknown;
  try {
    event = JSON.parse(body);
  } catch {
    throw new MalformedRecordError('A message-push queue message that is not JSON');
  }
  const { type, payload } = (event ?? {}) as { type?: unknown; payload?: { messageId?: unknown } | null };
  if (type !== 'message.sent' || typeof payload?.messageId !== 'string' || payload.messageId === '') {
    throw new MalformedRecordError(`Not a message.sent event with a messageId (type ${String(type)})`);
  }
  return payload.messageId;
}

export function toPushRequest(push: PlannedPush, message: MessageRow): PushRequest {
  return {
    version: 1,
    kind: 'alert',
    pushId: push.pushId,
    recipientId: push.recipientId,
    title: push.title,
    body: push.body,
    ...(push.badge === undefined ? {} : { badge: push.badge }),
    deepLink: push.deepLink,
    collapseKey: push.collapseKey,
    threadId: message.conversationId,
    data: push.data,
    createdAt: message.createdAt,
  };
}

/** The recipient's badge, or undefined (the app keeps its own) when AppSync refused the query. */
async function storedBadge(store: PushStore, userId: string): Promise<number | undefined> {
  try {
    return await store.badge(userId);
  } catch (error) {
    // A resolver error repeats on every retry: push without a badge rather than not at all.
    // Anything else (unavailable, throttled) fails the record, and the retry queues the same pushIds.
    if (!(error instanceof AppSyncGraphQLError)) throw error;
    logger.warn('Badge unavailable; pushing without one', { recipientId: userId, error });
    return undefined;
  }
}

async function recipientBadges(
  store: PushStore,
  message: MessageRow,
  recipients: readonly ConversationMemberRow[],
): Promise<Map<string, number>> {
  // Before the totals: see recipientBadge.
  const counted = await store.isCounted(message.id);
  const badges = new Map<string, number>();
  await Promise.all(
    recipients.map(async (member) => {
      const total = await storedBadge(store, member.userId);
      if (total !== undefined) badges.set(member.userId, recipientBadge({ total, counted, member, message }));
    }),
  );
  return badges;
}

/**
 * Queues one push per recipient of a sent message, read by its id: the event carries what the
 * Legacy API needs, not who may read the message or whether it notifies. Safe to repeat: a
 * redelivered or republished event queues the same pushIds, which push-sender sends once.
 */
export async function queueSentMessagePushes(
  messageId: string,
  deps: MessagePushDeps,
): Promise<PushRequest[]> {
  const message = await deps.store.message(messageId);
  if (!message) {
    // Read consistently after its INSERT published the event: only a hard delete (account deletion) gets here.
    logger.info('Sent message no longer exists; nothing to push', { messageId });
    return [];
  }
  return queueMessagePushes(message, deps);
}

/** Queues one push per recipient of a new message (a deleted one pushes nothing). */
export async function queueMessagePushes(message: MessageRow, deps: MessagePushDeps): Promise<PushRequest[]> {
  if (!notifiesMembers(message)) return [];
  const [members, sender] = await Promise.all([
    deps.store.members(message.conversationId),
    deps.store.senderProfile(message.senderId),
  ]);
  const now = deps.now();
  const input = { message, members, sender, now };
  const recipientIds = new Set(
    planMessagePush({ ...input, badges: new Map() }).map((push) => push.recipientId),
  );
  if (recipientIds.size === 0) return [];

  const recipients = members.filter((member) => recipientIds.has(member.userId));
  const badges = await recipientBadges(deps.store, message, recipients);
  const requests = planMessagePush({ ...input, badges }).map((push) => toPushRequest(push, message));
  await deps.queue(requests);
  // Ids only: titles and bodies are nicknames and message text.
  logger.info('Queued chat pushes', {
    messageId: message.id,
    conversationId: message.conversationId,
    pushes: requests.length,
  });
  return requests;
}
