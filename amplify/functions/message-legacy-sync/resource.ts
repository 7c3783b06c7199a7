import { defineFunction } from '@aws-amplify/backend';
import { baseFunctionEnvironment } from '../../function-environment';

/** Message stream → chat events on SNS chat-events, for the Legacy API and (message.sent) message-push. */
export const messageLegacySync = defineFunction({
  name: 'message-legacy-sync',
  entry: './handler.ts',
  timeoutSeconds: 30,
  memoryMB: 256,
  runtime: 22,
  // Stream-triggered: in the data stack with its table, or the stacks would refer to each other.
  resourceGroupName: 'data',
  environment: { ...baseFunctionEnvironment() },
});
