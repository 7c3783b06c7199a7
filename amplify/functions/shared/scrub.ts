/**
 * Redaction shared by logging and Sentry: phone numbers, OTP codes, JWTs and credentials
 * never leave a function in a log line or an error report.
 */

export const REDACTED = '[redacted]';
export const OTP_MASK = '[otp]';
export const JWT_MASK = '[jwt]';

const MAX_DEPTH = 12;

/** Keys whose values are credentials, compared lower-case with `-`/`_` removed. */
const SECRET_KEYS = new Set([
  'authorization',
  'proxyauthorization',
  'xapikey',
  'apikey',
  'cookie',
  'setcookie',
  'password',
  'passwd',
  'secret',
  'clientsecret',
  'privatekey',
  'credentials',
  'privatechallengeparameters',
  'servicetokenkey',
  'sentrydsn',
]);

/** Keys that hold an OTP code or a challenge answer: always masked. */
const OTP_KEYS = new Set([
  'otp',
  'otpcode',
  'answer',
  'challengeanswer',
  'secretcode',
  'verificationcode',
  'confirmationcode',
  'authcode',
  'codehash',
]);

function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[-_\s]/g, '');
}

function isSecretKey(normalized: string): boolean {
  // accessToken, idToken, refreshToken, x-amz-security-token, token… all end in "token".
  return SECRET_KEYS.has(normalized) || normalized.endsWith('token') || normalized.endsWith('tokens');
}

const JWT = /\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi;
// Korean mobile numbers: 010-1234-5678, 01012345678, +82 10 1234 5678, 82-10-…, +82 010-…, (010) 1234-5678.
const KOREAN_MOBILE =
  /(?<![0-9A-Za-z])(?:\+?82[\s.-]?\(?0?|\(?0)(1[016789])\)?[\s.-]?(\d{3,4})[\s.-]?(\d{4})(?![0-9A-Za-z])/g;
// A 6-digit code right after a word that announces one: "인증번호 [123456]", "code: 123456", "OTP 123456".
const OTP_IN_TEXT =
  /(인증\s?번호|인증\s?코드|확인\s?코드|코드|\b(?:otp|code|passcode|verification code)\b)([^\d\n]{0,16}?)(?<!\d)\d{6}(?!\d)/gi;

function maskPhoneInText(_match: string, _prefix: string, _middle: string, last4: string): string {
  return `+82******${last4}`;
}

/** Scrubs free text: JWTs, bearer credentials, Korean mobile numbers, and OTP codes announced as such. */
export function scrubText(text: string): string {
  return text
    .replace(JWT, JWT_MASK)
    .replace(BEARER, (_m, scheme: string) => `${scheme} ${REDACTED}`)
    .replace(KOREAN_MOBILE, maskPhoneInText)
    .replace(OTP_IN_TEXT, (_m, word: string, gap: string) => `${word}${gap}${OTP_MASK}`);
}

function scrubOtpField(value: unknown): unknown {
  if (value === null || value === undefined || value === '') return value;
  return typeof value === 'object' ? scrubValue(value, 1, new WeakSet()) : OTP_MASK;
}

/** A field called `code` is usually an OTP, but `code: 'ConditionalCheckFailed'` is not. */
function scrubCodeField(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if ((typeof value === 'string' || typeof value === 'number') && /^\s*\d{4,8}\s*$/.test(String(value))) {
    return OTP_MASK;
  }
  return scrubValue(value, depth, seen);
}

function scrubEntry(key: string, value: unknown, depth: number, seen: WeakSet<object>): unknown {
  const normalized = normalizeKey(key);
  if (isSecretKey(normalized)) return value === undefined || value === null ? value : REDACTED;
  if (OTP_KEYS.has(normalized)) return scrubOtpField(value);
  if (normalized === 'code') return scrubCodeField(value, depth, seen);
  return scrubValue(value, depth, seen);
}

function scrubError(error: Error, depth: number, seen: WeakSet<object>): Record<string, unknown> {
  const plain: Record<string, unknown> = { name: error.name, message: error.message, stack: error.stack };
  if (error.cause !== undefined) plain.cause = error.cause;
  for (const [key, value] of Object.entries(error)) plain[key] = value;
  return scrubObject(plain, depth, seen);
}

function scrubObject(input: object, depth: number, seen: WeakSet<object>): Record<string, unknown> {
  const output: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) output[key] = scrubEntry(key, value, depth + 1, seen);
  return output;
}

function scrubValue(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (typeof value !== 'object' || value === null) return value;
  if (value instanceof Date) return value;
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return '[binary]';
  if (seen.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[truncated]';
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => scrubValue(item, depth + 1, seen));
    if (value instanceof Error) return scrubError(value, depth, seen);
    if (value instanceof Map) return scrubObject(Object.fromEntries(value), depth, seen);
    if (value instanceof Set) return [...value].map((item) => scrubValue(item, depth + 1, seen));
    return scrubObject(value, depth, seen);
  } finally {
    // A value referenced twice (not a cycle) is scrubbed at both places.
    seen.delete(value);
  }
}

/**
 * Returns a scrubbed deep copy: strings are scrubbed as text, credential keys are redacted,
 * OTP keys are masked. Errors become plain `{ name, message, stack, … }` objects.
 * The input is never mutated; cycles become `[circular]` and depth is bounded.
 */
export function scrub(value: unknown): unknown {
  return scrubValue(value, 0, new WeakSet());
}

/** `scrub` for a string-keyed record, keeping the record type for callers. */
export function scrubRecord<T extends Record<string, unknown>>(record: T): T {
  return scrub(record) as T;
}
