import { defineFunction } from '@aws-amplify/backend';
import { baseFunctionEnvironment } from '../../function-environment';

/** Query badge and mutation markNotificationsRead: the app badge = unread chats + unread notifications. */
export const badgeSync = defineFunction({
  name: 'badge-sync',
  entry: './handler.ts',
  timeoutSeconds: 15,
  memoryMB: 256,
  runtime: 22,
  // A data source of the API that also calls it (allow.resource): in the data stack, or the
  // stacks would refer to each other.
  resourceGroupName: 'data',
  environment: { ...baseFunctionEnvironment() },
});
