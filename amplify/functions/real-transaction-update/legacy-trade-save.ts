import { z } from 'zod';
import { createLegacyClient, type LegacyClientOptions, LegacyRejectedError } from '../shared/legacy-client';
import { invalidRowIndexes } from '../shared/legacy-commands';
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
export function legacyTradeSaver(options: LegacyClientOptions): TradeSaver {
  const client = createLegacyClient(options);
  return {
    async save(rows) {
      try {
        const body = await client.request<unknown>({ method: 'POST', path: SAVE_PATH, body: rows });
        const parsed = savedAnswer.safeParse(body);
        if (parsed.success) return { outcome: 'saved', ...parsed.data };
        // Accepted all the same: a 2xx means the rows are stored.
        logger.warn('Legacy API accepted real transactions with an unexpected answer', { rows: rows.length });
        return { outcome: 'saved', saved: rows.length, duplicates: 0 };
      } catch (error) {
        if (!(error instanceof LegacyRejectedError)) throw error;
        const indexes = error.status === 400 ? invalidRowIndexes(error.answer, rows.length) : undefined;
        return indexes ? { outcome: 'invalid', indexes } : { outcome: 'refused', status: error.status };
      }
    },
  };
}
