import { ENV } from '../env-names';
import { DEFAULT_OTP_LIMITS, type OtpLimits } from './otp-policy';

/** OTP limits from the function environment (OTP_* variables), defaults otherwise. */
export function otpLimits(env: NodeJS.ProcessEnv = process.env): OtpLimits {
  const read = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value <= 0)
      throw new Error(`${name} must be a positive integer, got "${raw}"`);
    return value;
  };
  const readList = (name: string, fallback: readonly number[]): number[] => {
    const raw = env[name];
    if (raw === undefined || raw === '') return [...fallback];
    const values = raw.split(',').map((part) => Number(part.trim()));
    if (values.some((value) => !Number.isInteger(value) || value <= 0))
      throw new Error(`${name} must be a comma-separated list of positive integers, got "${raw}"`);
    return values;
  };
  return {
    maxSendsPerHour: read(ENV.OTP_MAX_SENDS_PER_HOUR, DEFAULT_OTP_LIMITS.maxSendsPerHour),
    maxSendsPerDay: read(ENV.OTP_MAX_SENDS_PER_DAY, DEFAULT_OTP_LIMITS.maxSendsPerDay),
    failuresPerCooldown: read(ENV.OTP_FAILURES_PER_COOLDOWN, DEFAULT_OTP_LIMITS.failuresPerCooldown),
    cooldownsMs: readList(
      ENV.OTP_COOLDOWN_MINUTES,
      DEFAULT_OTP_LIMITS.cooldownsMs.map((ms) => ms / 60_000),
    ).map((minutes) => minutes * 60_000),
    codeTtlMs: read(ENV.OTP_CODE_TTL_SECONDS, DEFAULT_OTP_LIMITS.codeTtlMs / 1000) * 1000,
    maxAttemptsPerSession: read(ENV.OTP_MAX_ATTEMPTS_PER_SESSION, DEFAULT_OTP_LIMITS.maxAttemptsPerSession),
  };
}

/** The pepper keying code and phone hashes: an Amplify secret, never logged. */
export function otpPepper(env: NodeJS.ProcessEnv = process.env): string {
  const pepper = env[ENV.OTP_PEPPER];
  if (!pepper || pepper.length < 16) {
    throw new Error(
      'OTP_PEPPER is missing or shorter than 16 characters (set the Amplify secret OTP_PEPPER)',
    );
  }
  return pepper;
}

/** The OTP_* variables for a function's resource.ts: one source for every OTP trigger. */
export function otpLimitsEnvironment(limits: OtpLimits = DEFAULT_OTP_LIMITS): Record<string, string> {
  return {
    [ENV.OTP_MAX_SENDS_PER_HOUR]: String(limits.maxSendsPerHour),
    [ENV.OTP_MAX_SENDS_PER_DAY]: String(limits.maxSendsPerDay),
    [ENV.OTP_FAILURES_PER_COOLDOWN]: String(limits.failuresPerCooldown),
    [ENV.OTP_COOLDOWN_MINUTES]: limits.cooldownsMs.map((ms) => String(ms / 60_000)).join(','),
    [ENV.OTP_CODE_TTL_SECONDS]: String(limits.codeTtlMs / 1000),
    [ENV.OTP_MAX_ATTEMPTS_PER_SESSION]: String(limits.maxAttemptsPerSession),
  };
}

/** The OTP table, set by the OTP triggers' wiring.ts. */
export function otpTableName(env: NodeJS.ProcessEnv = process.env): string {
  const name = env[ENV.OTP_TABLE_NAME];
  if (!name) throw new Error('OTP_TABLE_NAME is not set; the trigger wiring.ts sets it to the OTP table');
  return name;
}
