import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type AppSyncClient, isConditionalCheckFailure } from '../shared/appsync-client';
import { MEMBER_FIELDS } from '../shared/chat/chat-fields';
import { countedMarkerId, type RecountedMessage } from '../shared/chat/unread';
import { documentClient } from '../shared/dynamo';
import type { MemberKey, MemberSnapshot, UnreadResetStore } from './unread-reset';

/**
 * The member row and the conversation's messages through AppSync (the reset is a mutation, so the
 * member's other devices and the other members see it live); the unread counter's markers straight
 * from the idempotency table, strongly consistent.
 */

export const GET_MEMBER_UNREAD = `query GetMemberUnread($conversationId: ID!, $userId: ID!) {
  getConversationMember(conversationId: $conversationId, userId: $userId) {
    conversationId userId unreadCount lastReadAt updatedAt } }`;

export const LIST_MESSAGES_TO_RECOUNT = `query ListMessagesToRecount(
  $conversationId: ID!, $createdAt: ModelStringKeyConditionInput, $nextToken: String) {
  listMessagesByConversation(conversationId: $conversationId, createdAt: $createdAt, limit: 1000,
    nextToken: $nextToken) {
    items { id createdAt senderId memberIds kind notify deletedAt } nextToken } }`;

// Every field: AppSync sends subscribers only what the mutation selected.
export const RESET_UNREAD_COUNT = `mutation ResetUnreadCount(
  $input: UpdateConversationMemberInput!, $condition: ModelConversationMemberConditionInput) {
  updateConversationMember(input: $input, condition: $condition) { ${MEMBER_FIELDS} } }`;

/** DynamoDB BatchGetItem takes at most 100 keys. */
export const BATCH_GET_LIMIT = 100;

interface MessagePage {
  listMessagesByConversation: {
    items: (RecountedMessage | null)[];
    nextToken?: string | null;
  } | null;
}

/** Some markers could not be read after retries; the record is retried later. */
export class MarkerReadIncompleteError extends Error {
  constructor(unread: number) {
    super(`${unread} unread-counter marker(s) were still unprocessed after retries`);
    this.name = 'MarkerReadIncompleteError';
  }
}

export interface ReceiptStoreOptions {
  appSync: () => AppSyncClient;
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
      const data = await options
        .appSync()
        .graphql<{ getConversationMember: MemberSnapshot | null }>(GET_MEMBER_UNREAD, {
          conversationId,
          userId,
        });
      return data.getConversationMember ?? undefined;
    },

    async messagesAfter(conversationId, after) {
      const messages: RecountedMessage[] = [];
      let nextToken: string | null | undefined;
      do {
        const data = await options.appSync().graphql<MessagePage>(LIST_MESSAGES_TO_RECOUNT, {
          conversationId,
          createdAt: after === undefined ? null : { gt: after },
          nextToken,
        });
        for (const item of data.listMessagesByConversation?.items ?? []) if (item) messages.push(item);
        nextToken = data.listMessagesByConversation?.nextToken;
      } while (nextToken);
      return messages;
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
      try {
        await options.appSync().graphql(RESET_UNREAD_COUNT, {
          input: { ...key, unreadCount },
          condition: {
            unreadCount: { eq: seen.unreadCount },
            ...(seen.lastReadAt ? { lastReadAt: { eq: seen.lastReadAt } } : {}),
            ...(seen.updatedAt ? { updatedAt: { eq: seen.updatedAt } } : {}),
          },
        });
        return true;
      } catch (error) {
        if (isConditionalCheckFailure(error)) return false;
        throw error;
      }
    },
  };
}
