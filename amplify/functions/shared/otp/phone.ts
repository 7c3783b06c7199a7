import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

export type PhoneRefusal = 'empty' | 'malformed' | 'not_korean' | 'not_mobile';

export type NormalizedPhone =
  | { ok: true; e164: string }
  | { ok: false; reason: PhoneRefusal; message: { ko: string; en: string } };

/** Longer input is refused before parsing: no phone number needs more, and it bounds the work. */
const MAX_INPUT_LENGTH = 40;

/**
 * Only 010 + 8 digits is accepted. libphonenumber still marks the old 011/016/017/018/019
 * prefixes as mobile, but they stopped being issued in 2004 and their 2G/3G service ended
 * in 2021, so they are refused as not_mobile rather than turned into accounts that cannot get an SMS.
 */
const KOREAN_MOBILE_E164 = /^\+8210\d{8}$/;

const MESSAGES: Record<PhoneRefusal, { ko: string; en: string }> = {
  empty: { ko: '휴대폰 번호를 입력해주세요.', en: 'Enter a mobile phone number.' },
  malformed: { ko: '올바른 휴대폰 번호가 아닙니다.', en: 'This is not a valid phone number.' },
  not_korean: { ko: '한국 휴대폰 번호만 사용할 수 있습니다.', en: 'Only Korean mobile numbers can be used.' },
  not_mobile: {
    ko: '010으로 시작하는 휴대폰 번호를 입력해주세요.',
    en: 'Enter a mobile number starting with 010.',
  },
};

function refuse(reason: PhoneRefusal): NormalizedPhone {
  return { ok: false, reason, message: MESSAGES[reason] };
}

/**
 * A Korean mobile number in E.164 (`+821012345678`) from any common way of writing it:
 * `010-1234-5678`, `01012345678`, `+82 10 1234 5678`, `82-10-1234-5678`, `+82 010-1234-5678`.
 * Never throws, whatever it is given at run time.
 */
export function normalizeKoreanMobile(input: unknown): NormalizedPhone {
  if (input === undefined || input === null) return refuse('empty');
  if (typeof input !== 'string') return refuse('malformed');
  const trimmed = input.trim();
  if (trimmed === '') return refuse('empty');
  if (trimmed.length > MAX_INPUT_LENGTH) return refuse('malformed');
  let parsed: ReturnType<typeof parsePhoneNumberFromString>;
  try {
    parsed = parsePhoneNumberFromString(trimmed, 'KR');
  } catch {
    return refuse('malformed');
  }
  if (!parsed || parsed.ext) return refuse('malformed');
  if (parsed.countryCallingCode !== '82') return refuse('not_korean');
  // Every 010 number is a mobile number; libphonenumber's metadata leaves out a few blocks
  // (010-597x–599x), which would lock real subscribers out. The SMS code proves the number anyway.
  if (KOREAN_MOBILE_E164.test(parsed.number)) return { ok: true, e164: parsed.number };
  if (!parsed.isValid()) return refuse('malformed');
  if (parsed.getType() !== 'MOBILE') return refuse('not_mobile');
  if (!KOREAN_MOBILE_E164.test(parsed.number)) {
    return refuse(parsed.number.startsWith('+8210') ? 'malformed' : 'not_mobile');
  }
  return { ok: true, e164: parsed.number };
}

/** `+821012345678` → `+82 10-****-5678`, for logs and support screens. */
export function maskPhone(e164: string): string {
  const match = /^\+82(1\d)(\d{3,4})(\d{4})$/.exec(e164);
  if (match) return `+82 ${match[1]}-****-${match[3]}`;
  // Not a Korean mobile number: keep only the last two digits.
  const digits = e164.replace(/\D/g, '');
  return digits.length > 2 ? `${'*'.repeat(Math.min(digits.length - 2, 10))}${digits.slice(-2)}` : '**';
}
