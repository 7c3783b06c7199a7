import {
  type DynamoDBDocumentClient,
  GetCommand,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { requiredSetting } from '../shared/config';
import { batchWriteAll, conditionalPut, documentClient } from '../shared/dynamo';
import { ENV } from '../shared/env-names';
import type { FeedDefinition, FeedName, UpsertEntry } from './reference-feeds';

/**
 * data-sync's DynamoDB side: the model tables it writes directly (no AppSync: nobody subscribes to
 * reference data) and each feed's sync state in the idempotency table.
 */

/** The model table of each feed, from the function's environment (set by its wiring.ts). */
export const TABLE_ENV: Record<FeedName, string> = {
  complexes: ENV.COMPLEX_TABLE_NAME,
  listings: ENV.LISTING_TABLE_NAME,
  brokers: ENV.BROKER_PROFILE_TABLE_NAME,
};

export function tableNameFromEnv(feed: FeedName): string {
  return requiredSetting(TABLE_ENV[feed]);
}

export interface UpsertOptions {
  now: Date;
  /**
   * A full resync rewrites a row whose stored version equals the feed's; an incremental run leaves
   * it: the inclusive `updatedSince` hands back the rows at the watermark every run.
   */
  rewriteSameVersion: boolean;
}

/**
 * The conditional UpdateItem for one feed row: SET the synced fields and REMOVE the ones the feed
 * no longer has, never touching app-owned fields (openConversations, lastAssignedAt, a userId the
 * feed left out); AppSync's metadata (`__typename`, `createdAt` once, `updatedAt`) so GraphQL reads
 * work. The condition keeps an older page from overwriting a newer row.
 */
export function upsertCommandInput(
  tableName: string,
  definition: Pick<FeedDefinition, 'typename' | 'defaults'>,
  entry: UpsertEntry,
  options: UpsertOptions,
): UpdateCommandInput {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const sets: string[] = [];
  let index = 0;
  const placeholder = (field: string) => {
    const key = `f${index++}`;
    names[`#${key}`] = field;
    return key;
  };
  const assign = (field: string, value: unknown) => {
    const key = placeholder(field);
    values[`:${key}`] = value;
    sets.push(`#${key} = :${key}`);
  };
  const assignOnce = (field: string, value: unknown) => {
    const key = placeholder(field);
    values[`:${key}`] = value;
    sets.push(`#${key} = if_not_exists(#${key}, :${key})`);
  };

  const now = options.now.toISOString();
  for (const [field, value] of Object.entries(entry.set)) assign(field, value);
  assign('sourceUpdatedAt', entry.updatedAt);
  assign('syncedAt', now);
  assign('updatedAt', now);
  assign('__typename', definition.typename);
  assignOnce('createdAt', now);
  for (const [field, value] of Object.entries(definition.defaults)) assignOnce(field, value);
  const removes = entry.remove.map((field) => `#${placeholder(field)}`);

  names['#version'] = 'sourceUpdatedAt';
  values[':version'] = entry.updatedAt;
  const newer = options.rewriteSameVersion ? '<=' : '<';
  return {
    TableName: tableName,
    Key: { id: entry.id },
    UpdateExpression: `SET ${sets.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`,
    ConditionExpression: `attribute_not_exists(#version) OR #version ${newer} :version`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

export interface ReferenceTables {
  /** True when written; false when the stored row is as new or newer (the condition failed). */
  upsert(
    tableName: string,
    definition: Pick<FeedDefinition, 'typename' | 'defaults'>,
    entry: UpsertEntry,
    options: UpsertOptions,
  ): Promise<boolean>;
  /** Removes the rows (tombstones); removing a row that is not there is no error. */
  remove(tableName: string, ids: readonly string[]): Promise<void>;
}

function isConditionalCheckFailed(error: unknown): boolean {
  return (error as Error | undefined)?.name === 'ConditionalCheckFailedException';
}

export function referenceTables(options: { client?: DynamoDBDocumentClient } = {}): ReferenceTables {
  const client = options.client ?? documentClient;
  return {
    async upsert(tableName, definition, entry, upsertOptions) {
      try {
        await client.send(new UpdateCommand(upsertCommandInput(tableName, definition, entry, upsertOptions)));
        return true;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return false;
        throw error;
      }
    },
    async remove(tableName, ids) {
      await batchWriteAll(
        tableName,
        ids.map((id) => ({ DeleteRequest: { Key: { id } } })),
        { client },
      );
    },
  };
}

/** Where a feed stands, in the idempotency table under `data-sync:<feed>` (no TTL: it must outlive any pause). */
export interface FeedState {
  /** The newest updatedAt fully synced; the next run asks from it (inclusive). Absent: from the start. */
  updatedSince?: string;
  /** A run in progress stopped before the feed's end: the next run continues from this page cursor. */
  cursor?: string;
  /** The updatedSince that run asked with (absent for a first run or a full resync): the cursor belongs to that query. */
  cursorSince?: string;
  /** The newest updatedAt the run in progress has seen so far. */
  newestSeen?: string;
}

export const feedStateId = (feed: FeedName) => `data-sync:${feed}`;

export interface FeedStateStore {
  /** The feed's state and its version (0 when there is none). */
  load(feed: FeedName): Promise<{ state: FeedState; version: number }>;
  /** Writes if the stored version is still `expected`: the new version, or undefined when another run wrote first. */
  save(feed: FeedName, state: FeedState, expected: number, now: Date): Promise<number | undefined>;
}

export function feedStateTable(
  tableName: () => string,
  options: { client?: DynamoDBDocumentClient } = {},
): FeedStateStore {
  const client = options.client ?? documentClient;
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
  return {
    async load(feed) {
      const { Item } = await client.send(
        new GetCommand({ TableName: tableName(), Key: { id: feedStateId(feed) }, ConsistentRead: true }),
      );
      if (!Item) return { state: {}, version: 0 };
      const state: FeedState = {};
      for (const field of ['updatedSince', 'cursor', 'cursorSince', 'newestSeen'] as const) {
        const value = text(Item[field]);
        if (value !== undefined) state[field] = value;
      }
      return { state, version: Number(Item.version) || 0 };
    },

    async save(feed, state, expected, now) {
      const saved = await conditionalPut(
        {
          TableName: tableName(),
          Item: { id: feedStateId(feed), feed, ...state, version: expected + 1, savedAt: now.toISOString() },
          ...(expected === 0
            ? {
                // No item, or one nobody versioned (written by hand): either is version 0.
                ConditionExpression: 'attribute_not_exists(#version)',
                ExpressionAttributeNames: { '#version': 'version' },
              }
            : {
                ConditionExpression: '#version = :expected',
                ExpressionAttributeNames: { '#version': 'version' },
                ExpressionAttributeValues: { ':expected': expected },
              }),
        },
        { client },
      );
      return saved ? expected + 1 : undefined;
    },
  };
}
