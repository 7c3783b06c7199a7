import { describe, expect, it } from 'vitest';
import {
  decideRate,
  rateLimitedError,
  SEND_RATE_LIMIT,
} from '../../../amplify/functions/conversation-link/rate-limit';
import { UserFacingError } from '../../../amplify/functions/shared/errors';

const start = 1_741_917_600_000;

/** Sends one message every `gapMs`, returning the state after the last allowed one. */
function sendMany(count: number, gapMs: number, state: number[] = []): number[] {
  let current = state;
  for (let i = 0; i < count; i++) {
    const decision = decideRate(current, start + i * gapMs);
    if (!decision.allowed) throw new Error(`send ${i + 1} was refused`);
    current = decision.state;
  }
  return current;
}

describe('the send rate limit', () => {
  it('is 20 messages in 10 seconds', () => {
    expect(SEND_RATE_LIMIT).toEqual({ limit: 20, windowMs: 10_000 });
  });

  it('allows 20 messages in a burst and refuses the 21st with how long to wait', () => {
    const state = sendMany(20, 100);
    expect(state).toHaveLength(20);
    const now = start + 2_000;
    expect(decideRate(state, now)).toEqual({ allowed: false, retryAfterMs: start + 10_000 - now });
  });

  it('allows sending again once the oldest send has left the window', () => {
    const state = sendMany(20, 100);
    expect(decideRate(state, start + 9_999).allowed).toBe(false);
    const again = decideRate(state, start + 10_000);
    expect(again.allowed).toBe(true);
    expect(again.allowed && again.state).toHaveLength(20);
    // Only one slot freed up: the next send right after is refused again.
    expect(again.allowed && decideRate(again.state, start + 10_001).allowed).toBe(false);
  });

  it('never lets more than 20 through in any 10-second window, however the sends are spread', () => {
    let state: number[] = [];
    const allowedAt: number[] = [];
    for (let t = start; t < start + 60_000; t += 137) {
      const decision = decideRate(state, t);
      if (decision.allowed) {
        state = decision.state;
        allowedAt.push(t);
      }
    }
    for (const t of allowedAt) {
      expect(allowedAt.filter((other) => other >= t && other < t + 10_000).length).toBeLessThanOrEqual(20);
    }
    expect(allowedAt.length).toBeGreaterThan(100);
  });

  it('keeps the stored state bounded and ignores unreadable entries', () => {
    const noisy = [Number.NaN, start - 60_000, ...Array.from({ length: 5 }, (_, i) => start + i)];
    const decision = decideRate(noisy, start + 10);
    expect(decision).toEqual({
      allowed: true,
      state: [start, start + 1, start + 2, start + 3, start + 4, start + 10],
    });
  });

  it('applies a custom limit', () => {
    expect(decideRate([start, start + 1], start + 2, { limit: 2, windowMs: 1_000 })).toEqual({
      allowed: false,
      retryAfterMs: 998,
    });
  });

  it('explains the refusal in Korean and English with whole seconds to wait', () => {
    const error = rateLimitedError(1_200);
    expect(error).toBeInstanceOf(UserFacingError);
    expect(error.message).toBe(
      'RATE_LIMITED: 메시지를 너무 빠르게 보내고 있습니다. 2초 후에 다시 시도해주세요. ' +
        '(You are sending messages too fast; try again in 2 s.)',
    );
  });
});
