import { defineFunction } from '@aws-amplify/backend';
import { baseFunctionEnvironment } from '../../function-environment';
import { otpLimitsEnvironment } from '../shared/otp/otp-config';

/** defineAuthChallenge: one SMS code a session, three answers at most. */
export const authDefineChallenge = defineFunction({
  name: 'auth-define-challenge',
  entry: './handler.ts',
  // Cognito waits 5 seconds for a trigger, then retries (up to three times in all).
  timeoutSeconds: 5,
  memoryMB: 256,
  runtime: 22,
  // Triggers live in the auth stack: the user pool refers to them, so they must not refer back.
  resourceGroupName: 'auth',
  environment: {
    ...baseFunctionEnvironment(),
    ...otpLimitsEnvironment(),
  },
});
