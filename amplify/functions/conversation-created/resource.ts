import { defineFunction, secret } from '@aws-amplify/backend';
import { baseFunctionEnvironment } from '../../environment';

/** Conversation INSERT (stream): a welcome message, and the broker CRM is told. */
export const conversationCreated = defineFunction({
  name: 'conversation-created',
  entry: './handler.ts',
  timeoutSeconds: 30,
  memoryMB: 512,
  runtime: 22,
  // Stream-triggered: in the data stack with its table, or the stacks would refer to each other.
  resourceGroupName: 'data',
  environment: {
    ...baseFunctionEnvironment(),
    SERVICE_TOKEN_KEY: secret('SERVICE_TOKEN_KEY'),
    SERVICE_TOKEN_KID: secret('SERVICE_TOKEN_KID'),
  },
});
