import { defineFunction } from '@aws-amplify/backend';
import { baseFunctionEnvironment } from '../../function-environment';

/** Message INSERT (stream): +1 unread for the other members, exactly once; last-message previews. */
export const messageUnreadCounter = defineFunction({
  name: 'message-unread-counter',
  entry: './handler.ts',
  timeoutSeconds: 30,
  memoryMB: 512,
  runtime: 22,
  // Stream-triggered: in the data stack with its table, or the stacks would refer to each other.
  resourceGroupName: 'data',
  environment: { ...baseFunctionEnvironment() },
});
