import type { OtpChallengeStore } from '../shared/otp-challenge-store';
import { isLocked, type OtpLimits, otpAnswerMatches, recordWrongAnswer } from '../shared/otp-policy';

export interface VerifyAnswerDeps {
  store: OtpChallengeStore;
  pepper: string;
  limits: OtpLimits;
  now: () => number;
}

export interface VerifyAnswerInput {
  challengeId: string | undefined;
  answer: unknown;
  userNotFound: boolean;
}

const STATE_WRITE_ATTEMPTS = 3;

/**
 * True only for the right code of a live challenge, once. A wrong answer counts against the
 * number across sessions; a locked number is refused even with the right code.
 */
export async function verifyAnswer(input: VerifyAnswerInput, deps: VerifyAnswerDeps): Promise<boolean> {
  if (input.userNotFound || !input.challengeId) return false;
  const challenge = await deps.store.getChallenge(input.challengeId);
  if (!challenge) return false;

  const { state } = await deps.store.getPhoneState(challenge.phoneKey);
  if (isLocked(state, deps.now())) return false;

  const correct =
    challenge.userExists &&
    otpAnswerMatches(deps.pepper, challenge.challengeId, input.answer, challenge.codeHash);
  if (correct) {
    const consumed = await deps.store.consumeChallenge(challenge.challengeId);
    // A used code is not live any more: another device signing in right after gets its own code
    // rather than this one (which no longer works) and no SMS.
    if (consumed) await deps.store.clearLiveChallenge(challenge.phoneKey, challenge.challengeId);
    return consumed;
  }

  await countWrongAnswer(challenge.phoneKey, deps);
  return false;
}

async function countWrongAnswer(key: string, deps: VerifyAnswerDeps): Promise<void> {
  for (let attempt = 0; attempt < STATE_WRITE_ATTEMPTS; attempt++) {
    const { state, version } = await deps.store.getPhoneState(key);
    const next = recordWrongAnswer(state, deps.now(), deps.limits);
    if (await deps.store.savePhoneState(key, next.state, version)) return;
  }
  throw new Error('OTP failure count changed concurrently too many times');
}
