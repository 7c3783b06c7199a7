import { defineFunction } from '@aws-amplify/backend';
import { baseFunctionEnvironment } from '../../environment';

/** startConversation and sendMessage (chat's GraphQL entry points); writes go through AppSync. */
export const conversationLink = defineFunction({
  name: 'conversation-link',
  entry: './handler.ts',
  timeoutSeconds: 10,
  memoryMB: 512,
  runtime: 22,
  resourceGroupName: 'data',
  environment: {
    ...baseFunctionEnvironment(),
  },
});
