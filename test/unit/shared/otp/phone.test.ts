import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskPhone, normalizeKoreanMobile } from '../../../../amplify/functions/shared/otp/phone';

describe('normalizeKoreanMobile', () => {
  it.each([
    '010-1234-5678',
    '01012345678',
    '+82 10 1234 5678',
    '82-10-1234-5678',
    '+82-10-1234-5678',
    '+82 010-1234-5678',
    '+821012345678',
    '010.1234.5678',
    '(010) 1234-5678',
    ' 010 1234 5678 ',
  ])('normalizes %s to +821012345678', (input) => {
    expect(normalizeKoreanMobile(input)).toEqual({ ok: true, e164: '+821012345678' });
  });

  it.each([
    ['02-123-4567', 'not_mobile'],
    ['031-123-4567', 'not_mobile'],
    ['070-1234-5678', 'not_mobile'],
    ['080-123-4567', 'not_mobile'],
    ['1588-1234', 'not_mobile'],
    ['0505-123-4567', 'not_mobile'],
    ['011-234-5678', 'not_mobile'],
    ['016-1234-5678', 'not_mobile'],
    ['019-123-4567', 'not_mobile'],
    ['+1 415 555 2671', 'not_korean'],
    ['+81 90 1234 5678', 'not_korean'],
    ['010-123-4567', 'malformed'],
    ['010123456789', 'malformed'],
    ['hello', 'malformed'],
    ['010-1234-5678 ext. 12', 'malformed'],
    [`010${'1'.repeat(100)}`, 'malformed'],
    ['', 'empty'],
    ['   ', 'empty'],
  ])('refuses %s as %s', (input, reason) => {
    const result = normalizeKoreanMobile(input);
    expect(result).toMatchObject({ ok: false, reason });
    if (!result.ok) {
      expect(result.message.ko.length).toBeGreaterThan(0);
      expect(result.message.en.length).toBeGreaterThan(0);
    }
  });

  it('refuses non-strings instead of throwing', () => {
    expect(normalizeKoreanMobile(undefined)).toMatchObject({ ok: false, reason: 'empty' });
    expect(normalizeKoreanMobile(null)).toMatchObject({ ok: false, reason: 'empty' });
    expect(normalizeKoreanMobile(1012345678)).toMatchObject({ ok: false, reason: 'malformed' });
    expect(normalizeKoreanMobile({ phone: '010-1234-5678' })).toMatchObject({
      ok: false,
      reason: 'malformed',
    });
  });

  it('never throws on arbitrary input, and anything accepted is +8210 and 8 digits', () => {
    const phoneish = fc
      .array(fc.constantFrom('0', '1', '8', '2', '5', '+', '-', ' ', '(', ')', '.', '010', '+82'), {
        maxLength: 20,
      })
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), phoneish, fc.anything()),
        (input) => {
          const result = normalizeKoreanMobile(input);
          if (result.ok) expect(result.e164).toMatch(/^\+8210\d{8}$/);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('accepts the 010 blocks libphonenumber leaves out', () => {
    expect(normalizeKoreanMobile('010-5970-1234')).toEqual({ ok: true, e164: '+821059701234' });
    expect(normalizeKoreanMobile('+82 10 5999 0000')).toEqual({ ok: true, e164: '+821059990000' });
  });

  it('accepts every 010 number written with dashes', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{8}$/), (digits) => {
        const result = normalizeKoreanMobile(`010-${digits.slice(0, 4)}-${digits.slice(4)}`);
        expect(result).toEqual({ ok: true, e164: `+8210${digits}` });
      }),
    );
  });
});

describe('maskPhone', () => {
  it('keeps only the prefix and the last four digits of a Korean mobile number', () => {
    expect(maskPhone('+821012345678')).toBe('+82 10-****-5678');
  });

  it('keeps only the last two digits of anything else', () => {
    expect(maskPhone('+14155552671')).toBe('*********71');
  });
});
