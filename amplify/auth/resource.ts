import { defineAuth } from '@aws-amplify/backend';

/**
 * Cognito user pool: a Korean mobile number is the only sign-in identifier, proven by an
 * SMS code through the custom-auth triggers (DESIGN §2, functions 1–4 and 19).
 */
export const auth = defineAuth({
  loginWith: {
    phone: true,
  },
  groups: ['USERS', 'BROKERS', 'ADMINS'],
});
