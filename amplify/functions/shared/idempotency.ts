import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Context, DynamoDBRecord, SQSRecord } from 'aws-lambda';
import { config } from './config';
import { conditionalPut, documentClient, isConditionalCheckFailed } from './dynamo';

/** Streams retry a record for up to a day at most (max record age); keep its key that long. */
export const DEFAULT_RECORD_KEY_SECONDS = 24 * 60 * 60;

let sharedClient: DynamoDBClient | undefined;

/**
 * A persistence layer on the idempotency table (partition key `id`, TTL `expiration`).
 * One per idempotent function: Powertools configures a layer once, with one expiry.
 */
export function idempotencyStore(
  options: { tableName?: string; client?: DynamoDBClient } = {},
): DynamoDBPersistenceLayer {
  sharedClient ??= new DynamoDBClient({});
  return new DynamoDBPersistenceLayer({
    tableName: options.tableName ?? config.idempotencyTableName(),
    keyAttr: 'id',
    expiryAttr: 'expiration',
    awsSdkV3Client: options.client ?? sharedClient,
  });
}

export interface RecordIdempotencyOptions<R> {
  /** The record's identity; the same key never runs the function twice while the key lives. */
  keyOf: (record: R) => string | undefined;
  expiresAfterSeconds?: number;
  /** Keeps keys of different functions or steps apart; defaults to the Lambda function name. */
  keyPrefix?: string;
  persistenceStore?: BasePersistenceLayer;
}

export type RecordFunction<R, T> = (record: R, context?: Context) => Promise<T>;

/**
 * Makes a record handler idempotent: the result of the first successful run is stored and
 * returned for every later run with the same key; a run in progress makes a retry fail (retryable).
 * The result must be JSON-serializable.
 */
export function makeRecordIdempotent<R, T>(
  fn: RecordFunction<R, T>,
  options: RecordIdempotencyOptions<R>,
): RecordFunction<R, T> {
  const idempotencyConfig = new IdempotencyConfig({
    eventKeyJmesPath: 'key',
    expiresAfterSeconds: options.expiresAfterSeconds ?? DEFAULT_RECORD_KEY_SECONDS,
    throwOnNoIdempotencyKey: true,
  });
  const keyPrefix = options.keyPrefix ?? config.functionName();
  const keyed = makeIdempotent(
    async (keyedRecord: { key: string | undefined; record: R }, context?: Context): Promise<T> =>
      fn(keyedRecord.record, context),
    {
      persistenceStore: options.persistenceStore ?? idempotencyStore(),
      config: idempotencyConfig,
      ...(keyPrefix ? { keyPrefix } : {}),
    },
  );
  return async (record, context) => {
    // Lets Powertools expire an in-progress key when this invocation times out.
    if (context) idempotencyConfig.registerLambdaContext(context);
    return keyed({ key: options.keyOf(record), record }, context);
  };
}

/** A stream record's identity: its eventID, unique per change in the stream. */
export const streamRecordKey = (record: DynamoDBRecord): string | undefined => record.eventID;

/** A queue message's identity: its messageId (redeliveries keep it). */
export const queueMessageKey = (record: SQSRecord): string | undefined => record.messageId;

/**
 * Claims on keys of the idempotency table, for work that Powertools' per-call utility does not fit
 * (one call doing the work of many keys, or a key that outlives the call). A key is claimed once:
 * - `claimOnceWrite`: for good, inside a transaction with the work it guards;
 * - `claim`: with a lease while the work runs, then `recordDone` / `completeAsHolder` keep it for
 *   the retention, or `release` frees it for a retry. A lease that ran out can be taken over:
 *   the holder crashed or timed out.
 * Records are `{ id, status, <holder>, expiration, … }`; `expiration` is the table's TTL (epoch s),
 * and TTL deletes late, so an expired record counts as absent.
 */
export interface ClaimTableOptions {
  tableName: () => string;
  client?: DynamoDBDocumentClient;
  /** The status a held record has (`SENDING`, `IN_PROGRESS`). */
  inProgress: string;
  /** The attribute that names the claim's holder, and its placeholder in conditions (default `:<attribute>`). */
  holder: { attribute: string; placeholder?: string };
}

export interface ClaimRequest {
  /** Who holds the claim: only they may complete or release it. */
  holder: string;
  /** Epoch seconds. */
  now: number;
  leaseSeconds: number;
  /** Stored with the record. */
  attributes?: Record<string, unknown>;
  /** Take over an expired lease only while its record is still in progress. */
  onlyInProgress?: boolean;
  /** Take over an expired lease only when this attribute (of `attributes`) is the same. */
  sameAttribute?: string;
}

export interface ClaimTable {
  /** True when the key is now held by `holder`; false when a live lease or a done record holds it. */
  claim(key: string, request: ClaimRequest): Promise<boolean>;
  /** The record now (strongly consistent), or only the given attributes of it. */
  read(key: string, attributes?: readonly string[]): Promise<Record<string, unknown> | undefined>;
  /** Records the work done, whoever holds the key: the outcome is final even if the lease ran out. */
  recordDone(key: string, done: { status: string; now: number; retainSeconds: number }): Promise<void>;
  /** Records the work done if `holder` still holds the key; false when it is not theirs any more. */
  completeAsHolder(
    key: string,
    holder: string,
    done: { status: string; now: number; retainSeconds: number; attributes?: Record<string, unknown> },
  ): Promise<boolean>;
  /** Frees the key for a retry, unless it is done or someone else's now. */
  release(key: string, holder: string): Promise<void>;
}

const camelCase = (status: string) =>
  status.toLowerCase().replace(/_([a-z])/g, (_match, letter: string) => letter.toUpperCase());

export function claimTable(options: ClaimTableOptions): ClaimTable {
  const client = () => options.client ?? documentClient;
  const holderName = `#${options.holder.attribute}`;
  const holderValue = options.holder.placeholder ?? `:${options.holder.attribute}`;
  const inProgressValue = `:${camelCase(options.inProgress)}`;

  return {
    async claim(key, request) {
      const takeOver = [
        ...(request.onlyInProgress ? [`#status = ${inProgressValue}`] : []),
        '#expiration < :now',
        ...(request.sameAttribute ? [`#${request.sameAttribute} = :${request.sameAttribute}`] : []),
      ];
      return conditionalPut(
        {
          TableName: options.tableName(),
          Item: {
            id: key,
            ...request.attributes,
            status: options.inProgress,
            [options.holder.attribute]: request.holder,
            expiration: request.now + request.leaseSeconds,
          },
          ConditionExpression: `attribute_not_exists(#id) OR ${
            takeOver.length > 1 ? `(${takeOver.join(' AND ')})` : takeOver[0]
          }`,
          ExpressionAttributeNames: {
            '#id': 'id',
            ...(request.onlyInProgress ? { '#status': 'status' } : {}),
            '#expiration': 'expiration',
            ...(request.sameAttribute ? { [`#${request.sameAttribute}`]: request.sameAttribute } : {}),
          },
          ExpressionAttributeValues: {
            ...(request.onlyInProgress ? { [inProgressValue]: options.inProgress } : {}),
            ':now': request.now,
            ...(request.sameAttribute
              ? { [`:${request.sameAttribute}`]: request.attributes?.[request.sameAttribute] }
              : {}),
          },
        },
        { client: client() },
      );
    },

    async read(key, attributes) {
      const { Item } = await client().send(
        new GetCommand({
          TableName: options.tableName(),
          Key: { id: key },
          ...(attributes
            ? {
                ProjectionExpression: attributes.map((name) => `#${name}`).join(', '),
                ExpressionAttributeNames: Object.fromEntries(attributes.map((name) => [`#${name}`, name])),
              }
            : {}),
          ConsistentRead: true,
        }),
      );
      return Item;
    },

    async recordDone(key, done) {
      await client().send(
        new PutCommand({
          TableName: options.tableName(),
          Item: { id: key, status: done.status, expiration: done.now + done.retainSeconds },
        }),
      );
    },

    async completeAsHolder(key, holder, done) {
      const extra = Object.keys(done.attributes ?? {});
      try {
        await client().send(
          new UpdateCommand({
            TableName: options.tableName(),
            Key: { id: key },
            UpdateExpression: `SET ${['status', ...extra, 'expiration'].map((name) => `#${name} = :${name === 'status' ? 'done' : name}`).join(', ')}`,
            ConditionExpression: `${holderName} = ${holderValue}`,
            ExpressionAttributeNames: Object.fromEntries(
              ['status', ...extra, 'expiration', options.holder.attribute].map((name) => [`#${name}`, name]),
            ),
            ExpressionAttributeValues: {
              ':done': done.status,
              ...Object.fromEntries(extra.map((name) => [`:${name}`, done.attributes![name]])),
              ':expiration': done.now + done.retainSeconds,
              [holderValue]: holder,
            },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return false;
        throw error;
      }
    },

    async release(key, holder) {
      try {
        await client().send(
          new DeleteCommand({
            TableName: options.tableName(),
            Key: { id: key },
            ConditionExpression: `${holderName} = ${holderValue} AND #status = ${inProgressValue}`,
            ExpressionAttributeNames: { [holderName]: options.holder.attribute, '#status': 'status' },
            ExpressionAttributeValues: { [holderValue]: holder, [inProgressValue]: options.inProgress },
          }),
        );
      } catch (error) {
        // Done, or expired and claimed by another: nothing of ours to free.
        if (!isConditionalCheckFailed(error)) throw error;
      }
    },
  };
}

/**
 * A claim that holds for good, as one write of a transaction: the transaction fails on it when the
 * key was claimed before, so the work it guards happens once.
 */
export function claimOnceWrite<T extends { id: string }>(tableName: string, item: T) {
  return {
    Put: {
      TableName: tableName,
      Item: item,
      ConditionExpression: 'attribute_not_exists(#id)',
      ExpressionAttributeNames: { '#id': 'id' },
    },
  };
}
