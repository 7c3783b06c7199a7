import { defineFunction } from '@aws-amplify/backend';
import { QUEUE_CONSUMER_TIMEOUT_SECONDS } from '../../custom/messaging/resource';
import { baseFunctionEnvironment } from '../../function-environment';

/** SQS push → End User Messaging SendMessages to the recipients' device tokens (docs/push.md). */
export const pushSender = defineFunction({
  name: 'push-sender',
  entry: './handler.ts',
  // The push queue's visibility timeout is 6× this, and delivery claims last 2× (delivery-log.ts).
  timeoutSeconds: QUEUE_CONSUMER_TIMEOUT_SECONDS.push,
  memoryMB: 512,
  runtime: 22,
  // Writes the Device model table: in the data stack with it.
  resourceGroupName: 'data',
  environment: { ...baseFunctionEnvironment() },
});
