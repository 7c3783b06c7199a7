import { z } from 'zod';
import { createLegacyClient, type LegacyClientOptions, LegacyRejectedError } from '../shared/legacy-client';
import { logger } from '../shared/logger';
import type { Trade } from './trade-normalize';

/**
 * The Legacy API's save() for 실거래 (`POST /v1/real-transactions`, docs/legacy-api.md) through the
 * shared client (service token, timeout, retries, 401 refresh once). Auth failures and an
 * unavailable Legacy API are thrown as the shared client's errors; a refusal is an answer.
 */

/** One row of the save() body: a normalized trade with its complex (null when unknown), without the 법정동. */
export type SaveRow = Omit<Trade, 'dong'> & { regionCode: string | null; complexId: string | null };

export type SaveAnswer =
  /** On the legacy-relay queue (queued-trade-save.ts): the relay delivers it, retries and parks. */
  | { outcome: 'queued'; queued: number }
  | { outcome: 'saved'; saved: number; duplicates: number }
  /** 400 invalid_rows: nothing was saved; these rows (indexes into the request) are invalid. */
  | { outcome: 'invalid'; indexes: number[] }
  /** Any other refusal (4xx): nothing was saved and no row was named. */
  | { outcome: 'refused'; status: number };

export interface TradeSaver {
  save(rows: readonly SaveRow[]): Promise<SaveAnswer>;
}

export const SAVE_PATH = '/v1/real-transactions';

const savedAnswer = z.object({
  saved: z.number().int().nonnegative(),
  duplicates: z.number().int().nonnegative(),
});
const invalidRowsAnswer = z.object({
  error: z.literal('invalid_rows'),
  details: z.array(z.object({ index: z.number().int() }).passthrough()),
});

/** The rows a 400 invalid_rows names, within the request; undefined when it names none usable. */
export function invalidRowIndexes(body: unknown, rowCount: number): number[] | undefined {
  const parsed = invalidRowsAnswer.safeParse(body);
  if (!parsed.success) return undefined;
  const indexes = [...new Set(parsed.data.details.map((detail) => detail.index))].filter(
    (index) => index >= 0 && index < rowCount,
  );
  return indexes.length > 0 ? indexes.sort((a, b) => a - b) : undefined;
}

export function legacyTradeSaver(options: LegacyClientOptions): TradeSaver {
  const fetchFn = options.fetch ?? globalThis.fetch;
  let refusal: unknown;
  const client = createLegacyClient({
    ...options,
    // The shared client keeps only the first 200 characters of a refusal; invalid_rows can name
    // hundreds of rows, so the whole answer is read here.
    fetch: async (input, init) => {
      const response = await fetchFn(input, init);
      if (response.status === 400)
        refusal = await response
          .clone()
          .json()
          .catch(() => undefined);
      return response;
    },
  });

  return {
    async save(rows) {
      refusal = undefined;
      try {
        const body = await client.request<unknown>({ method: 'POST', path: SAVE_PATH, body: rows });
        const parsed = savedAnswer.safeParse(body);
        if (parsed.success) return { outcome: 'saved', ...parsed.data };
        // Accepted all the same: a 2xx means the rows are stored.
        logger.warn('Legacy API accepted real transactions with an unexpected answer', { rows: rows.length });
        return { outcome: 'saved', saved: rows.length, duplicates: 0 };
      } catch (error) {
        if (!(error instanceof LegacyRejectedError)) throw error;
        const indexes = error.status === 400 ? invalidRowIndexes(refusal, rows.length) : undefined;
        return indexes ? { outcome: 'invalid', indexes } : { outcome: 'refused', status: error.status };
      }
    },
  };
}
