import { defineFunction } from '@aws-amplify/backend';
import { baseFunctionEnvironment } from '../../function-environment';

/** ConversationMember MODIFY (stream): when lastReadAt advances, exact unread, read receipt, badge. */
export const messageReadReceipt = defineFunction({
  name: 'message-read-receipt',
  entry: './handler.ts',
  timeoutSeconds: 30,
  memoryMB: 256,
  runtime: 22,
  // Stream-triggered: in the data stack with its table, or the stacks would refer to each other.
  resourceGroupName: 'data',
  environment: { ...baseFunctionEnvironment() },
});
