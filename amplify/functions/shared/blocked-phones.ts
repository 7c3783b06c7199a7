import { getParameter } from '@aws-lambda-powertools/parameters/ssm';
import { normalizeKoreanMobile } from './phone';

const CACHE_SECONDS = 300;
let missingUntil = 0;

/**
 * Numbers refused at sign-up: an SSM StringList at `<SSM_PREFIX>auth/blocked-phone-numbers`,
 * cached for 5 minutes so support can block a number without a deploy. No parameter, no list.
 */
export async function blockedPhoneNumbers(env: NodeJS.ProcessEnv = process.env): Promise<Set<string>> {
  if (Date.now() < missingUntil) return new Set();
  const name = `${env.SSM_PREFIX ?? '/bootalk/'}auth/blocked-phone-numbers`;
  try {
    return parseBlockedList((await getParameter(name, { maxAge: CACHE_SECONDS })) ?? '');
  } catch (error) {
    const cause = (error as { cause?: { name?: string } }).cause;
    if (cause?.name !== 'ParameterNotFound') throw error;
    missingUntil = Date.now() + CACHE_SECONDS * 1000;
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
