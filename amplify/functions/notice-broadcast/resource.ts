import { defineFunction } from '@aws-amplify/backend';
import { baseFunctionEnvironment } from '../../function-environment';

/** SQS notice → NOTICE Notifications for the notice's audience, page by page, resumable. */
export const noticeBroadcast = defineFunction({
  name: 'notice-broadcast',
  entry: './handler.ts',
  // QUEUE_CONSUMER_TIMEOUT_SECONDS.notice: the queue's visibility timeout (360 s) is six times this.
  timeoutSeconds: 60,
  memoryMB: 512,
  runtime: 22,
  // Scans the UserProfile model table directly: in the data stack, or the stacks would refer to each other.
  resourceGroupName: 'data',
  environment: { ...baseFunctionEnvironment() },
});
