import {
  DeleteCommand,
  type DeleteCommandInput,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  ScanCommand,
} from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../shared/dynamo';
import type { ScannedDevice } from './cleanup-plan';

/**
 * The Device table straight from DynamoDB (a daily Scan, paged), and the cleanup's cursor in the
 * idempotency table, so a run that stops before its timeout resumes where it stopped.
 */

export const CURSOR_ID = 'device-cleanup:cursor';
/** A cursor nobody resumed within a week is stale: the next run starts over. */
const CURSOR_TTL_SECONDS = 7 * 24 * 60 * 60;

export type ScanKey = Record<string, unknown>;

export interface ScanPage {
  devices: ScannedDevice[];
  /** Where the next page starts; undefined after the last page. */
  next: ScanKey | undefined;
}

export interface CleanupStore {
  cursor(): Promise<ScanKey | undefined>;
  saveCursor(key: ScanKey, now: Date): Promise<void>;
  clearCursor(): Promise<void>;
  scanPage(start: ScanKey | undefined, limit: number): Promise<ScanPage>;
  /** Deletes the row unless it was registered again since it was scanned; false then (or if gone). */
  remove(device: ScannedDevice): Promise<boolean>;
}

export interface CleanupStoreOptions {
  deviceTableName: () => string;
  idempotencyTableName: () => string;
  client?: DynamoDBDocumentClient;
}

function isConditionalCheckFailed(error: unknown): boolean {
  return (error as Error | undefined)?.name === 'ConditionalCheckFailedException';
}

export function cleanupStore(options: CleanupStoreOptions): CleanupStore {
  const client = options.client ?? documentClient;

  return {
    async cursor() {
      const { Item } = await client.send(
        new GetCommand({
          TableName: options.idempotencyTableName(),
          Key: { id: CURSOR_ID },
          ConsistentRead: true,
        }),
      );
      const key = Item?.exclusiveStartKey;
      return typeof key === 'object' && key !== null ? (key as ScanKey) : undefined;
    },

    async saveCursor(key, now) {
      await client.send(
        new PutCommand({
          TableName: options.idempotencyTableName(),
          Item: {
            id: CURSOR_ID,
            exclusiveStartKey: key,
            savedAt: now.toISOString(),
            expiration: Math.floor(now.getTime() / 1000) + CURSOR_TTL_SECONDS,
          },
        }),
      );
    },

    async clearCursor() {
      await client.send(
        new DeleteCommand({ TableName: options.idempotencyTableName(), Key: { id: CURSOR_ID } }),
      );
    },

    async scanPage(start, limit) {
      const page = await client.send(
        new ScanCommand({
          TableName: options.deviceTableName(),
          Limit: limit,
          // Never the token.
          ProjectionExpression: '#id, #lastSeenAt, #invalidatedAt',
          ExpressionAttributeNames: {
            '#id': 'id',
            '#lastSeenAt': 'lastSeenAt',
            '#invalidatedAt': 'invalidatedAt',
          },
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      return {
        devices: (page.Items ?? []) as ScannedDevice[],
        next: page.LastEvaluatedKey as ScanKey | undefined,
      };
    },

    async remove(device) {
      // registerDevice always writes lastSeenAt: unchanged means nobody registered the token since
      // the scan. A row scanned without a string lastSeenAt must still have none.
      const unchanged: Pick<
        DeleteCommandInput,
        'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
      > =
        typeof device.lastSeenAt === 'string'
          ? {
              ConditionExpression: '#lastSeenAt = :lastSeenAt',
              ExpressionAttributeNames: { '#lastSeenAt': 'lastSeenAt' },
              ExpressionAttributeValues: { ':lastSeenAt': device.lastSeenAt },
            }
          : {
              ConditionExpression: 'attribute_exists(#id) AND NOT attribute_type(#lastSeenAt, :string)',
              ExpressionAttributeNames: { '#id': 'id', '#lastSeenAt': 'lastSeenAt' },
              ExpressionAttributeValues: { ':string': 'S' },
            };
      try {
        await client.send(
          new DeleteCommand({ TableName: options.deviceTableName(), Key: { id: device.id }, ...unchanged }),
        );
        return true;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return false;
        throw error;
      }
    },
  };
}
