import { UserFacingError } from '../shared/errors';
import type { OtpChallengeStore } from '../shared/otp/otp-challenge-store';
import {
  decideCodeSend,
  generateOtpCode,
  hashOtpCode,
  isLocked,
  type OtpLimits,
  otpSmsText,
  phoneKey,
  refusalMessage,
} from '../shared/otp/otp-policy';

/** A refusal the user must see (limit reached, number locked); not a bug, so not for Sentry. */
export class OtpRefusedError extends UserFacingError {
  override name = 'OtpRefusedError';
}

export interface IssueCodeDeps {
  store: OtpChallengeStore;
  sendSms: (e164: string, text: string) => Promise<unknown>;
  pepper: string;
  limits: OtpLimits;
  now: () => number;
  newChallengeId: () => string;
  generateCode?: () => string;
}

export interface IssueCodeInput {
  /** E.164, already normalized. */
  phone: string;
  /** false for a number with no account: same answer, no SMS (no enumeration). */
  userExists: boolean;
  session: readonly { challengeMetadata?: string }[];
}

export interface IssuedChallenge {
  challengeId: string;
  reused: boolean;
  smsSent: boolean;
}

const METADATA_PREFIX = 'OTP:';
// Cognito retries a trigger that times out (5 s, up to 3 tries): a challenge issued this
// recently for the same number is that retry, or a double tap, and gets no second SMS.
const RETRY_WINDOW_MS = 20_000;
const STATE_WRITE_ATTEMPTS = 3;

export function challengeMetadataFor(challengeId: string): string {
  return `${METADATA_PREFIX}${challengeId}`;
}

/** The challenge this Cognito session already has, so a new round reuses its live code. */
export function challengeIdFromSession(session: IssueCodeInput['session']): string | undefined {
  for (let i = session.length - 1; i >= 0; i--) {
    const metadata = session[i]?.challengeMetadata;
    if (metadata?.startsWith(METADATA_PREFIX)) return metadata.slice(METADATA_PREFIX.length);
  }
  return undefined;
}

export async function issueCode(input: IssueCodeInput, deps: IssueCodeDeps): Promise<IssuedChallenge> {
  const fromSession = challengeIdFromSession(input.session);
  if (fromSession) return { challengeId: fromSession, reused: true, smsSent: false };

  const key = phoneKey(deps.pepper, input.phone);
  const { state } = await deps.store.getPhoneState(key);
  if (isLocked(state, deps.now())) {
    throw new OtpRefusedError(refusalMessage('locked', state.lockedUntil! - deps.now()));
  }
  const live = await deps.store.findLiveChallenge(key, RETRY_WINDOW_MS);
  if (live) return { challengeId: live, reused: true, smsSent: false };

  await reserveSend(key, deps);

  const code = (deps.generateCode ?? generateOtpCode)();
  const challengeId = deps.newChallengeId();
  await deps.store.putChallenge({
    challengeId,
    codeHash: hashOtpCode(deps.pepper, challengeId, code),
    phoneKey: key,
    userExists: input.userExists,
    expiresAtMs: deps.now() + deps.limits.codeTtlMs,
  });
  // Marked live before sending: a trigger killed mid-send is retried without a second SMS.
  await deps.store.setLiveChallenge(key, challengeId);
  if (!input.userExists) return { challengeId, reused: false, smsSent: false };
  try {
    await deps.sendSms(input.phone, otpSmsText(code));
  } catch (error) {
    await deps.store.clearLiveChallenge(key, challengeId);
    throw error;
  }
  return { challengeId, reused: false, smsSent: true };
}

/** Counts the send against the number's limits, or refuses it. */
async function reserveSend(key: string, deps: IssueCodeDeps): Promise<void> {
  for (let attempt = 0; attempt < STATE_WRITE_ATTEMPTS; attempt++) {
    const { state, version } = await deps.store.getPhoneState(key);
    const decision = decideCodeSend(state, deps.now(), deps.limits);
    if (!decision.allowed) throw new OtpRefusedError(refusalMessage(decision.reason, decision.retryAfterMs));
    if (await deps.store.savePhoneState(key, decision.state, version)) return;
  }
  throw new Error('OTP limits changed concurrently too many times; try again');
}
