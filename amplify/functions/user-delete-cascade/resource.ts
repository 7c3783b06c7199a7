import { defineFunction } from '@aws-amplify/backend';
import { baseFunctionEnvironment } from '../../function-environment';

/** Mutation deleteAccount and the UserProfile stream's REMOVE: the account deleted everywhere, resumably. */
export const userDeleteCascade = defineFunction({
  name: 'user-delete-cascade',
  entry: './handler.ts',
  // A big account takes several pages of work; a run that nears the timeout saves where it is.
  timeoutSeconds: 300,
  memoryMB: 512,
  runtime: 22,
  // A data source of the API that it also calls (allow.resource), reading model tables directly:
  // in the data stack, or the stacks would refer to each other.
  resourceGroupName: 'data',
  environment: { ...baseFunctionEnvironment() },
});
