import { type DynamoDBDocumentClient, GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { RECOUNTED_FIELDS, recountedMessage } from '../shared/chat/unread';
import { type DataClient, pageOf } from '../shared/data-client';
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

/** Enough for any real backlog; past it the member is left for tomorrow rather than the run stalled. */
export const MAX_MESSAGE_PAGES = 10;

/** Pages through the messages sent in (after, cutoff], oldest first, until one counts as unread. */
export function overdueUnread(options: { data: () => Promise<DataClient> }) {
  return async (member: ReminderMember, check: { after?: string; cutoff: string }): Promise<boolean> => {
    const { models } = await options.data();
    const createdAt: { between: [string, string] } | { le: string } = check.after
      ? { between: [check.after, check.cutoff] }
      : { le: check.cutoff };
    let nextToken: string | undefined;
    for (let page = 0; page < MAX_MESSAGE_PAGES; page++) {
      const { items, nextToken: next } = await pageOf(
        'ListMessagesSentBetween',
        models.Message.listMessagesByConversation(
          { conversationId: member.conversationId, createdAt },
          {
            limit: 100,
            nextToken,
            selectionSet: RECOUNTED_FIELDS,
          },
        ),
      );
      const messages = items.map(recountedMessage);
      // `between` includes `after`, the last read message itself: hasOverdueUnread leaves it out.
      if (hasOverdueUnread(messages, member.userId, check)) return true;
      if (!next) return false;
      nextToken = next;
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
