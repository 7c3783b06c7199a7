import { describe, expect, it } from 'vitest';
import {
  DEFAULT_OTP_LIMITS,
  decideCodeSend,
  emptyPhoneOtpState,
  generateOtpCode,
  hashOtpCode,
  otpAnswerMatches,
  otpSmsText,
  phoneKey,
  recordWrongAnswer,
} from '../../../amplify/functions/shared/otp-policy';

const HOUR = 60 * 60 * 1000;
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

  it('lock a number for 24 hours at the tenth wrong answer of the day', () => {
    let state = emptyPhoneOtpState();
    let locked = false;
    for (let i = 0; i < 10; i++) {
      ({ state, locked } = recordWrongAnswer(state, start + i * 1000, limits));
      expect(locked).toBe(i === 9);
    }
    const refused = decideCodeSend(state, start + 23 * HOUR, limits);
    expect(refused).toMatchObject({ allowed: false, reason: 'locked' });
    expect(decideCodeSend(state, start + 9000 + 24 * HOUR + 1, limits).allowed).toBe(true);
  });

  it('forget wrong answers older than a day', () => {
    let state = emptyPhoneOtpState();
    for (let i = 0; i < 9; i++) state = recordWrongAnswer(state, start + i, limits).state;
    const next = recordWrongAnswer(state, start + 25 * HOUR, limits);
    expect(next.locked).toBe(false);
    expect(next.state.failedAt).toHaveLength(1);
  });
});
