import { getParameter } from '@aws-lambda-powertools/parameters/ssm';
import { ENV } from '../env-names';
import { SSM_PATHS } from '../ssm-paths';
import { normalizeKoreanMobile } from './phone';

const CACHE_SECONDS = 300;
const missingUntil = new Map<string, number>();

/**
 * Numbers refused at sign-up: an SSM StringList at `<SSM_PREFIX>auth/blocked-phone-numbers`,
 * cached for 5 minutes so support can block a number without a deploy. No parameter, no list.
 */
export async function blockedPhoneNumbers(env: NodeJS.ProcessEnv = process.env): Promise<Set<string>> {
  const name = `${env[ENV.SSM_PREFIX] ?? '/bootalk/'}${SSM_PATHS.blockedPhoneNumbers}`;
  if (Date.now() < (missingUntil.get(name) ?? 0)) return new Set();
  try {
    return parseBlockedList((await getParameter(name, { maxAge: CACHE_SECONDS })) ?? '');
  } catch (error) {
    const cause = (error as { cause?: { name?: string } }).cause;
    if (cause?.name !== 'ParameterNotFound') throw error;
    missingUntil.set(name, Date.now() + CACHE_SECONDS * 1000);
    return new Set();
  }
}

export function parseBlockedList(raw: string): Set<string> {
  const numbers = new Set<string>();
  for (const entry of raw.split(/[,\n]/)) {
    const phone = normalizeKoreanMobile(entry.trim());
    if (phone.ok) numbers.add(phone.e164);
  }
  return numbers;
}
