import type { DynamoDBRecord } from 'aws-lambda';
import { AppSyncGraphQLError } from '../shared/appsync-client';
import { unmarshallStreamImage } from '../shared/batch';
import { type ConversationMemberRow, type MessageRow, notifiesMembers } from '../shared/chat-message';
import { PermanentRecordError } from '../shared/errors';
import { logger } from '../shared/logger';
import type { PushRequest } from '../shared/push-request';
import { type PlannedPush, planMessagePush } from './push-plan';
import type { PushStore } from './push-store';
import { recipientBadge } from './recipient-badge';

export interface MessagePushDeps {
  store: PushStore;
  /** Puts the requests on the push queue; throws if any was not queued. */
  queue: (requests: readonly PushRequest[]) => Promise<void>;
  now: () => Date;
}

/** The inserted Message row; a record without a readable one can never be pushed. */
export function insertedMessage(record: DynamoDBRecord): MessageRow {
  const row = unmarshallStreamImage<Partial<MessageRow>>(record, 'NewImage');
  const readable =
    row !== undefined &&
    typeof row.id === 'string' &&
    typeof row.conversationId === 'string' &&
    typeof row.senderId === 'string' &&
    typeof row.createdAt === 'string' &&
    typeof row.kind === 'string' &&
    Array.isArray(row.memberIds);
  if (!readable) throw new PermanentRecordError('A Message stream record without a readable NewImage');
  return row as MessageRow;
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
 * Queues one push per recipient of a new message. Safe to repeat: a retried record queues the
 * same pushIds, which push-sender sends once.
 */
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
