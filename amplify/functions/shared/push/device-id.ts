import { createHash } from 'node:crypto';

/** The Device row id of a push token (sha256, hex): one row per token, so a token has one user. */
export function deviceIdForToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
