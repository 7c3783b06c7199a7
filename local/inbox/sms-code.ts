import type { SmsCapture } from './captures';

// A standalone 6-digit run; the sign-in SMS reads "[부톡] 인증번호 [123456]을 입력해주세요."
const SIX_DIGITS = /(?<!\d)\d{6}(?!\d)/;
const AFTER_KEYWORD = /(?:인증번호|code)\D{0,8}?((?<!\d)\d{6}(?!\d))/i;

/** The one-time code in an SMS, preferring the digits right after 인증번호 (verification code) or "code". */
export function extractCode(message: string): string | undefined {
  return AFTER_KEYWORD.exec(message)?.[1] ?? SIX_DIGITS.exec(message)?.[0];
}

/**
 * Digits of a phone number in international form, so that `+821012345678`, `010-1234-5678` and a
 * query string's unencoded `+` (read back as a space) all compare equal.
 */
export function phoneDigits(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  return digits.startsWith('0') ? `82${digits.slice(1)}` : digits;
}

/** The newest SMS (from a newest-first list) to `phone` that carries a code, with the code. */
export function latestCode(
  newestFirst: readonly SmsCapture[],
  phone?: string,
): { sms: SmsCapture; code: string } | undefined {
  const wanted = phone === undefined ? undefined : phoneDigits(phone);
  for (const sms of newestFirst) {
    if (wanted !== undefined && phoneDigits(sms.phoneNumber) !== wanted) continue;
    const code = extractCode(sms.message);
    if (code) return { sms, code };
  }
  return undefined;
}
