import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import {
  EventSourceMapping,
  FilterCriteria,
  FilterRule,
  Function as LambdaFunction,
  StartingPosition,
} from 'aws-cdk-lib/aws-lambda';
import { SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';

/**
 * A DynamoDB stream → function binding with the settings DESIGN §4 requires, never Lambda's
 * defaults (retries for 24 hours): partial batch responses, bisect on error, at most 5 retries,
 * records older than an hour given up, and what is given up recorded on an SQS queue.
 */
export interface StreamBindingOptions {
  /** e.g. ['INSERT'] or ['INSERT', 'MODIFY']. */
  eventNames: ('INSERT' | 'MODIFY' | 'REMOVE')[];
  onFailure: IQueue;
  batchSize?: number;
  /**
   * Further conditions on the record's `dynamodb` part, as Lambda event filter patterns, e.g.
   * `{ NewImage: { lastReadAt: { S: FilterRule.exists() } } }`: records that cannot matter never
   * invoke the function.
   */
  dynamodb?: Record<string, unknown>;
  /**
   * Concurrent batches per shard. Lambda keeps each partition key's records in order across them,
   * which every consumer's ordering key lies within (docs/events.md, "Ordering"); a consumer that
   * needs the whole shard's order sets 1.
   */
  parallelizationFactor?: number;
}

export const STREAM_BINDING_DEFAULTS = {
  retryAttempts: 5,
  maxRecordAge: Duration.hours(1),
  batchSize: 25,
  maxBatchingWindow: Duration.seconds(1),
  // One invocation per shard at a time left the Message stream's readers behind at peak
  // (docs/capacity.md, "What breaks first"); Lambda allows up to 10.
  parallelizationFactor: 4,
};

export function bindStream(
  id: string,
  fn: IFunction,
  table: ITable,
  options: StreamBindingOptions,
): EventSourceMapping {
  if (!table.tableStreamArn) throw new Error(`${table.node.path} has no stream to bind ${id} to`);
  table.grantStreamRead(fn);
  Validations.of(fn).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'grantStreamRead adds dynamodb:ListStreams, which has no resource-level permission; the stream ' +
      'reads themselves are scoped to this table.',
  });
  options.onFailure.grantSendMessages(fn);
  // Where the function parks a record that cannot succeed (shared/batch.ts), beside the batch
  // metadata the mapping sends there after its retries.
  if (fn instanceof LambdaFunction)
    fn.addEnvironment('STREAM_FAILURES_QUEUE_URL', options.onFailure.queueUrl);
  return new EventSourceMapping(Stack.of(fn), id, {
    target: fn,
    eventSourceArn: table.tableStreamArn,
    startingPosition: StartingPosition.LATEST,
    batchSize: options.batchSize ?? STREAM_BINDING_DEFAULTS.batchSize,
    maxBatchingWindow: STREAM_BINDING_DEFAULTS.maxBatchingWindow,
    parallelizationFactor: options.parallelizationFactor ?? STREAM_BINDING_DEFAULTS.parallelizationFactor,
    bisectBatchOnError: true,
    retryAttempts: STREAM_BINDING_DEFAULTS.retryAttempts,
    maxRecordAge: STREAM_BINDING_DEFAULTS.maxRecordAge,
    reportBatchItemFailures: true,
    onFailure: new SqsDlq(options.onFailure),
    filters: [
      FilterCriteria.filter({
        eventName: FilterRule.or(...options.eventNames),
        ...(options.dynamodb ? { dynamodb: options.dynamodb } : {}),
      }),
    ],
  });
}
