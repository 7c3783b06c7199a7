import { defineFunction } from '@aws-amplify/backend';
import { currentDeployment, ssmParameterName } from '../../environment';
import { baseFunctionEnvironment } from '../../function-environment';
import { ENV } from '../shared/env-names';
import { SSM_PATHS } from '../shared/ssm-paths';

/** postConfirmation: the profile, the USERS group and user.created, each exactly once. */
export const userPostConfirmation = defineFunction({
  name: 'user-post-confirmation',
  entry: './handler.ts',
  // Cognito waits 5 seconds for a trigger, then retries (up to three times in all).
  timeoutSeconds: 5,
  memoryMB: 512,
  runtime: 22,
  // Triggers live in the auth stack: the user pool refers to them, so they must not refer back.
  resourceGroupName: 'auth',
  environment: {
    ...baseFunctionEnvironment(),
    [ENV.USER_PROFILE_TABLE_PARAMETER]: ssmParameterName(currentDeployment(), SSM_PATHS.userProfileTable),
  },
});
