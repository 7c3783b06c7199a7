import { defineAuth } from '@aws-amplify/backend';
import { authCreateChallenge } from '../functions/auth-create-challenge/resource';
import { authDefineChallenge } from '../functions/auth-define-challenge/resource';
import { authPreSignUp } from '../functions/auth-pre-sign-up/resource';
import { authVerifyChallenge } from '../functions/auth-verify-challenge/resource';
import { userPostConfirmation } from '../functions/user-post-confirmation/resource';

/**
 * Cognito user pool: a Korean mobile number is the only sign-in identifier, proven by an
 * SMS code through the custom-auth triggers (DESIGN §2, functions 1–4 and 19). The app
 * client's flows and token lifetimes are set in backend.ts (defineAuth has no option for them).
 */
export const auth = defineAuth({
  loginWith: {
    phone: true,
  },
  groups: ['USERS', 'BROKERS', 'ADMINS'],
  triggers: {
    preSignUp: authPreSignUp,
    defineAuthChallenge: authDefineChallenge,
    createAuthChallenge: authCreateChallenge,
    verifyAuthChallengeResponse: authVerifyChallenge,
    postConfirmation: userPostConfirmation,
  },
  access: (allow) => [allow.resource(userPostConfirmation).to(['addUserToGroup'])],
});
