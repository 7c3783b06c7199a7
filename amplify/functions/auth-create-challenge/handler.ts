import { randomUUID } from 'node:crypto';
import type { CreateAuthChallengeTriggerEvent } from 'aws-lambda';
import { documentClient } from '../shared/dynamo';
import { UserFacingError } from '../shared/errors';
import { logger } from '../shared/logger';
import { createOtpChallengeStore } from '../shared/otp/otp-challenge-store';
import { otpLimits, otpPepper, otpTableName } from '../shared/otp/otp-config';
import { OTP_LENGTH } from '../shared/otp/otp-policy';
import { maskPhone, normalizeKoreanMobile } from '../shared/otp/phone';
import { sendSms } from '../shared/otp/sms-client';
import { withSentry } from '../shared/sentry';
import { challengeMetadataFor, issueCode } from './issue-code';

export const handler = withSentry(async (event: CreateAuthChallengeTriggerEvent) => {
  const phone = normalizeKoreanMobile(event.request.userAttributes.phone_number ?? event.userName);
  if (!phone.ok) throw new UserFacingError(`INVALID_PHONE: ${phone.message.ko} (${phone.message.en})`);

  const limits = otpLimits();
  const issued = await issueCode(
    {
      phone: phone.e164,
      userExists: event.request.userNotFound !== true,
      session: event.request.session ?? [],
    },
    {
      store: createOtpChallengeStore({ client: documentClient, tableName: otpTableName() }),
      sendSms,
      pepper: otpPepper(),
      limits,
      now: Date.now,
      newChallengeId: randomUUID,
    },
  );
  logger.info('sign-in code issued', { reused: issued.reused, smsSent: issued.smsSent });

  event.response.publicChallengeParameters = {
    phone: maskPhone(phone.e164),
    codeLength: String(OTP_LENGTH),
    expiresInSeconds: String(limits.codeTtlMs / 1000),
  };
  event.response.privateChallengeParameters = { challengeId: issued.challengeId };
  event.response.challengeMetadata = challengeMetadataFor(issued.challengeId);
  return event;
});
