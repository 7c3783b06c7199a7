import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context, DynamoDBRecord, SQSRecord } from 'aws-lambda';
import { config } from './config';

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
