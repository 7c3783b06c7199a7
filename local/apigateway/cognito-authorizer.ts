import { endpointTimedOut, type GatewayAnswer, tokenExpired, unauthorized } from './gateway-responses';

/** Verifies a user pool ID token (signature, issuer, audience, expiry, token_use) and returns its claims. */
export type VerifyIdToken = (token: string) => Promise<Record<string, unknown>>;

export type Authorization =
  | { ok: true; claims: Record<string, string> }
  | { ok: false; answer: GatewayAnswer };

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (value: number) => String(value).padStart(2, '0');

/** `exp`/`iat` as API Gateway renders them: `Fri Jul 29 18:52:53 UTC 2016`. */
export function apiGatewayDate(epochSeconds: number): string {
  const date = new Date(epochSeconds * 1000);
  const time = `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
  return `${WEEKDAYS[date.getUTCDay()]} ${MONTHS[date.getUTCMonth()]} ${pad(date.getUTCDate())} ${time} UTC ${date.getUTCFullYear()}`;
}

/**
 * The REST API's Cognito authorizer hands the function every claim as a string: numbers and
 * booleans as text, `exp`/`iat` as dates, a list (`cognito:groups`) joined with commas.
 */
export function claimsAsStrings(payload: Record<string, unknown>): Record<string, string> {
  const claims: Record<string, string> = {};
  for (const [name, value] of Object.entries(payload)) {
    if (value === undefined || value === null) continue;
    if ((name === 'exp' || name === 'iat') && typeof value === 'number') claims[name] = apiGatewayDate(value);
    else if (Array.isArray(value)) claims[name] = value.join(',');
    else if (typeof value === 'object') claims[name] = JSON.stringify(value);
    else claims[name] = String(value);
  }
  return claims;
}

/**
 * The token comes raw in `Authorization` (API Gateway's default identity source); a `Bearer `
 * prefix is accepted too. A missing header, an invalid token or a verifier failure is a 401.
 */
export async function authorizeWithUserPool(
  header: string | undefined,
  verifyIdToken: VerifyIdToken,
  timeoutMs = 10_000,
): Promise<Authorization> {
  const token = header?.trim().replace(/^Bearer\s+/i, '');
  if (!token) return { ok: false, answer: unauthorized() };
  let timer: NodeJS.Timeout | undefined;
  try {
    const payload = await Promise.race([
      verifyIdToken(token),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(Object.assign(new Error('authorizer timed out'), { code: 'TIMEOUT' })),
          timeoutMs,
        );
      }),
    ]);
    return { ok: true, claims: claimsAsStrings(payload) };
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_JWT_EXPIRED') return { ok: false, answer: tokenExpired() };
    if (code === 'TIMEOUT') return { ok: false, answer: endpointTimedOut() };
    return { ok: false, answer: unauthorized() };
  } finally {
    clearTimeout(timer);
  }
}
