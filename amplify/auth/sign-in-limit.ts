/**
 * The limit per client in front of sign-in (issue 18): the per-number OTP limits stop guessing
 * one number, this stops one client from walking through many (cooling other people's numbers
 * down, or spending their SMS quota). AWS WAF counts per source IP; the local Cognito endpoint
 * (local/cognito/sign-in-rate-limit.ts) counts the same requests with these same numbers.
 * Kept apart from the web ACL (sign-in-firewall.ts), so the local endpoint loads no CDK.
 *
 * 300 in 5 minutes: Korean carriers put many phones behind one address (CGNAT), and a sign-in
 * is 3 calls (SignUp, InitiateAuth, RespondToAuthChallenge), so 100 sign-ins per 5 minutes from
 * one address. Token refreshes are not counted: an active user refreshes hourly, a sign-in
 * happens once a quarter.
 */
export const SIGN_IN_RATE_LIMIT = {
  /** Requests per source IP in the window; above it WAF blocks the address until it falls back. */
  limit: 300,
  windowSeconds: 300,
  /** The X-Amz-Target operations counted; InitiateAuth only for the CUSTOM_AUTH flow. */
  operations: ['SignUp', 'InitiateAuth', 'RespondToAuthChallenge'],
  /** InitiateAuth is counted only when its body contains this (a sign-in, not a refresh). */
  initiateAuthBodyContains: 'CUSTOM_AUTH',
} as const;

export const TARGET_PREFIX = 'AWSCognitoIdentityProviderService.';

/** Is this request one the sign-in limit counts? The local endpoint asks the same question. */
export function countsTowardSignInLimit(target: string, rawBody: string): boolean {
  const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
  if (!(SIGN_IN_RATE_LIMIT.operations as readonly string[]).includes(operation)) return false;
  return operation !== 'InitiateAuth' || rawBody.includes(SIGN_IN_RATE_LIMIT.initiateAuthBodyContains);
}
