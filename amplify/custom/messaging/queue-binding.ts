import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource, type SqsEventSourceProps } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Queue } from 'aws-cdk-lib/aws-sqs';

/** An Amplify function as backend.ts sees it: its Lambda and its environment. */
export interface QueueConsumer {
  resources: { lambda: IFunction };
  addEnvironment(name: string, value: string): void;
}

/**
 * An SQS → function binding with what shared/batch.ts needs (docs/events.md, "Delivery
 * guarantees"): partial batch responses, and the queue's DLQ as DEAD_LETTER_QUEUE_URL with a send
 * grant, so a record that can never succeed is parked there at once, with why, instead of being
 * received five times first.
 */
export function bindQueue(
  consumer: QueueConsumer,
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
