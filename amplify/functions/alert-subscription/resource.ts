import { defineFunction } from '@aws-amplify/backend';
import { baseFunctionEnvironment } from '../../function-environment';

/** The owner's alert subscriptions, validated: addAlertSubscription, editAlertSubscription, removeAlertSubscription. */
export const alertSubscription = defineFunction({
  name: 'alert-subscription',
  entry: './handler.ts',
  timeoutSeconds: 10,
  memoryMB: 256,
  runtime: 22,
  // A GraphQL resolver granted allow.resource: in the data stack, or the stacks would refer to each other.
  resourceGroupName: 'data',
  environment: { ...baseFunctionEnvironment() },
});
