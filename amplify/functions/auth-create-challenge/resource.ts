import { defineFunction, secret } from '@aws-amplify/backend';
import { baseFunctionEnvironment } from '../../function-environment';
import { ENV } from '../shared/env-names';
import { otpLimitsEnvironment } from '../shared/otp/otp-config';

/** createAuthChallenge: issues the SMS code within the per-number limits. */
export const authCreateChallenge = defineFunction({
  name: 'auth-create-challenge',
  entry: './handler.ts',
  // Cognito waits 5 seconds for a trigger, then retries (up to three times in all).
  timeoutSeconds: 5,
  memoryMB: 512,
  runtime: 22,
  // Triggers live in the auth stack: the user pool refers to them, so they must not refer back.
  resourceGroupName: 'auth',
  environment: {
    ...baseFunctionEnvironment(),
    ...otpLimitsEnvironment(),
    [ENV.OTP_PEPPER]: secret('OTP_PEPPER'),
  },
});
