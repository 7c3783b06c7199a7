import { defineFunction } from '@aws-amplify/backend';
import { baseFunctionEnvironment } from '../../function-environment';

/** registerDevice (a push token becomes the caller's), updateProfile and updateConsents: what the app sets for its user. */
export const deviceRegister = defineFunction({
  name: 'device-register',
  entry: './handler.ts',
  timeoutSeconds: 10,
  memoryMB: 256,
  runtime: 22,
  // A data source of the API that also calls it (allow.resource): in the data stack, or the
  // stacks would refer to each other.
  resourceGroupName: 'data',
  environment: { ...baseFunctionEnvironment() },
});
