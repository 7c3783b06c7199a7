import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unlessConditionFailed } from '../shared/appsync-client';
import { MEMBER_FIELDS } from '../shared/chat/chat-fields';
import { countedMarkerId, RECOUNTED_FIELDS, recountedMessage } from '../shared/chat/unread';
import { allPages, type DataClient, dataOf, graphqlOf } from '../shared/data-client';
import { documentClient } from '../shared/dynamo';
import type { MemberKey, MemberSnapshot, UnreadResetStore } from './unread-reset';

/**
 * The member row and the conversation's messages through AppSync (the reset is a mutation, so the
 * member's other devices and the other members see it live); the unread counter's markers straight
 * from the idempotency table, strongly consistent.
 */

// Every field: AppSync sends subscribers only what the mutation selected. A document: the typed
// client's update takes no condition, and the reset must not overwrite a count that moved.
export const RESET_UNREAD_COUNT = `mutation ResetUnreadCount(
  $input: UpdateConversationMemberInput!, $condition: ModelConversationMemberConditionInput) {
  updateConversationMember(input: $input, condition: $condition) { ${MEMBER_FIELDS} } }`;

/** DynamoDB BatchGetItem takes at most 100 keys. */
export const BATCH_GET_LIMIT = 100;

/** Some markers could not be read after retries; the record is retried later. */
export class MarkerReadIncompleteError extends Error {
  constructor(unread: number) {
    super(`${unread} unread-counter marker(s) were still unprocessed after retries`);
    this.name = 'MarkerReadIncompleteError';
  }
}

export interface ReceiptStoreOptions {
  data: () => Promise<DataClient>;
  idempotencyTableName: () => string;
  dynamo?: DynamoDBDocumentClient;
  /** Attempts per chunk of markers, including the first. */
  maxAttempts?: number;
  sleep?: (ms: number) => Promise<void>;
}

export function receiptStore(options: ReceiptStoreOptions): UnreadResetStore {
  const dynamo = options.dynamo ?? documentClient;
  const maxAttempts = options.maxAttempts ?? 5;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  /** One chunk of ≤ 100 keys, asking again for UnprocessedKeys with exponential backoff. */
  async function countedIn(tableName: string, ids: readonly string[]): Promise<string[]> {
    const found: string[] = [];
    let keys: Record<string, unknown>[] = ids.map((id) => ({ id: countedMarkerId(id) }));
    for (let attempt = 1; keys.length > 0; attempt++) {
      if (attempt > maxAttempts) throw new MarkerReadIncompleteError(keys.length);
      if (attempt > 1) await sleep(50 * 2 ** (attempt - 2));
      const result = await dynamo.send(
        new BatchGetCommand({
          RequestItems: {
            [tableName]: {
              Keys: keys,
              // The reset reads the member row before the markers: these must not be stale.
              ConsistentRead: true,
              ProjectionExpression: '#id',
              ExpressionAttributeNames: { '#id': 'id' },
            },
          },
        }),
      );
      for (const item of result.Responses?.[tableName] ?? []) found.push(String(item.id));
      keys = result.UnprocessedKeys?.[tableName]?.Keys ?? [];
    }
    return found;
  }

  return {
    async member({ conversationId, userId }) {
      const { models } = await options.data();
      const row = await dataOf(
        'GetMemberUnread',
        models.ConversationMember.get(
          { conversationId, userId },
          { selectionSet: ['conversationId', 'userId', 'unreadCount', 'lastReadAt', 'updatedAt'] },
        ),
      );
      return row
        ? { unreadCount: row.unreadCount, lastReadAt: row.lastReadAt, updatedAt: row.updatedAt }
        : undefined;
    },

    async messagesAfter(conversationId, after) {
      const { models } = await options.data();
      const rows = await allPages('ListMessagesToRecount', (nextToken) =>
        models.Message.listMessagesByConversation(
          { conversationId, ...(after === undefined ? {} : { createdAt: { gt: after } }) },
          {
            limit: 1000,
            nextToken,
            selectionSet: RECOUNTED_FIELDS,
          },
        ),
      );
      return rows.map(recountedMessage);
    },

    async countedMessageIds(messageIds) {
      const tableName = options.idempotencyTableName();
      const markerIds = new Set<string>();
      const unique = [...new Set(messageIds)];
      for (let start = 0; start < unique.length; start += BATCH_GET_LIMIT) {
        for (const id of await countedIn(tableName, unique.slice(start, start + BATCH_GET_LIMIT)))
          markerIds.add(id);
      }
      return new Set(unique.filter((id) => markerIds.has(countedMarkerId(id))));
    },

    async setUnreadCount(key: MemberKey, unreadCount: number, seen: MemberSnapshot) {
      const written = await unlessConditionFailed(
        graphqlOf(await options.data(), 'ResetUnreadCount', RESET_UNREAD_COUNT, {
          input: { ...key, unreadCount },
          condition: {
            unreadCount: { eq: seen.unreadCount },
            ...(seen.lastReadAt ? { lastReadAt: { eq: seen.lastReadAt } } : {}),
            ...(seen.updatedAt ? { updatedAt: { eq: seen.updatedAt } } : {}),
          },
        }),
      );
      return written !== undefined;
    },
  };
}
