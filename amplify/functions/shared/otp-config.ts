import { DEFAULT_OTP_LIMITS, type OtpLimits } from './otp-policy';

/** OTP limits from the function environment (OTP_* variables), defaults otherwise. */
export function otpLimits(env: NodeJS.ProcessEnv = process.env): OtpLimits {
  const read = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
    return value;
  };
  return {
    maxSendsPerHour: read('OTP_MAX_SENDS_PER_HOUR', DEFAULT_OTP_LIMITS.maxSendsPerHour),
    maxSendsPerDay: read('OTP_MAX_SENDS_PER_DAY', DEFAULT_OTP_LIMITS.maxSendsPerDay),
    maxFailuresPerDay: read('OTP_MAX_FAILURES_PER_DAY', DEFAULT_OTP_LIMITS.maxFailuresPerDay),
    lockMs: read('OTP_LOCK_MINUTES', DEFAULT_OTP_LIMITS.lockMs / 60_000) * 60_000,
    codeTtlMs: read('OTP_CODE_TTL_SECONDS', DEFAULT_OTP_LIMITS.codeTtlMs / 1000) * 1000,
    maxAttemptsPerSession: read('OTP_MAX_ATTEMPTS_PER_SESSION', DEFAULT_OTP_LIMITS.maxAttemptsPerSession),
  };
}

/** The pepper keying code and phone hashes: an Amplify secret, never logged. */
export function otpPepper(env: NodeJS.ProcessEnv = process.env): string {
  const pepper = env.OTP_PEPPER;
  if (!pepper || pepper.length < 16) {
    throw new Error('OTP_PEPPER is missing or shorter than 16 characters (set the Amplify secret OTP_PEPPER)');
  }
  return pepper;
}
