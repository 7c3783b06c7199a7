import { UserFacingError } from '../shared/errors';

/**
 * The per-user send limit as a sliding window over the times of recent sends: no burst of
 * 2× the limit across a window boundary, as a fixed window would allow.
 */

export interface RateLimit {
  limit: number;
  windowMs: number;
}

export const SEND_RATE_LIMIT: RateLimit = { limit: 20, windowMs: 10_000 };

export type RateDecision = { allowed: true; state: number[] } | { allowed: false; retryAfterMs: number };

/**
 * `state` is the epoch ms of the caller's recent sends. Allowed: the new state to store (the
 * sends still in the window plus this one, at most `limit` entries). Refused: how long until the
 * oldest send that counts leaves the window.
 */
export function decideRate(
  state: readonly number[],
  now: number,
  rate: RateLimit = SEND_RATE_LIMIT,
): RateDecision {
  const recent = state.filter((t) => Number.isFinite(t) && t > now - rate.windowMs).sort((a, b) => a - b);
  if (recent.length >= rate.limit) {
    const oldestCounted = recent[recent.length - rate.limit]!;
    return { allowed: false, retryAfterMs: Math.max(1, oldestCounted + rate.windowMs - now) };
  }
  return { allowed: true, state: [...recent, now].slice(-rate.limit) };
}

export function rateLimitedError(retryAfterMs: number): UserFacingError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new UserFacingError(
    `RATE_LIMITED: 메시지를 너무 빠르게 보내고 있습니다. ${seconds}초 후에 다시 시도해주세요. ` +
      `(You are sending messages too fast; try again in ${seconds} s.)`,
  );
}
