import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { documentClient, queryAll } from '../shared/dynamo';
import { deviceIdForToken } from '../shared/push/push-client';
import type { DeviceRow } from './device-push';

/**
 * The Device model table, read and written directly (push-sender is internal, and no client
 * subscribes to devices): the rows of a user, the removal of a dead token, the move to a new one.
 */

/** Amplify's name for the index of `index('userId')` on Device (queryField listDevicesByUser). */
export const DEVICES_BY_USER_INDEX = 'devicesByUserId';

/** BatchGetItem takes at most 100 keys. */
const BATCH_GET_LIMIT = 100;

export type TokenReplacement = 'replaced' | 'merged' | 'gone';

export interface DeviceStore {
  /** The user's device rows as they are now. */
  devicesOf(userId: string): Promise<DeviceRow[]>;
  /** Deletes the row of a dead token. */
  remove(device: DeviceRow): Promise<void>;
  /**
   * Moves the device to its new token: a row under the new token's id with the same user,
   * platform, app version, locale and lastSeenAt, and the old row deleted, in one transaction.
   * `merged`: the new token had a row already (the app registered it), so only the old row went.
   * `gone`: the old row was deleted or moved to another user meanwhile; nothing changed.
   */
  replaceToken(device: DeviceRow, token: string): Promise<TokenReplacement>;
}

export class UnprocessedDeviceKeysError extends Error {
  constructor(count: number) {
    super(`${count} device row(s) could not be read after retries`);
    this.name = 'UnprocessedDeviceKeysError';
  }
}

export interface DeviceStoreOptions {
  tableName: () => string;
  now: () => Date;
  client?: DynamoDBDocumentClient;
  sleep?: (ms: number) => Promise<void>;
}

const cancellationCodes = (error: unknown): (string | undefined)[] | undefined =>
  error instanceof TransactionCanceledException || (error as Error)?.name === 'TransactionCanceledException'
    ? ((error as TransactionCanceledException).CancellationReasons ?? []).map((reason) => reason.Code)
    : undefined;

const isConditionFailure = (error: unknown) => (error as Error)?.name === 'ConditionalCheckFailedException';

export function deviceStore(options: DeviceStoreOptions): DeviceStore {
  const client = options.client ?? documentClient;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  /** Strongly consistent reads of the rows, by id. */
  async function currentRows(ids: readonly string[]): Promise<DeviceRow[]> {
    const tableName = options.tableName();
    const rows: DeviceRow[] = [];
    for (let start = 0; start < ids.length; start += BATCH_GET_LIMIT) {
      let keys = ids.slice(start, start + BATCH_GET_LIMIT).map((id) => ({ id }));
      for (let attempt = 1; keys.length > 0; attempt++) {
        if (attempt > 5) throw new UnprocessedDeviceKeysError(keys.length);
        if (attempt > 1) await sleep(25 * 2 ** (attempt - 2));
        const result = await client.send(
          new BatchGetCommand({ RequestItems: { [tableName]: { Keys: keys, ConsistentRead: true } } }),
        );
        rows.push(...((result.Responses?.[tableName] ?? []) as DeviceRow[]));
        keys = (result.UnprocessedKeys?.[tableName]?.Keys ?? []) as { id: string }[];
      }
    }
    return rows;
  }

  const deleteOld = (device: DeviceRow) => ({
    TableName: options.tableName(),
    Key: { id: device.id },
    // Still this user's row for this token: a token re-registered by another user stays theirs.
    ConditionExpression: '#userId = :userId AND #token = :token',
    ExpressionAttributeNames: { '#userId': 'userId', '#token': 'token' },
    ExpressionAttributeValues: { ':userId': device.userId, ':token': device.token },
  });

  return {
    async devicesOf(userId) {
      const indexed = await queryAll<Pick<DeviceRow, 'id'>>(
        {
          TableName: options.tableName(),
          IndexName: DEVICES_BY_USER_INDEX,
          KeyConditionExpression: '#userId = :userId',
          ExpressionAttributeNames: { '#userId': 'userId', '#id': 'id' },
          ExpressionAttributeValues: { ':userId': userId },
          ProjectionExpression: '#id',
        },
        { client },
      );
      if (indexed.length === 0) return [];
      // The index lags the table: a token just moved to another user may still be listed here.
      const rows = await currentRows(indexed.map((row) => row.id));
      return rows.filter((row) => row.userId === userId);
    },

    async remove(device) {
      await client.send(new DeleteCommand({ TableName: options.tableName(), Key: { id: device.id } }));
    },

    async replaceToken(device, token) {
      const now = options.now().toISOString();
      const { id: _id, token: _token, createdAt: _createdAt, updatedAt: _updatedAt, ...kept } = device;
      const replacement = { ...kept, id: deviceIdForToken(token), token, createdAt: now, updatedAt: now };
      try {
        await client.send(
          new TransactWriteCommand({
            TransactItems: [
              // First, so that CancellationReasons[0] tells whether the new token had a row.
              {
                Put: {
                  TableName: options.tableName(),
                  Item: replacement,
                  ConditionExpression: 'attribute_not_exists(#id)',
                  ExpressionAttributeNames: { '#id': 'id' },
                },
              },
              { Delete: deleteOld(device) },
            ],
          }),
        );
        return 'replaced';
      } catch (error) {
        const codes = cancellationCodes(error);
        if (!codes) throw error;
        if (codes[1] === 'ConditionalCheckFailed') return 'gone';
        if (codes[0] !== 'ConditionalCheckFailed') throw error;
      }
      try {
        await client.send(new DeleteCommand(deleteOld(device)));
        return 'merged';
      } catch (error) {
        if (isConditionFailure(error)) return 'gone';
        throw error;
      }
    },
  };
}
