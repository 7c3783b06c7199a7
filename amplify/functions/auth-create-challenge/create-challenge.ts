import type { CreateAuthChallengeTriggerEvent } from 'aws-lambda';
import { UserFacingError } from '../shared/errors';
import { OTP_LENGTH } from '../shared/otp/otp-policy';
import { maskPhone, normalizeKoreanMobile } from '../shared/otp/phone';
import {
  challengeMetadataFor,
  type IssueCodeDeps,
  type IssueCodeInput,
  type IssuedChallenge,
  issueCode,
} from './issue-code';

export type ChallengeResponse = CreateAuthChallengeTriggerEvent['response'];

/** The number and Cognito session issueCode takes; a number that is not a Korean mobile is refused. */
export function issueCodeInput(event: CreateAuthChallengeTriggerEvent): IssueCodeInput {
  // An unknown number has no attributes: the number typed at sign-in is its user name.
  const phone = normalizeKoreanMobile(event.request.userAttributes.phone_number ?? event.userName);
  if (!phone.ok) throw new UserFacingError(`INVALID_PHONE: ${phone.message.ko} (${phone.message.en})`);
  return {
    phone: phone.e164,
    userExists: event.request.userNotFound !== true,
    session: event.request.session ?? [],
  };
}

/** The app sees the masked number and the code's shape; only verify sees the challenge id. */
export function challengeResponse(
  phone: string,
  issued: IssuedChallenge,
  codeTtlMs: number,
): ChallengeResponse {
  return {
    publicChallengeParameters: {
      phone: maskPhone(phone),
      codeLength: String(OTP_LENGTH),
      expiresInSeconds: String(codeTtlMs / 1000),
    },
    privateChallengeParameters: { challengeId: issued.challengeId },
    challengeMetadata: challengeMetadataFor(issued.challengeId),
  };
}

/** createAuthChallenge: the event's number, a code issued (or reused) for it, Cognito's answer. */
export async function createChallenge(
  event: CreateAuthChallengeTriggerEvent,
  deps: IssueCodeDeps,
): Promise<{ issued: IssuedChallenge; response: ChallengeResponse }> {
  const input = issueCodeInput(event);
  const issued = await issueCode(input, deps);
  return { issued, response: challengeResponse(input.phone, issued, deps.limits.codeTtlMs) };
}
