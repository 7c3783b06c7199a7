import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { batchWriteAll, documentClient, queryAll } from '../shared/dynamo';
import type { MemberState, MessageState } from './member-departure';

/**
 * The user's rows read and removed directly in DynamoDB: nobody subscribes to a deleted user's
 * devices, alerts or inbox, so these writes need not go through AppSync. Reads project ids and
 * keys only, never a token, a phone number or a message body.
 */

/** A DynamoDB key (LastEvaluatedKey / ExclusiveStartKey). */
export type TableKey = Record<string, unknown>;

export interface Page<T> {
  items: T[];
  /** Where the next page starts; absent after the last one. */
  next?: TableKey;
}

export interface UserDataTables {
  userProfile: () => string;
  device: () => string;
  alertSubscription: () => string;
  notification: () => string;
  brokerProfile: () => string;
  conversationMember: () => string;
  message: () => string;
}

/** Amplify's names for the schema's indexes (test/infra/tables.test.ts finds them on the tables). */
export const INDEX_NAMES = {
  devices: 'devicesByUserId',
  alertSubscriptions: 'alertSubscriptionsByUserId',
  notifications: 'notificationsByUserIdAndCreatedAt',
  memberships: 'conversationMembersByUserIdAndLastMessageAt',
  messages: 'messagesByConversationIdAndCreatedAt',
} as const;

/** A membership as its index returns it: the table key, the index key and the members. */
export interface Membership extends MemberState {
  lastMessageAt: string;
}

export interface UserDataStore {
  /** Deletes the profile row; false when there was none (then no stream record follows). */
  deleteProfile(userId: string): Promise<boolean>;
  /** Deletes the user's push tokens; a token another user registered since stays theirs. */
  deleteDevices(userId: string): Promise<number>;
  deleteAlertSubscriptions(userId: string): Promise<number>;
  /** Deletes one page of the user's notifications. */
  deleteNotificationPage(userId: string, start: TableKey | undefined, limit: number): Promise<Page<string>>;
  /** Scans one page of BrokerProfile rows and unlinks those linked to the user. */
  unlinkBrokerPage(
    userId: string,
    start: TableKey | undefined,
    limit: number,
    now: Date,
  ): Promise<Page<string>>;
  /** One page of the user's memberships, oldest activity first. */
  membershipPage(userId: string, start: TableKey | undefined, limit: number): Promise<Page<Membership>>;
  /** One page of a conversation's messages, oldest first (ids, senders and members only). */
  messagePage(
    conversationId: string,
    start: TableKey | undefined,
    limit: number,
  ): Promise<Page<MessageState>>;
}

/** Where the membership index carries on after `membership`: its table key and index key. */
export function membershipKey(membership: Membership): TableKey {
  return {
    conversationId: membership.conversationId,
    userId: membership.userId,
    lastMessageAt: membership.lastMessageAt,
  };
}

/** Devices deleted at once: a user has a handful. */
const DELETE_CONCURRENCY = 10;

function isConditionalCheckFailed(error: unknown): boolean {
  return (error as Error | undefined)?.name === 'ConditionalCheckFailedException';
}

function names(...attributes: string[]): Record<string, string> {
  return Object.fromEntries(attributes.map((attribute) => [`#${attribute}`, attribute]));
}

export function userDataStore(tables: UserDataTables, client: DynamoDBDocumentClient = documentClient) {
  async function byUser(table: string, indexName: string, userId: string): Promise<string[]> {
    const rows = await queryAll<{ id: string }>(
      {
        TableName: table,
        IndexName: indexName,
        KeyConditionExpression: '#userId = :userId',
        ProjectionExpression: '#id',
        ExpressionAttributeNames: names('userId', 'id'),
        ExpressionAttributeValues: { ':userId': userId },
      },
      { client },
    );
    return rows.map((row) => row.id);
  }

  async function deleteByIds(table: string, ids: readonly string[]): Promise<void> {
    await batchWriteAll(
      table,
      ids.map((id) => ({ DeleteRequest: { Key: { id } } })),
      { client },
    );
  }

  const store: UserDataStore = {
    async deleteProfile(userId) {
      const result = await client.send(
        new DeleteCommand({ TableName: tables.userProfile(), Key: { id: userId }, ReturnValues: 'ALL_OLD' }),
      );
      return result.Attributes !== undefined;
    },

    async deleteDevices(userId) {
      const ids = await byUser(tables.device(), INDEX_NAMES.devices, userId);
      let deleted = 0;
      for (let at = 0; at < ids.length; at += DELETE_CONCURRENCY) {
        const removed = await Promise.all(
          ids.slice(at, at + DELETE_CONCURRENCY).map(async (id) => {
            try {
              // One token belongs to its latest user: someone who registered it since keeps it.
              await client.send(
                new DeleteCommand({
                  TableName: tables.device(),
                  Key: { id },
                  ConditionExpression: '#userId = :userId',
                  ExpressionAttributeNames: names('userId'),
                  ExpressionAttributeValues: { ':userId': userId },
                }),
              );
              return true;
            } catch (error) {
              if (isConditionalCheckFailed(error)) return false;
              throw error;
            }
          }),
        );
        deleted += removed.filter(Boolean).length;
      }
      return deleted;
    },

    async deleteAlertSubscriptions(userId) {
      const ids = await byUser(tables.alertSubscription(), INDEX_NAMES.alertSubscriptions, userId);
      await deleteByIds(tables.alertSubscription(), ids);
      return ids.length;
    },

    async deleteNotificationPage(userId, start, limit) {
      const page = await client.send(
        new QueryCommand({
          TableName: tables.notification(),
          IndexName: INDEX_NAMES.notifications,
          KeyConditionExpression: '#userId = :userId',
          ProjectionExpression: '#id',
          ExpressionAttributeNames: names('userId', 'id'),
          ExpressionAttributeValues: { ':userId': userId },
          Limit: limit,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      const ids = (page.Items ?? []).map((item) => String(item.id));
      await deleteByIds(tables.notification(), ids);
      return { items: ids, ...(page.LastEvaluatedKey ? { next: page.LastEvaluatedKey } : {}) };
    },

    async unlinkBrokerPage(userId, start, limit, now) {
      // BrokerProfile has no index on userId and few rows: a filtered scan, a page at a time.
      const page = await client.send(
        new ScanCommand({
          TableName: tables.brokerProfile(),
          FilterExpression: '#userId = :userId',
          ProjectionExpression: '#id',
          ExpressionAttributeNames: names('userId', 'id'),
          ExpressionAttributeValues: { ':userId': userId },
          Limit: limit,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      const unlinked: string[] = [];
      for (const item of page.Items ?? []) {
        const id = String(item.id);
        try {
          await client.send(
            new UpdateCommand({
              TableName: tables.brokerProfile(),
              Key: { id },
              UpdateExpression: 'REMOVE #userId SET #updatedAt = :now',
              ConditionExpression: '#userId = :userId',
              ExpressionAttributeNames: names('userId', 'updatedAt'),
              ExpressionAttributeValues: { ':userId': userId, ':now': now.toISOString() },
            }),
          );
          unlinked.push(id);
        } catch (error) {
          // Linked to someone else (or removed) since the scan: not ours to change.
          if (!isConditionalCheckFailed(error)) throw error;
        }
      }
      return { items: unlinked, ...(page.LastEvaluatedKey ? { next: page.LastEvaluatedKey } : {}) };
    },

    async membershipPage(userId, start, limit) {
      const page = await client.send(
        new QueryCommand({
          TableName: tables.conversationMember(),
          IndexName: INDEX_NAMES.memberships,
          KeyConditionExpression: '#userId = :userId',
          ProjectionExpression: '#conversationId, #userId, #memberIds, #lastMessageAt',
          ExpressionAttributeNames: names('conversationId', 'userId', 'memberIds', 'lastMessageAt'),
          ExpressionAttributeValues: { ':userId': userId },
          Limit: limit,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      return {
        items: (page.Items ?? []) as Membership[],
        ...(page.LastEvaluatedKey ? { next: page.LastEvaluatedKey } : {}),
      };
    },

    async messagePage(conversationId, start, limit) {
      const page = await client.send(
        new QueryCommand({
          TableName: tables.message(),
          IndexName: INDEX_NAMES.messages,
          KeyConditionExpression: '#conversationId = :conversationId',
          ProjectionExpression: '#id, #senderId, #memberIds, #updatedAt',
          ExpressionAttributeNames: names('conversationId', 'id', 'senderId', 'memberIds', 'updatedAt'),
          ExpressionAttributeValues: { ':conversationId': conversationId },
          Limit: limit,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      return {
        items: (page.Items ?? []) as MessageState[],
        ...(page.LastEvaluatedKey ? { next: page.LastEvaluatedKey } : {}),
      };
    },
  };
  return store;
}
