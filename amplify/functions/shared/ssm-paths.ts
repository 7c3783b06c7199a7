/**
 * SSM parameters under the deployment's prefix (SSM_PREFIX) that a stack or an operator
 * writes and a function reads. One list, used by backend.ts and by the functions.
 */
export const SSM_PATHS = {
  /** The UserProfile model table's name, for the postConfirmation trigger (no stack reference: cycle). */
  userProfileTable: 'data/tables/UserProfile',
  /** StringList of numbers refused at sign-up; maintained by support. */
  blockedPhoneNumbers: 'auth/blocked-phone-numbers',
} as const;
