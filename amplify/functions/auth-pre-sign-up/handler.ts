import type { PreSignUpTriggerEvent } from 'aws-lambda';
import { UserFacingError } from '../shared/errors';
import { logger } from '../shared/logger';
import { blockedPhoneNumbers } from '../shared/otp/blocked-phones';
import { withSentry } from '../shared/sentry';
import { decideSignUp } from './sign-up-policy';

export const handler = withSentry(async (event: PreSignUpTriggerEvent) => {
  const decision = decideSignUp(event.request.userAttributes.phone_number, await blockedPhoneNumbers());
  if (!decision.ok) {
    logger.info('sign-up refused', { reason: decision.message.split(':')[0] });
    // Cognito hands the message to the app: "PreSignUp failed with error <message>."
    throw new UserFacingError(decision.message);
  }
  event.response.autoConfirmUser = true;
  event.response.autoVerifyPhone = true;
  return event;
});
