import { createHash } from 'node:crypto';
import type { EventEnvelope } from '../shared/events';
import { legacyCommand } from '../shared/legacy-commands';
import type { Trade } from './trade-normalize';

/**
 * The crawler's save() as a `real-transactions.save` command on the legacy-relay queue
 * (docs/events.md, "Commands"): queuing succeeds while the Legacy API is down, and the relay
 * delivers the rows to `POST /v1/real-transactions` with its retries, Idempotency-Key and parking.
 */

/** One row of the save() body: a normalized trade with its complex (null when unknown), without the 법정동. */
export type SaveRow = Omit<Trade, 'dong'> & { regionCode: string | null; complexId: string | null };

export interface TradeSaver {
  /** Resolves once every row is queued; the relay delivers them later. */
  save(rows: readonly SaveRow[]): Promise<{ queued: number }>;
}

/** SQS takes 256 KiB a message; the rest is kept for the envelope and its attributes. */
export const MAX_COMMAND_BYTES = 240 * 1024;

/** The same rows give the same id (the Idempotency-Key), so a chunk queued again is one save. */
export function saveCommandId(rows: readonly SaveRow[]): string {
  return `real-transactions.save:${createHash('sha256').update(JSON.stringify(rows)).digest('hex').slice(0, 32)}`;
}

export function queuedTradeSaver(deps: {
  queue: (command: EventEnvelope<string, unknown>) => Promise<void>;
  now: () => Date;
}): TradeSaver {
  async function enqueue(rows: readonly SaveRow[]): Promise<void> {
    const command = legacyCommand(
      'real-transactions.save',
      saveCommandId(rows),
      { rows: [...rows] },
      deps.now(),
    );
    if (rows.length > 1 && Buffer.byteLength(JSON.stringify(command)) > MAX_COMMAND_BYTES) {
      const half = Math.ceil(rows.length / 2);
      await enqueue(rows.slice(0, half));
      await enqueue(rows.slice(half));
      return;
    }
    await deps.queue(command);
  }
  return {
    async save(rows) {
      await enqueue(rows);
      return { queued: rows.length };
    },
  };
}
