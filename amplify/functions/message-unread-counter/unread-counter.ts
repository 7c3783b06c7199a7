import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { unmarshallStreamImage } from '../shared/batch';
import { instantMs, type MessageRow, messagePreview } from '../shared/chat/chat-message';
import { type DataClient, dataClient } from '../shared/data-client';
import { PermanentRecordError } from '../shared/errors';
import { logger } from '../shared/logger';
import { planUnreadUpdates, type UnreadPlan } from './unread-plan';
import { type UnreadStore, unreadStore } from './unread-store';

/** Members leaving or concurrent messages can cancel the transaction; past this, the record is retried. */
export const MAX_COUNTING_ATTEMPTS = 3;
const CONFLICT_BACKOFF_MS = 50;

export interface UnreadCounterOptions {
  /** Defaults to the function's typed data client, configured on first use. */
  data?: () => Promise<DataClient>;
  dynamo?: DynamoDBDocumentClient;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
}

/** The Message row of an INSERT record; a PermanentRecordError when it is missing or unusable. */
export function insertedMessage(record: DynamoDBRecord): MessageRow {
  let message: MessageRow | undefined;
  try {
    message = unmarshallStreamImage<MessageRow>(record, 'NewImage');
  } catch (error) {
    throw new PermanentRecordError('The Message NewImage cannot be unmarshalled', { cause: error });
  }
  if (!message)
    throw new PermanentRecordError('The record has no NewImage: the stream must carry new images');
  const { id, conversationId, senderId, createdAt, memberIds } = message;
  const usable =
    [id, conversationId, senderId].every((value) => typeof value === 'string' && value !== '') &&
    instantMs(createdAt) !== undefined &&
    Array.isArray(memberIds);
  if (!usable) {
    throw new PermanentRecordError(
      `Message ${typeof id === 'string' ? id : '(no id)'} lacks its ids, members or creation time`,
    );
  }
  return message;
}

/**
 * Counts a new message as unread for the other members exactly once (an idempotency marker in the
 * same transaction as the increments), then shows it as the last message through AppSync. The
 * second part is idempotent and always runs, so a retried record repairs a run that failed after
 * counting.
 */
export function createUnreadCounter(options: UnreadCounterOptions = {}) {
  const store: UnreadStore = unreadStore({
    data: options.data ?? dataClient,
    ...(options.dynamo ? { dynamo: options.dynamo } : {}),
  });
  const now = options.now ?? (() => new Date());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  async function count(message: MessageRow): Promise<UnreadPlan> {
    const ids = { messageId: message.id, conversationId: message.conversationId };
    for (let attempt = 1; ; attempt++) {
      const members = await store.members(message.conversationId);
      const plan = planUnreadUpdates({
        message,
        memberIds: members.map((member) => member.userId),
        readUpTo: new Map(members.map((member) => [member.userId, member.lastReadAt])),
        now: now(),
      });
      if (!plan.counting) return plan;
      const outcome = await store.count(plan.counting);
      if (outcome === 'counted' || outcome === 'already-counted') {
        logger.info('Unread counted', { ...ids, outcome, recipients: plan.counting.increments.length });
        return plan;
      }
      if (attempt >= MAX_COUNTING_ATTEMPTS) {
        throw new Error(`Counting message ${message.id} was cancelled (${outcome}) ${attempt} times`);
      }
      logger.warn('Unread counting cancelled; planning again', { ...ids, outcome, attempt });
      if (outcome === 'conflict') await sleep(CONFLICT_BACKOFF_MS * attempt * (1 + Math.random()));
    }
  }

  async function show(message: MessageRow, plan: UnreadPlan): Promise<void> {
    const shown = { lastMessageAt: message.createdAt, lastMessagePreview: messagePreview(message) };
    const recipients = new Set(plan.counting?.increments.map((update) => update.key.userId));
    const writes = plan.previews.map(async (preview) => {
      if (preview.model === 'Conversation') {
        await store.showOnConversation(message.conversationId, shown);
        return;
      }
      const key = { conversationId: message.conversationId, userId: preview.key.userId! };
      if (await store.showOnMember(key, shown)) return;
      // A newer message is shown already, but subscribers still need the row's new unreadCount.
      if (recipients.has(key.userId)) await store.touchMember(key);
    });
    const failed = (await Promise.allSettled(writes)).find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
  }

  async function countMessage(message: MessageRow): Promise<void> {
    await show(message, await count(message));
  }

  return {
    countMessage,
    /** A Message stream record; anything but an INSERT is ignored. */
    async countRecord(record: DynamoDBRecord): Promise<void> {
      if (record.eventName !== 'INSERT') return;
      await countMessage(insertedMessage(record));
    },
  };
}
