import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
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
import { isPermanentRecordError } from './errors';
import { logger } from './logger';

export type RecordHandler<R> = (record: R, context?: Context) => Promise<unknown>;

export interface BatchOptions<R> {
  /** Called for a record dropped because of a permanent error, e.g. to keep it somewhere. */
  onPermanentFailure?: (record: R, error: unknown) => Promise<void> | void;
}

function recordId(record: DynamoDBRecord | SQSRecord): string | undefined {
  return 'messageId' in record ? record.messageId : record.eventID;
}

/** Permanent errors are logged and swallowed: reporting them would retry them until they age out. */
function droppingPermanentFailures<R extends DynamoDBRecord | SQSRecord>(
  handler: RecordHandler<R>,
  options: BatchOptions<R>,
): RecordHandler<R> {
  return async (record, context) => {
    try {
      return await handler(record, context);
    } catch (error) {
      if (isPermanentRecordError(error)) {
        logger.error('Dropping a record that can never succeed', { recordId: recordId(record), error });
        await options.onPermanentFailure?.(record, error);
        return undefined;
      }
      logger.warn('Record failed; reporting it for retry', { recordId: recordId(record), error });
      throw error;
    }
  };
}

/**
 * Runs `handler` over a DynamoDB stream batch, one record after another (stream order matters),
 * and returns the partial batch response for ReportBatchItemFailures.
 */
export async function processStreamBatch(
  event: DynamoDBStreamEvent,
  handler: RecordHandler<DynamoDBRecord>,
  context: Context,
  options: BatchOptions<DynamoDBRecord> = {},
): Promise<DynamoDBBatchResponse> {
  return processPartialResponse(
    event,
    droppingPermanentFailures(handler, options),
    new BatchProcessor(EventType.DynamoDBStreams),
    // Report every failed record rather than throw, so the mapping bisects and retries the same way.
    { context, processInParallel: false, throwOnFullBatchFailure: false },
  );
}

/** Runs `handler` over a standard SQS batch (in parallel) and returns the partial batch response. */
export async function processQueueBatch(
  event: SQSEvent,
  handler: RecordHandler<SQSRecord>,
  context: Context,
  options: BatchOptions<SQSRecord> & { processInParallel?: boolean } = {},
): Promise<SQSBatchResponse> {
  return processPartialResponse(
    event,
    droppingPermanentFailures(handler, options),
    new BatchProcessor(EventType.SQS),
    { context, processInParallel: options.processInParallel ?? true, throwOnFullBatchFailure: false },
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
