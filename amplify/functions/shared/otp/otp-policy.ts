import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';

/**
 * The rules of SMS sign-in codes, as pure functions: how a code is made and checked, and
 * how many codes and wrong answers a phone number gets (DESIGN §2, functions 3 and 4).
 */

export const OTP_LENGTH = 6;

export interface OtpLimits {
  maxSendsPerHour: number;
  maxSendsPerDay: number;
  /** Wrong answers (since the last cooldown) that start a cooldown. */
  failuresPerCooldown: number;
  /** The cooldowns, escalating: the n-th of the last 24 hours lasts the n-th entry (the last repeats). */
  cooldownsMs: readonly number[];
  codeTtlMs: number;
  maxAttemptsPerSession: number;
}

const MINUTE_MS = 60 * 1000;

/**
 * Escalating cooldowns, not a 24-hour lock: a stranger typing wrong codes for someone's number
 * (issue 18) keeps them out for minutes, not a day. Every cooldown also kills the codes issued
 * before it, so each code gets at most `failuresPerCooldown` guesses and a day at most
 * `maxSendsPerDay × failuresPerCooldown` (50 of 10^6).
 */
export const DEFAULT_OTP_LIMITS: OtpLimits = {
  maxSendsPerHour: 5,
  maxSendsPerDay: 10,
  failuresPerCooldown: 5,
  cooldownsMs: [1, 5, 15, 60].map((minutes) => minutes * MINUTE_MS),
  codeTtlMs: 3 * MINUTE_MS,
  maxAttemptsPerSession: 3,
};

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

/**
 * A 6-digit code, uniform over 000000–999999. `crypto.randomInt` draws from the CSPRNG with
 * rejection sampling, so there is no modulo bias; an HOTP secret per challenge would add state
 * and nothing else, since the code is random and single use anyway.
 */
export function generateOtpCode(draw: (max: number) => number = randomInt): string {
  return String(draw(10 ** OTP_LENGTH)).padStart(OTP_LENGTH, '0');
}

/** Keyed hash of a code, bound to its challenge so a hash can't be replayed on another one. */
export function hashOtpCode(pepper: string, challengeId: string, code: string): string {
  return createHmac('sha256', pepper).update(`${challengeId}:${code}`).digest('hex');
}

/** Constant-time check of an answer against the stored hash; malformed answers never match. */
export function otpAnswerMatches(
  pepper: string,
  challengeId: string,
  answer: unknown,
  storedHash: string,
): boolean {
  const candidate = typeof answer === 'string' ? answer.trim() : '';
  const wellFormed = /^\d{6}$/.test(candidate);
  // Hash even a malformed answer, so the time taken does not tell the two cases apart.
  const candidateHash = Buffer.from(hashOtpCode(pepper, challengeId, wellFormed ? candidate : 'x'), 'hex');
  const expected = Buffer.from(storedHash, 'hex');
  return wellFormed && candidateHash.length === expected.length && timingSafeEqual(candidateHash, expected);
}

/** The OTP table never holds a phone number, only this keyed hash of it. */
export function phoneKey(pepper: string, e164: string): string {
  return createHmac('sha256', pepper).update(`phone:${e164}`).digest('hex');
}

/** What the OTP table remembers about one phone number, across sessions. */
export interface PhoneOtpState {
  /** Epoch ms of codes sent in the last 24 hours. */
  sentAt: number[];
  /** Epoch ms of wrong answers in the last 24 hours. */
  failedAt: number[];
  /** Epoch ms at which cooldowns started in the last 24 hours (they set the next one's length). */
  cooldownsAt?: number[];
  lockedUntil?: number;
}

export type OtpRefusal = 'locked' | 'hourly_limit' | 'daily_limit';

export type SendDecision =
  | { allowed: true; state: PhoneOtpState }
  | { allowed: false; reason: OtpRefusal; retryAfterMs: number };

export function emptyPhoneOtpState(): PhoneOtpState {
  return { sentAt: [], failedAt: [] };
}

function withinDay(times: number[], now: number): number[] {
  return times.filter((t) => t > now - DAY_MS && t <= now);
}

export function isLocked(state: PhoneOtpState, now: number): boolean {
  return state.lockedUntil !== undefined && state.lockedUntil > now;
}

/** May this number get a new code now? Sliding windows, so no burst at an hour boundary. */
export function decideCodeSend(state: PhoneOtpState, now: number, limits: OtpLimits): SendDecision {
  if (isLocked(state, now)) {
    return { allowed: false, reason: 'locked', retryAfterMs: state.lockedUntil! - now };
  }
  const sentToday = withinDay(state.sentAt, now).sort((a, b) => a - b);
  const sentThisHour = sentToday.filter((t) => t > now - HOUR_MS);
  if (sentToday.length >= limits.maxSendsPerDay) {
    const oldest = sentToday[sentToday.length - limits.maxSendsPerDay]!;
    return { allowed: false, reason: 'daily_limit', retryAfterMs: oldest + DAY_MS - now };
  }
  if (sentThisHour.length >= limits.maxSendsPerHour) {
    const oldest = sentThisHour[sentThisHour.length - limits.maxSendsPerHour]!;
    return { allowed: false, reason: 'hourly_limit', retryAfterMs: oldest + HOUR_MS - now };
  }
  return {
    allowed: true,
    state: { ...state, sentAt: [...sentToday, now], failedAt: withinDay(state.failedAt, now) },
  };
}

/** When the latest cooldown started; codes issued before it are no longer accepted. */
export function lastCooldownStart(state: PhoneOtpState): number | undefined {
  const starts = state.cooldownsAt ?? [];
  return starts.length > 0 ? Math.max(...starts) : undefined;
}

/**
 * Records a wrong answer. Every `failuresPerCooldown` wrong answers start a cooldown, longer
 * for each cooldown of the last 24 hours (1, 5, 15, 60 minutes by default), so the steps decay
 * after a quiet day.
 */
export function recordWrongAnswer(
  state: PhoneOtpState,
  now: number,
  limits: OtpLimits,
): { state: PhoneOtpState; locked: boolean } {
  const failedAt = [...withinDay(state.failedAt, now), now];
  const cooldownsAt = withinDay(state.cooldownsAt ?? [], now);
  const since = lastCooldownStart({ ...state, cooldownsAt }) ?? Number.NEGATIVE_INFINITY;
  const startCooldown = failedAt.filter((t) => t > since).length >= limits.failuresPerCooldown;
  const step = limits.cooldownsMs[Math.min(cooldownsAt.length, limits.cooldownsMs.length - 1)]!;
  const lockedUntil = startCooldown ? now + step : state.lockedUntil;
  return {
    state: {
      sentAt: withinDay(state.sentAt, now),
      failedAt,
      cooldownsAt: startCooldown ? [...cooldownsAt, now] : cooldownsAt,
      ...(lockedUntil ? { lockedUntil } : {}),
    },
    locked: startCooldown || isLocked(state, now),
  };
}

/** The owner signed in with a code sent to the phone: wrong answers and cooldowns are forgotten. */
export function recordSignIn(state: PhoneOtpState): PhoneOtpState {
  return { sentAt: state.sentAt, failedAt: [] };
}

/** The message a refused number sees, in Korean and English (it reaches the app verbatim). */
export function refusalMessage(reason: OtpRefusal, retryAfterMs: number): string {
  const minutes = Math.max(1, Math.ceil(retryAfterMs / 60_000));
  const wait = minutes >= 60 ? `${Math.ceil(minutes / 60)}시간` : `${minutes}분`;
  const waitEn = minutes >= 60 ? `${Math.ceil(minutes / 60)} hour(s)` : `${minutes} minute(s)`;
  switch (reason) {
    case 'locked':
      return `OTP_LOCKED: 인증 실패가 너무 많아 ${wait} 후에 새 인증번호를 받을 수 있습니다. (Too many wrong codes: request a new code in ${waitEn}.)`;
    case 'hourly_limit':
    case 'daily_limit':
      return `OTP_LIMIT: 인증번호 요청이 너무 많습니다. ${wait} 후 다시 시도해주세요. (Too many codes requested: try again in ${waitEn}.)`;
  }
}

/** The SMS text; the code appears nowhere else. */
export function otpSmsText(code: string): string {
  return `[부톡] 인증번호 [${code}]을 입력해주세요.`;
}
