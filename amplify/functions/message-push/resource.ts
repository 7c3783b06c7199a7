import { defineFunction } from '@aws-amplify/backend';
import { QUEUE_CONSUMER_TIMEOUT_SECONDS } from '../../custom/messaging/resource';
import { baseFunctionEnvironment } from '../../function-environment';

/** SQS message-sent (chat-events' `message.sent`): one push request on the `push` queue per recipient. */
export const messagePush = defineFunction({
  name: 'message-push',
  entry: './handler.ts',
  // Its queue's visibility timeout is 6× this.
  timeoutSeconds: QUEUE_CONSUMER_TIMEOUT_SECONDS['message-sent'],
  memoryMB: 512,
  runtime: 22,
  // Reads model tables by name and ARN: in the data stack with them.
  resourceGroupName: 'data',
  environment: { ...baseFunctionEnvironment() },
});
