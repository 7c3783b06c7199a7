import type { VerifyAuthChallengeResponseTriggerEvent } from 'aws-lambda';
import { documentClient } from '../shared/dynamo';
import { logger } from '../shared/logger';
import { createOtpChallengeStore } from '../shared/otp/otp-challenge-store';
import { otpLimits, otpPepper, otpTableName } from '../shared/otp/otp-config';
import { withSentry } from '../shared/sentry';
import { verifyAnswer } from './verify-answer';

export const handler = withSentry(async (event: VerifyAuthChallengeResponseTriggerEvent) => {
  const correct = await verifyAnswer(
    {
      challengeId: event.request.privateChallengeParameters?.challengeId,
      answer: event.request.challengeAnswer,
      userNotFound: event.request.userNotFound === true,
    },
    {
      store: createOtpChallengeStore({ client: documentClient, tableName: otpTableName() }),
      pepper: otpPepper(),
      limits: otpLimits(),
      now: Date.now,
    },
  );
  logger.info('sign-in code checked', { correct });
  event.response.answerCorrect = correct;
  return event;
});
