import type { OtpChallengeStore } from '../shared/otp/otp-challenge-store';
import {
  isLocked,
  lastCooldownStart,
  type OtpLimits,
  otpAnswerMatches,
  type PhoneOtpState,
  recordSignIn,
  recordWrongAnswer,
} from '../shared/otp/otp-policy';

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
 * number across sessions; during a cooldown every answer is refused, and a code issued before
 * the latest cooldown never works again. A number with no account walks exactly the same path
 * (reads, counting, cooldowns) and is never right, so sign-in does not tell who has an account.
 */
export async function verifyAnswer(input: VerifyAnswerInput, deps: VerifyAnswerDeps): Promise<boolean> {
  if (!input.challengeId) return false;
  const challenge = await deps.store.getChallenge(input.challengeId);
  if (!challenge) return false;

  const { state } = await deps.store.getPhoneState(challenge.phoneKey);
  if (isLocked(state, deps.now()) || issuedBeforeCooldown(challenge.expiresAtMs, state, deps.limits)) {
    return false;
  }

  // Compared even for a number with no account, so both take the same time.
  const matches = otpAnswerMatches(deps.pepper, challenge.challengeId, input.answer, challenge.codeHash);
  if (matches && challenge.userExists && !input.userNotFound) {
    const consumed = await deps.store.consumeChallenge(challenge.challengeId);
    if (!consumed) return false;
    // A used code is not live any more: another device signing in right after gets its own code
    // rather than this one (which no longer works) and no SMS.
    await deps.store.clearLiveChallenge(challenge.phoneKey, challenge.challengeId);
    await updatePhoneState(challenge.phoneKey, deps, (current) => recordSignIn(current));
    return true;
  }

  await updatePhoneState(
    challenge.phoneKey,
    deps,
    (current, now) => recordWrongAnswer(current, now, deps.limits).state,
  );
  return false;
}

function issuedBeforeCooldown(expiresAtMs: number, state: PhoneOtpState, limits: OtpLimits): boolean {
  const cooldownStart = lastCooldownStart(state);
  return cooldownStart !== undefined && expiresAtMs - limits.codeTtlMs <= cooldownStart;
}

async function updatePhoneState(
  key: string,
  deps: VerifyAnswerDeps,
  change: (state: PhoneOtpState, now: number) => PhoneOtpState,
): Promise<void> {
  for (let attempt = 0; attempt < STATE_WRITE_ATTEMPTS; attempt++) {
    const { state, version } = await deps.store.getPhoneState(key);
    if (await deps.store.savePhoneState(key, change(state, deps.now()), version)) return;
  }
  throw new Error('OTP failure count changed concurrently too many times');
}
