import type { LegacyResponse } from './operation';

export type IdempotentOutcome =
  | { kind: 'fresh'; response: LegacyResponse }
  | { kind: 'replayed'; response: LegacyResponse }
  | { kind: 'key-reused' };

interface Entry {
  fingerprint: string;
  response: Promise<LegacyResponse>;
}

/**
 * `Idempotency-Key` on POST: the first request's response is kept and a repeat with the same key
 * gets it back without running the operation again, so a retried delivery is processed once.
 * A repeat that arrives while the first is still running waits for it. 5xx answers are not kept:
 * the client is meant to retry them. The same key with a different body is refused.
 */
export function createIdempotencyCache() {
  const entries = new Map<string, Entry>();
  return {
    async run(
      key: string,
      fingerprint: string,
      operate: () => Promise<LegacyResponse>,
    ): Promise<IdempotentOutcome> {
      const existing = entries.get(key);
      if (existing) {
        if (existing.fingerprint !== fingerprint) return { kind: 'key-reused' };
        return { kind: 'replayed', response: await existing.response };
      }
      const response = operate();
      const entry = { fingerprint, response };
      entries.set(key, entry);
      try {
        const result = await response;
        if (result.status >= 500 && entries.get(key) === entry) entries.delete(key);
        return { kind: 'fresh', response: result };
      } catch (error) {
        if (entries.get(key) === entry) entries.delete(key);
        throw error;
      }
    },
    clear() {
      entries.clear();
    },
  };
}
