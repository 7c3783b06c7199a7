import type { DynamoDbLocal } from '../dynamodb/dynamodb-local';
import type { AwsGateway } from '../gateway/gateway';
import type { StartStep } from '../start-step';
import { QueuePoller } from './pollers/queue-poller';
import { StreamPoller, streamsClient } from './pollers/stream-poller';
import { Scheduler } from './scheduler/scheduler';
import type { LocalLambda } from './start';

/** Lambda's event sources: stream and queue pollers for the event source mappings, and the schedules. */
export async function startEventSources(
  { inventory, endpoints, progress, onStop }: StartStep,
  lambda: LocalLambda,
  gateway: AwsGateway,
  dynamodb: DynamoDbLocal,
): Promise<Scheduler> {
  const streams = streamsClient(endpoints.dynamodbUrl);
  for (const mapping of inventory.eventSourceMappings) {
    if (mapping.source.kind === 'dynamodb-stream') {
      const poller = new StreamPoller({
        mapping,
        dynamodb: dynamodb.client,
        streams,
        invoker: lambda.runner,
        sendToQueue: async (queueName, body) => {
          gateway.sqs.send(queueName, body);
        },
        onFailure: (failure) =>
          gateway.captures.deadLetters.add({
            id: `${failure.functionName}:${failure.startSequenceNumber}`,
            at: new Date().toISOString(),
            source: `stream ${failure.tableName} → ${failure.functionName}`,
            reason: failure.reason,
            body: failure,
          }),
      });
      await poller.start();
      onStop(() => poller.stop(), 'event sources');
    } else {
      const poller = new QueuePoller(mapping, gateway.sqs, lambda.runner);
      poller.start();
      onStop(() => poller.stop(), 'event sources');
    }
  }
  const scheduler = new Scheduler(lambda.runner);
  scheduler.start(inventory.schedules);
  onStop(() => scheduler.stop(), 'event sources');
  progress(
    'events',
    `${inventory.eventSourceMappings.length} event sources, ${inventory.schedules.length} schedules`,
  );
  return scheduler;
}
