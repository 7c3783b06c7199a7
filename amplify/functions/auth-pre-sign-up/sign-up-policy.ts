import { normalizeKoreanMobile } from '../shared/otp/phone';

export type SignUpDecision = { ok: true; e164: string } | { ok: false; message: string };

/**
 * Who may create an account: a Korean mobile number, sent in its E.164 form (the app
 * normalizes `010-1234-5678` with the same rules before calling signUp), and not blocked.
 * Cognito keeps the attribute exactly as sent, so a non-canonical form is refused, not fixed.
 */
export function decideSignUp(
  phoneAttribute: string | undefined,
  blocked: ReadonlySet<string>,
): SignUpDecision {
  const phone = normalizeKoreanMobile(phoneAttribute ?? '');
  if (!phone.ok) return { ok: false, message: `INVALID_PHONE: ${phone.message.ko} (${phone.message.en})` };
  if (phone.e164 !== phoneAttribute) {
    return {
      ok: false,
      message: `INVALID_PHONE: 전화번호를 ${phone.e164} 형식으로 보내주세요. (Send the phone number as ${phone.e164}.)`,
    };
  }
  if (blocked.has(phone.e164)) {
    return {
      ok: false,
      message:
        'BLOCKED_PHONE: 이 번호로는 가입할 수 없습니다. 고객센터에 문의해주세요. (This number cannot sign up; contact support.)',
    };
  }
  return { ok: true, e164: phone.e164 };
}
