import { describe, expect, it } from 'vitest';
import { scrub, scrubText } from '../../../amplify/functions/shared/scrub';

describe('scrubText', () => {
  it.each([
    '+821012345678',
    '01012345678',
    '010-1234-5678',
    '010 1234 5678',
    '010.1234.5678',
    '+82 10-1234-5678',
    '+82-10-1234-5678',
    '82-10-1234-5678',
    '+82 010-1234-5678',
    '(010) 1234-5678',
  ])('masks the Korean mobile number %s down to its last four digits', (phone) => {
    const scrubbed = scrubText(`연락처: ${phone} 입니다`);
    expect(scrubbed).toBe('연락처: +82******5678 입니다');
  });

  it('masks several phone numbers in one string', () => {
    expect(scrubText('from 01011112222 to 010-3333-4444')).toBe('from +82******2222 to +82******4444');
  });

  it('leaves prices, counts and ids alone', () => {
    const text = 'price 850000000 won, 12345 views, listing 123456, year 2024-01-15, ts 1712345678901';
    expect(scrubText(text)).toBe(text);
  });

  it('masks an OTP code announced in the SMS text', () => {
    expect(scrubText('[부톡] 인증번호 [123456]을 입력해 주세요')).toBe(
      '[부톡] 인증번호 [[otp]]을 입력해 주세요',
    );
    expect(scrubText('your code 654321')).toBe('your code [otp]');
    expect(scrubText('OTP: 000123 expires')).toBe('OTP: [otp] expires');
  });

  it('replaces JWTs and bearer credentials', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJl';
    expect(scrubText(`token=${jwt};`)).toBe('token=[jwt];');
    expect(scrubText('Authorization: Bearer abc.def-ghi_jkl')).toBe('Authorization: Bearer [redacted]');
  });
});

describe('scrub', () => {
  it('redacts credential headers and secret-named keys at any depth', () => {
    const input = {
      request: {
        headers: { Authorization: 'Bearer x', 'x-api-key': 'k', cookie: 'sid=1', accept: 'application/json' },
      },
      password: 'hunter2',
      refreshToken: 'r',
      privateKey: '-----BEGIN PRIVATE KEY-----',
    };
    expect(scrub(input)).toEqual({
      request: {
        headers: {
          Authorization: '[redacted]',
          'x-api-key': '[redacted]',
          cookie: '[redacted]',
          accept: 'application/json',
        },
      },
      password: '[redacted]',
      refreshToken: '[redacted]',
      privateKey: '[redacted]',
    });
  });

  it('always masks OTP-named fields, and a numeric code field', () => {
    expect(scrub({ otp: '123456', challengeAnswer: '000001', secretCode: 42, code: '987654' })).toEqual({
      otp: '[otp]',
      challengeAnswer: '[otp]',
      secretCode: '[otp]',
      code: '[otp]',
    });
  });

  it('keeps a code field that is an error name, and numeric fields that are not codes', () => {
    expect(
      scrub({ code: 'ConditionalCheckFailed', statusCode: 500, price: 850000000, count: 123456 }),
    ).toEqual({
      code: 'ConditionalCheckFailed',
      statusCode: 500,
      price: 850000000,
      count: 123456,
    });
  });

  it('does not mutate its input', () => {
    const input = { phone: '01012345678', nested: [{ password: 'p' }] };
    const copy = structuredClone(input);
    scrub(input);
    expect(input).toEqual(copy);
  });

  it('survives cycles and bounds depth', () => {
    const cyclic: Record<string, unknown> = { phone: '010-1234-5678' };
    cyclic.self = cyclic;
    expect(scrub(cyclic)).toEqual({ phone: '+82******5678', self: '[circular]' });

    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 50; i++) deep = { next: deep };
    expect(JSON.stringify(scrub(deep))).toContain('[truncated]');
  });

  it('scrubs the same object referenced twice in both places', () => {
    const shared = { phone: '01012345678' };
    expect(scrub({ a: shared, b: shared })).toEqual({
      a: { phone: '+82******5678' },
      b: { phone: '+82******5678' },
    });
  });

  it('turns errors into plain objects with a scrubbed message', () => {
    const error = new Error('SMS to 01012345678 failed');
    const scrubbed = scrub({ error }) as { error: { name: string; message: string; stack: string } };
    expect(scrubbed.error.name).toBe('Error');
    expect(scrubbed.error.message).toBe('SMS to +82******5678 failed');
    expect(scrubbed.error.stack).not.toContain('01012345678');
  });
});
