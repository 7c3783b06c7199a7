import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { type MessageAttributeValue, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type {
  Context,
  DynamoDBBatchResponse,
  DynamoDBRecord,
  DynamoDBStreamEvent,
  SQSBatchResponse,
  SQSEvent,
  SQSRecord,
} from 'aws-lambda';
import { config } from './config';
import { failureClassOf } from './errors';
import { logger } from './logger';
import { MAX_RECEIVE_COUNT } from './queue-redrive';
import { scrubText } from './scrub';
import { captureRecordFailure, type RecordFailureClass } from './sentry';

/**
 * Batch processing with the failure classes of docs/events.md ("Delivery guarantees"):
 * - retry: the record is a batch item failure, tried again by its queue or stream binding;
 * - park / drop (a PermanentRecordError / MalformedRecordError): the record goes to a failure
 *   store, then is acknowledged. SQS consumers: their queue's DLQ (DEAD_LETTER_QUEUE_URL), the
 *   original body with message attributes saying why. Stream consumers: stream-failures
 *   (STREAM_FAILURES_QUEUE_URL), the record itself with why. Nothing is swallowed: a consumer
 *   without a store lets the record fail, and its queue's redrive (or its binding's on-failure
 *   destination) keeps it.
 * Each record that fails for good reaches Sentry once (shared/sentry.ts `captureRecordFailure`):
 * parked or dropped when it is stored; retried out, for SQS, on the receive where
 * ApproximateReceiveCount reaches MAX_RECEIVE_COUNT (the next failure moves it to the DLQ). A
 * stream binding's records carry no attempt count: each failed attempt is reported with the same
 * Sentry event id (function, eventID, class), once per container, and Sentry keeps an id once.
 * A batch's records run concurrently in the consumer's ordering groups (docs/events.md,
 * "Ordering"); a record held back behind a failed one of its group is reported, never stored or
 * sent to Sentry: it has not failed itself.
 */

export type RecordHandler<R> = (record: R, context?: Context) => Promise<unknown>;

export interface BatchOptions<R> {
  /** More identity for the log, Sentry and the store (e.g. an envelope's id and type); never payload. */
  identify?: (record: R) => Record<string, string> | undefined;
  /** Tests pass their own; the default is one client per container. */
  sqs?: Pick<SQSClient, 'send'>;
}

export interface ParkedFailure {
  failureClass: 'park' | 'drop';
  /** Why, scrubbed and short: the error and the response excerpt, never the payload. */
  reason: string;
  status?: number;
  functionName: string;
  /** From `identify`: the record's identity, kept as message attributes. */
  identity?: Record<string, string> | undefined;
}

const REASON_LIMIT = 300;

/** The reason kept with a parked record: the error's message and detail, scrubbed, bounded. */
export function failureReason(error: unknown): string {
  if (!(error instanceof Error)) return scrubText(String(error)).slice(0, REASON_LIMIT);
  const detail = (error as { detail?: unknown }).detail;
  const text = typeof detail === 'string' && detail !== '' ? `${error.message}: ${detail}` : error.message;
  return scrubText(text).slice(0, REASON_LIMIT);
}

function failureStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' ? status : undefined;
}

function recordId(record: DynamoDBRecord | SQSRecord): string {
  return ('messageId' in record ? record.messageId : record.eventID) ?? 'unknown';
}

function failureAttributes(
  failure: ParkedFailure,
  extra: Record<string, string | undefined>,
): Record<string, MessageAttributeValue> {
  const attributes: Record<string, MessageAttributeValue> = {
    failureClass: { DataType: 'String', StringValue: failure.failureClass },
    reason: { DataType: 'String', StringValue: failure.reason || '(no reason)' },
    function: { DataType: 'String', StringValue: failure.functionName },
  };
  if (failure.status !== undefined) {
    attributes.status = { DataType: 'Number', StringValue: String(failure.status) };
  }
  for (const [name, value] of Object.entries({ ...failure.identity, ...extra })) {
    if (value) attributes[name] = { DataType: 'String', StringValue: value };
  }
  return attributes;
}

const defaultSqs = new SQSClient({});
const sqsOf = (options: { sqs?: Pick<SQSClient, 'send'> }) => options.sqs ?? defaultSqs;

/** Where a record that cannot succeed is kept; false when this consumer has no store. */
type FailureStore<R> = (record: R, failure: ParkedFailure) => Promise<boolean>;

/** SQS: the original body to the queue's DLQ, so a redrive replays it exactly; why in attributes. */
function deadLetterStore(options: BatchOptions<SQSRecord>): FailureStore<SQSRecord> {
  return async (record, failure) => {
    const queueUrl = config.deadLetterQueueUrl();
    if (!queueUrl) return false;
    await sqsOf(options).send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: record.body,
        MessageAttributes: failureAttributes(failure, {
          sourceMessageId: record.messageId,
          sourceQueueArn: record.eventSourceARN,
        }),
      }),
    );
    return true;
  };
}

/** The body of a stream record parked on stream-failures (docs/events.md, "Failure stores"). */
export interface ParkedStreamRecord {
  source: 'parked-stream-record';
  functionName: string;
  failureClass: 'park' | 'drop';
  reason: string;
  status: number | null;
  record: DynamoDBRecord;
}

/** Streams: the record itself (keys, images, sequence number) to stream-failures, with why. */
function streamFailuresStore(options: BatchOptions<DynamoDBRecord>): FailureStore<DynamoDBRecord> {
  return async (record, failure) => {
    const queueUrl = config.streamFailuresQueueUrl();
    if (!queueUrl) return false;
    const parked: ParkedStreamRecord = {
      source: 'parked-stream-record',
      functionName: failure.functionName,
      failureClass: failure.failureClass,
      reason: failure.reason,
      status: failure.status ?? null,
      record,
    };
    await sqsOf(options).send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: JSON.stringify(parked),
        MessageAttributes: failureAttributes(failure, { eventID: record.eventID }),
      }),
    );
    return true;
  };
}

const CAPTURED_LIMIT = 1000;
/** Stream records reported from this container: a warm container reports a retried record once. */
const capturedStreamRecords = new Set<string>();

function captureOnce(key: string | undefined, report: () => void): void {
  if (key !== undefined) {
    if (capturedStreamRecords.has(key)) return;
    if (capturedStreamRecords.size >= CAPTURED_LIMIT) capturedStreamRecords.clear();
    capturedStreamRecords.add(key);
  }
  report();
}

function withFailureClasses<R extends DynamoDBRecord | SQSRecord>(
  handler: RecordHandler<R>,
  store: FailureStore<R>,
  options: BatchOptions<R>,
  source: 'sqs' | 'stream',
): RecordHandler<R> {
  return async (record, context) => {
    try {
      return await handler(record, context);
    } catch (error) {
      const functionName = context?.functionName ?? config.functionName() ?? 'unknown';
      const id = recordId(record);
      const identity = options.identify?.(record);
      const failureClass = failureClassOf(error);
      const reason = failureReason(error);
      const status = failureStatus(error);
      const report = (capturedClass: RecordFailureClass) =>
        captureOnce(source === 'stream' ? `${functionName}:${id}:${capturedClass}` : undefined, () =>
          captureRecordFailure({ functionName, failureClass: capturedClass, recordId: id, identity, error }),
        );
      if (failureClass !== 'retry') {
        const failure: ParkedFailure = {
          failureClass,
          reason,
          functionName,
          identity,
          ...(status ? { status } : {}),
        };
        let stored = false;
        try {
          stored = await store(record, failure);
        } catch (storeError) {
          logger.error('Could not park a record; leaving it to be retried', {
            recordId: id,
            ...identity,
            error: storeError,
          });
        }
        if (stored) {
          // Sentry reports it; the log line is for finding it in the store.
          logger.warn('Parked a record that cannot succeed as it is', {
            recordId: id,
            ...identity,
            failureClass,
            status,
            reason,
          });
          report(failureClass);
          return undefined;
        }
      }
      const receiveCount =
        'messageId' in record ? Number(record.attributes.ApproximateReceiveCount) : undefined;
      const lastAttempt = receiveCount === undefined || receiveCount >= MAX_RECEIVE_COUNT;
      logger.warn('Record failed; reporting it for retry', {
        recordId: id,
        ...identity,
        failureClass,
        status,
        error,
        ...(receiveCount !== undefined ? { receiveCount } : {}),
      });
      if (lastAttempt) report(failureClass === 'retry' ? 'retried-out' : failureClass);
      throw error;
    }
  };
}

/** A record that waited for an earlier record of its group, which failed: it comes back after it. */
export class WaitsForEarlierRecordError extends Error {
  constructor(key: string) {
    super(`An earlier record of ${key} failed in this batch; this one is retried after it`);
    this.name = 'WaitsForEarlierRecordError';
  }
}

/** The group a record belongs to: records of one group run in order, groups run concurrently. */
export type OrderingKey<R> = (record: R) => string;

/** For records whose order does not matter: each is its own group. */
export const eachRecordAlone: OrderingKey<DynamoDBRecord | SQSRecord> = recordId;

/**
 * For stream records whose order matters per item or per owner (e.g. per conversationId): the
 * attributes' string values from the keys, the new image or the old one. A record lacking one is
 * its own group.
 */
export function byAttributes(...attributes: [string, ...string[]]): OrderingKey<DynamoDBRecord> {
  return (record) => {
    const { Keys, NewImage, OldImage } = record.dynamodb ?? {};
    const values = attributes.map((name) => Keys?.[name]?.S ?? NewImage?.[name]?.S ?? OldImage?.[name]?.S);
    if (values.some((value) => value === undefined)) return `record:${recordId(record)}`;
    return JSON.stringify(Object.fromEntries(attributes.map((name, index) => [name, values[index]])));
  };
}

/**
 * Runs each group's records in batch order, one after another, and the groups concurrently, at
 * most `concurrency` records at a time. A record that fails stops its group: the later records of
 * that group are not run and fail too, so they are tried again after it, in order. A parked or
 * dropped record is settled (stored), so its group goes on.
 */
function inOrderedGroups<R>(
  handler: RecordHandler<R>,
  keyOf: OrderingKey<R>,
  concurrency: number,
): RecordHandler<R> {
  /** Per group, whether its last record so far succeeded (once it settles). */
  const tails = new Map<string, Promise<boolean>>();
  const waiting: (() => void)[] = [];
  let running = 0;
  const slot = async () => {
    if (running < concurrency) running += 1;
    else await new Promise<void>((resolve) => waiting.push(resolve));
  };
  // A freed slot passes straight to the longest waiting record, so no newcomer can take it twice.
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else running -= 1;
  };
  // Powertools calls this for every record at once and in batch order (processInParallel), so each
  // group's tail is taken in stream order.
  return async (record, context) => {
    const key = keyOf(record);
    const previous = tails.get(key);
    let settle!: (succeeded: boolean) => void;
    tails.set(key, new Promise((resolve) => (settle = resolve)));
    if (previous && !(await previous)) {
      settle(false);
      throw new WaitsForEarlierRecordError(key);
    }
    await slot();
    try {
      const result = await handler(record, context);
      settle(true);
      return result;
    } catch (error) {
      settle(false);
      throw error;
    } finally {
      release();
    }
  };
}

/** Records of one stream batch run at once by a consumer that declares its ordering key. */
export const STREAM_CONCURRENCY = 10;
/** Records of one queue batch run at once: the bindings' batch size, as before. */
export const QUEUE_CONCURRENCY = 10;

export interface StreamBatchOptions extends BatchOptions<DynamoDBRecord> {
  /**
   * The consumer's ordering key (docs/events.md, "Ordering"): records with the same key run in
   * stream order, the others concurrently. Without one, the records run one at a time, in order,
   * and a failure holds nothing back (as before groups).
   */
  orderBy?: OrderingKey<DynamoDBRecord>;
  /** At most this many records at a time; STREAM_CONCURRENCY by default when `orderBy` is set. */
  concurrency?: number;
}

/**
 * Runs `handler` over a DynamoDB stream batch in the consumer's ordering groups and returns the
 * partial batch response for ReportBatchItemFailures. Lambda resumes the shard at the lowest
 * reported sequence number, so the records after it in other groups come again: every stream
 * consumer is idempotent (docs/events.md, "Delivery guarantees").
 */
export async function processStreamBatch(
  event: DynamoDBStreamEvent,
  handler: RecordHandler<DynamoDBRecord>,
  context: Context,
  options: StreamBatchOptions = {},
): Promise<DynamoDBBatchResponse> {
  const { orderBy, concurrency = orderBy ? STREAM_CONCURRENCY : 1 } = options;
  return processPartialResponse(
    event,
    inOrderedGroups(
      withFailureClasses(handler, streamFailuresStore(options), options, 'stream'),
      orderBy ?? eachRecordAlone,
      concurrency,
    ),
    new BatchProcessor(EventType.DynamoDBStreams),
    // Report every failed record rather than throw, so the mapping bisects and retries the same way;
    // the order and the bound are inOrderedGroups'.
    { context, processInParallel: true, throwOnFullBatchFailure: false },
  );
}

/**
 * Runs `handler` over a standard SQS batch, records concurrently (at most `concurrency`), and
 * returns the partial batch response. A standard queue keeps no order: each failed message comes
 * back on its own.
 */
export async function processQueueBatch(
  event: SQSEvent,
  handler: RecordHandler<SQSRecord>,
  context: Context,
  options: BatchOptions<SQSRecord> & { concurrency?: number } = {},
): Promise<SQSBatchResponse> {
  return processPartialResponse(
    event,
    inOrderedGroups(
      withFailureClasses(handler, deadLetterStore(options), options, 'sqs'),
      eachRecordAlone,
      options.concurrency ?? QUEUE_CONCURRENCY,
    ),
    new BatchProcessor(EventType.SQS),
    { context, processInParallel: true, throwOnFullBatchFailure: false },
  );
}

/** The record's NewImage (or OldImage) as a plain object, or undefined when the stream view lacks it. */
export function unmarshallStreamImage<T = Record<string, unknown>>(
  record: DynamoDBRecord,
  image: 'NewImage' | 'OldImage' = 'NewImage',
): T | undefined {
  const attributes = record.dynamodb?.[image];
  if (!attributes) return undefined;
  // @types/aws-lambda and the SDK describe the same wire format with different types.
  return unmarshall(attributes as Record<string, AttributeValue>) as T;
}
