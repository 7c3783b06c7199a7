import { type DynamoDBDocumentClient, GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { AppSyncClient } from '../shared/appsync-client';
import type { RecountedMessage } from '../shared/chat/unread';
import { documentClient } from '../shared/dynamo';
import { hasOverdueUnread, type ReminderMember } from './reminder-plan';
import type { MemberPage, MemberPosition, SweepStore } from './reminder-sweep';

/**
 * The sweep's reads: ConversationMember rows by a daily Scan of the model table (filtered to
 * unreadCount > 0: one pass over the table a day instead of a query per user), the conversation's
 * messages through AppSync, and the day's progress in the idempotency table.
 */

/** Only what the decision needs (never the preview text). */
export function unreadMemberPages(options: { tableName: () => string; dynamo?: DynamoDBDocumentClient }) {
  const dynamo = options.dynamo ?? documentClient;
  return async (position: MemberPosition | undefined, limit: number): Promise<MemberPage> => {
    const result = await dynamo.send(
      new ScanCommand({
        TableName: options.tableName(),
        Limit: limit,
        ...(position ? { ExclusiveStartKey: position } : {}),
        FilterExpression: '#unreadCount > :zero',
        ProjectionExpression: '#conversationId, #userId, #unreadCount, #lastReadAt, #muted, #mutedUntil',
        ExpressionAttributeNames: {
          '#conversationId': 'conversationId',
          '#userId': 'userId',
          '#unreadCount': 'unreadCount',
          '#lastReadAt': 'lastReadAt',
          '#muted': 'muted',
          '#mutedUntil': 'mutedUntil',
        },
        ExpressionAttributeValues: { ':zero': 0 },
      }),
    );
    return {
      members: (result.Items ?? []) as ReminderMember[],
      ...(result.LastEvaluatedKey ? { next: result.LastEvaluatedKey } : {}),
    };
  };
}

export const LIST_MESSAGES_SENT_BETWEEN = `query ListMessagesSentBetween(
  $conversationId: ID!, $createdAt: ModelStringKeyConditionInput, $nextToken: String) {
  listMessagesByConversation(conversationId: $conversationId, createdAt: $createdAt, limit: 100,
    nextToken: $nextToken) {
    items { id createdAt senderId memberIds kind notify deletedAt } nextToken } }`;

/** Enough for any real backlog; past it the member is left for tomorrow rather than the run stalled. */
export const MAX_MESSAGE_PAGES = 10;

interface MessagePage {
  listMessagesByConversation: { items: (RecountedMessage | null)[]; nextToken?: string | null } | null;
}

/** Pages through the messages sent in (after, cutoff], oldest first, until one counts as unread. */
export function overdueUnread(options: { appSync: () => AppSyncClient }) {
  return async (member: ReminderMember, check: { after?: string; cutoff: string }): Promise<boolean> => {
    const createdAt = check.after ? { between: [check.after, check.cutoff] } : { le: check.cutoff };
    let nextToken: string | null | undefined;
    for (let page = 0; page < MAX_MESSAGE_PAGES; page++) {
      const data = await options.appSync().graphql<MessagePage>(LIST_MESSAGES_SENT_BETWEEN, {
        conversationId: member.conversationId,
        createdAt,
        nextToken,
      });
      const messages = (data.listMessagesByConversation?.items ?? []).filter(
        (message): message is RecountedMessage => message !== null,
      );
      // `between` includes `after`, the last read message itself: hasOverdueUnread leaves it out.
      if (hasOverdueUnread(messages, member.userId, check)) return true;
      nextToken = data.listMessagesByConversation?.nextToken;
      if (!nextToken) return false;
    }
    return false;
  };
}

export const sweepKey = (day: string) => ({ id: `chat-reminder:sweep:${day}` });

/** A day's record outlives the day's runs, no more. */
export const SWEEP_RETENTION_SECONDS = 3 * 24 * 60 * 60;

export function sweepStore(options: {
  tableName: () => string;
  dynamo?: DynamoDBDocumentClient;
}): SweepStore {
  const dynamo = options.dynamo ?? documentClient;
  const put = (day: string, now: Date, fields: Record<string, unknown>) =>
    dynamo.send(
      new PutCommand({
        TableName: options.tableName(),
        Item: {
          ...sweepKey(day),
          ...fields,
          updatedAt: now.toISOString(),
          expiration: Math.floor(now.getTime() / 1000) + SWEEP_RETENTION_SECONDS,
        },
      }),
    );
  return {
    async load(day) {
      const result = await dynamo.send(
        new GetCommand({ TableName: options.tableName(), Key: sweepKey(day), ConsistentRead: true }),
      );
      const item = result.Item;
      return {
        done: item?.done === true,
        ...(item?.position ? { position: item.position as MemberPosition } : {}),
      };
    },
    async save(day, position, now) {
      await put(day, now, { done: false, ...(position ? { position } : {}) });
    },
    async finish(day, now) {
      await put(day, now, { done: true });
    },
  };
}
