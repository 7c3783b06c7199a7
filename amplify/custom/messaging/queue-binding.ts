import { SqsEventSource, type SqsEventSourceProps } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { BackendFunction } from '../../function-wiring';

/**
 * An SQS → function binding with what shared/batch.ts needs (docs/events.md, "Delivery
 * guarantees"): partial batch responses, and the queue's DLQ as DEAD_LETTER_QUEUE_URL with a send
 * grant, so a record that can never succeed is parked there at once, with why, instead of being
 * received five times first.
 */
export function bindQueue(
  consumer: BackendFunction,
  queue: Queue,
  props: Omit<SqsEventSourceProps, 'reportBatchItemFailures'> = {},
): void {
  const deadLetters = queue.deadLetterQueue?.queue;
  if (!deadLetters) throw new Error(`${queue.node.path} has no DLQ to park its consumer's failures in`);
  consumer.resources.lambda.addEventSource(
    new SqsEventSource(queue, { batchSize: 10, ...props, reportBatchItemFailures: true }),
  );
  consumer.addEnvironment('DEAD_LETTER_QUEUE_URL', deadLetters.queueUrl);
  deadLetters.grantSendMessages(consumer.resources.lambda);
}
