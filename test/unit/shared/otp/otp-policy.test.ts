import { describe, expect, it } from 'vitest';
import {
  DEFAULT_OTP_LIMITS,
  decideCodeSend,
  emptyPhoneOtpState,
  generateOtpCode,
  hashOtpCode,
  lastCooldownStart,
  otpAnswerMatches,
  otpSmsText,
  type PhoneOtpState,
  phoneKey,
  recordSignIn,
  recordWrongAnswer,
} from '../../../../amplify/functions/shared/otp/otp-policy';

const MINUTE = 60 * 1000;
const HOUR = 60 * MINUTE;
const limits = DEFAULT_OTP_LIMITS;
const pepper = 'test-pepper-0123456789';

describe('OTP codes', () => {
  it('are six digits and keep leading zeros', () => {
    expect(generateOtpCode(() => 42)).toBe('000042');
    expect(generateOtpCode(() => 999_999)).toBe('999999');
    expect(generateOtpCode()).toMatch(/^\d{6}$/);
  });

  it('draw from the whole range 000000–999999', () => {
    let max = 0;
    generateOtpCode((bound) => {
      max = bound;
      return 0;
    });
    expect(max).toBe(1_000_000);
  });

  it('are uniform enough that every digit appears in every position', () => {
    const counts = Array.from({ length: 6 }, () => new Array<number>(10).fill(0));
    const draws = 20_000;
    for (let i = 0; i < draws; i++) {
      const code = generateOtpCode();
      for (let position = 0; position < 6; position++) counts[position]![Number(code[position])]!++;
    }
    for (const position of counts) {
      for (const count of position) {
        // Expected 2,000 per digit; ±20 % is far outside chance (σ ≈ 42) yet catches real bias.
        expect(count).toBeGreaterThan(1_600);
        expect(count).toBeLessThan(2_400);
      }
    }
    // A chi-square over all 60 cells stays below the 99.9th percentile for 54 degrees of freedom.
    const chi = counts.flat().reduce((sum, count) => sum + (count - draws / 10) ** 2 / (draws / 10), 0);
    expect(chi).toBeLessThan(94.5);
  });

  it('match only the right answer for the right challenge', () => {
    const hash = hashOtpCode(pepper, 'challenge-1', '123456');
    expect(otpAnswerMatches(pepper, 'challenge-1', '123456', hash)).toBe(true);
    expect(otpAnswerMatches(pepper, 'challenge-1', ' 123456 ', hash)).toBe(true);
    expect(otpAnswerMatches(pepper, 'challenge-1', '123457', hash)).toBe(false);
    expect(otpAnswerMatches(pepper, 'challenge-2', '123456', hash)).toBe(false);
    expect(otpAnswerMatches('another-pepper-0123', 'challenge-1', '123456', hash)).toBe(false);
  });

  it('never match a malformed answer', () => {
    const hash = hashOtpCode(pepper, 'c', '123456');
    for (const answer of [
      '',
      '12345',
      '1234567',
      'abcdef',
      '12345a',
      undefined,
      null,
      123456,
      { code: '123456' },
    ]) {
      expect(otpAnswerMatches(pepper, 'c', answer, hash)).toBe(false);
    }
  });

  it('are stored as a hash that does not contain the code or the phone', () => {
    const hash = hashOtpCode(pepper, 'c', '123456');
    expect(hash).not.toContain('123456');
    expect(phoneKey(pepper, '+821012345678')).not.toContain('1012345678');
    expect(phoneKey(pepper, '+821012345678')).toBe(phoneKey(pepper, '+821012345678'));
  });

  it('go out in the agreed SMS text', () => {
    expect(otpSmsText('123456')).toBe('[부톡] 인증번호 [123456]을 입력해주세요.');
  });
});

describe('OTP send limits', () => {
  const start = Date.UTC(2026, 10, 26, 3, 0, 0);

  function sendMany(count: number, spacingMs: number) {
    let state = emptyPhoneOtpState();
    for (let i = 0; i < count; i++) {
      const decision = decideCodeSend(state, start + i * spacingMs, limits);
      if (!decision.allowed) throw new Error(`send ${i + 1} refused: ${decision.reason}`);
      state = decision.state;
    }
    return state;
  }

  it('allow five codes in an hour and refuse the sixth', () => {
    const state = sendMany(5, 60_000);
    const sixth = decideCodeSend(state, start + 5 * 60_000, limits);
    expect(sixth).toMatchObject({ allowed: false, reason: 'hourly_limit' });
    // The oldest of the five leaves the window one hour after it was sent.
    expect(sixth.allowed === false && sixth.retryAfterMs).toBe(HOUR - 5 * 60_000);
  });

  it('allow a new code once the oldest of the hour has aged out', () => {
    const state = sendMany(5, 60_000);
    expect(decideCodeSend(state, start + HOUR + 1, limits).allowed).toBe(true);
  });

  it('refuse the eleventh code in a day even when spread over hours', () => {
    const state = sendMany(10, 2 * HOUR);
    expect(decideCodeSend(state, start + 20 * HOUR, limits)).toMatchObject({
      allowed: false,
      reason: 'daily_limit',
    });
  });

  /** `count` wrong answers, `spacingMs` apart from `from`, on top of `state`. */
  function wrongAnswers(state: PhoneOtpState, count: number, from: number, spacingMs = 1000) {
    let locked = false;
    for (let i = 0; i < count; i++)
      ({ state, locked } = recordWrongAnswer(state, from + i * spacingMs, limits));
    return { state, locked };
  }

  it('start a one-minute cooldown at the fifth wrong answer, not a day-long lock', () => {
    const four = wrongAnswers(emptyPhoneOtpState(), 4, start);
    expect(four.locked).toBe(false);
    const fifth = recordWrongAnswer(four.state, start + 4000, limits);
    expect(fifth.locked).toBe(true);
    expect(decideCodeSend(fifth.state, start + 4000 + MINUTE - 1, limits)).toMatchObject({
      allowed: false,
      reason: 'locked',
      retryAfterMs: 1,
    });
    expect(decideCodeSend(fifth.state, start + 4000 + MINUTE, limits).allowed).toBe(true);
  });

  it('escalate the cooldowns to 5, 15 and then 60 minutes for repeated wrong answers', () => {
    let state = emptyPhoneOtpState();
    let at = start;
    const lengths: number[] = [];
    for (let round = 0; round < 5; round++) {
      ({ state } = wrongAnswers(state, 5, at));
      lengths.push(state.lockedUntil! - (at + 4000));
      at = state.lockedUntil!;
    }
    expect(lengths).toEqual([1, 5, 15, 60, 60].map((minutes) => minutes * MINUTE));
  });

  it('start again from one minute after a day without cooldowns', () => {
    let { state } = wrongAnswers(emptyPhoneOtpState(), 5, start);
    ({ state } = wrongAnswers(state, 5, start + 2 * MINUTE));
    expect(state.lockedUntil! - (start + 2 * MINUTE + 4000)).toBe(5 * MINUTE);
    const later = start + 25 * HOUR;
    ({ state } = wrongAnswers(state, 5, later));
    expect(state.lockedUntil! - (later + 4000)).toBe(MINUTE);
  });

  it('forget wrong answers and cooldowns once the owner signs in', () => {
    let { state } = wrongAnswers(emptyPhoneOtpState(), 9, start);
    state = recordSignIn(state);
    expect(state).toEqual({ sentAt: [], failedAt: [] });
    expect(lastCooldownStart(state)).toBeUndefined();
    expect(recordWrongAnswer(state, start + HOUR, limits).locked).toBe(false);
  });

  it('forget wrong answers older than a day', () => {
    let state = emptyPhoneOtpState();
    for (let i = 0; i < 4; i++) state = recordWrongAnswer(state, start + i, limits).state;
    const next = recordWrongAnswer(state, start + 25 * HOUR, limits);
    expect(next.locked).toBe(false);
    expect(next.state.failedAt).toHaveLength(1);
  });
});
