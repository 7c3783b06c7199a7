import { countsTowardSignInLimit, SIGN_IN_RATE_LIMIT } from '../../amplify/auth/sign-in-limit';

/**
 * The WAF rate-based rule in front of the deployed user pool (amplify/auth/sign-in-firewall.ts),
 * imitated per source address with the same numbers: the sign-in calls of the last window are
 * counted, blocked ones included (WAF counts every matching request), and past the limit the
 * address gets WAF's refusal until its rate falls back under it.
 */

export interface SignInRateLimiter {
  /** Counts the request; true when WAF would block it. */
  blocks(sourceAddress: string, target: string, rawBody: string): boolean;
}

/** What Cognito answers when its web ACL blocks a request: HTTP 403, ForbiddenException. */
export const WAF_BLOCK = {
  status: 403,
  body: { __type: 'ForbiddenException', message: 'Request not allowed due to WAF block.' },
} as const;

export function createSignInRateLimiter(
  options: { limit?: number; windowSeconds?: number; now?: () => number } = {},
): SignInRateLimiter {
  const limit = options.limit ?? SIGN_IN_RATE_LIMIT.limit;
  const windowMs = (options.windowSeconds ?? SIGN_IN_RATE_LIMIT.windowSeconds) * 1000;
  const now = options.now ?? Date.now;
  const seen = new Map<string, number[]>();
  return {
    blocks(sourceAddress, target, rawBody) {
      if (!countsTowardSignInLimit(target, rawBody)) return false;
      const at = now();
      const recent = (seen.get(sourceAddress) ?? []).filter((t) => t > at - windowMs);
      recent.push(at);
      seen.set(sourceAddress, recent);
      return recent.length > limit;
    },
  };
}
