import { defineFunction } from '@aws-amplify/backend';
import { baseFunctionEnvironment } from '../../environment';

/** Message INSERT (stream): one push request on the `push` queue per recipient. */
export const messagePush = defineFunction({
  name: 'message-push',
  entry: './handler.ts',
  timeoutSeconds: 30,
  memoryMB: 512,
  runtime: 22,
  // Stream-triggered: in the data stack with its table, or the stacks would refer to each other.
  resourceGroupName: 'data',
  environment: { ...baseFunctionEnvironment() },
});
