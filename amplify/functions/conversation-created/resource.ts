import { defineFunction } from '@aws-amplify/backend';
import { baseFunctionEnvironment } from '../../function-environment';

/**
 * Conversation INSERT/MODIFY (stream): a welcome message, the conversation's facts on SNS
 * chat-events, and the broker CRM's command on the legacy-relay queue. No Legacy API call.
 */
export const conversationCreated = defineFunction({
  name: 'conversation-created',
  entry: './handler.ts',
  timeoutSeconds: 30,
  memoryMB: 512,
  runtime: 22,
  // Stream-triggered: in the data stack with its table, or the stacks would refer to each other.
  resourceGroupName: 'data',
  environment: { ...baseFunctionEnvironment() },
});
