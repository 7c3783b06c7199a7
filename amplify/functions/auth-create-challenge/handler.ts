import { randomUUID } from 'node:crypto';
import type { CreateAuthChallengeTriggerEvent } from 'aws-lambda';
import { documentClient } from '../shared/dynamo';
import { logger } from '../shared/logger';
import { createOtpChallengeStore } from '../shared/otp/otp-challenge-store';
import { otpLimits, otpPepper, otpTableName } from '../shared/otp/otp-config';
import { sendSms } from '../shared/otp/sms-client';
import { withSentry } from '../shared/sentry';
import { createChallenge } from './create-challenge';

export const handler = withSentry(async (event: CreateAuthChallengeTriggerEvent) => {
  const { issued, response } = await createChallenge(event, {
    store: createOtpChallengeStore({ client: documentClient, tableName: otpTableName() }),
    sendSms,
    pepper: otpPepper(),
    limits: otpLimits(),
    now: Date.now,
    newChallengeId: randomUUID,
  });
  logger.info('sign-in code issued', { reused: issued.reused, smsSent: issued.smsSent });
  event.response = response;
  return event;
});
