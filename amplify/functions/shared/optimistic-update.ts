import { logger } from './logger';

/**
 * Optimistic concurrency for read-modify-write updates (a list such as memberIds rewritten from
 * what was read): the write is conditional on the row being unchanged since the read, and a
 * condition failure reads the row again and plans again. Without it, two concurrent changes
 * (a broker assignment and an account deletion's member removal) each write their own copy
 * and the later one silently undoes the other.
 */

/** Attempts before giving up; the caller's record or message is then retried as a whole. */
export const OPTIMISTIC_UPDATE_ATTEMPTS = 6;
/** Backoff before attempt n+1: a random wait up to min(CAP, BASE × 2^n) ("full jitter"). */
const BACKOFF_BASE_MS = 25;
const BACKOFF_CAP_MS = 1_000;

/** Every attempt lost to a concurrent writer: retryable, never a permanent failure. */
export class ConcurrentUpdateError extends Error {
  constructor(what: string, attempts: number) {
    super(`${what} kept changing under ${attempts} conditional updates`);
    this.name = 'ConcurrentUpdateError';
  }
}

/**
 * The AppSync `condition` that the row is as it was read. AppSync sets `updatedAt` on every
 * create and update, so it serves as the row's version; a row without one (never written through
 * AppSync) must still have none.
 */
export function unchangedSince(row: { updatedAt?: string | null }): Record<string, unknown> {
  return row.updatedAt ? { updatedAt: { eq: row.updatedAt } } : { updatedAt: { attributeExists: false } };
}

export type OptimisticOutcome<R, T> =
  | { kind: 'written'; row: R; result: T }
  | { kind: 'unchanged'; row: R }
  | { kind: 'gone' };

export interface OptimisticUpdate<R, U, T> {
  /** For logs and the error: ids only. */
  what: string;
  /** The row as it is now; undefined when there is none. */
  read: () => Promise<R | undefined>;
  /** The first attempt's row, when the caller has just read it (e.g. from a list page). */
  initial?: R | undefined;
  /** The change to write, planned from the row; undefined when the row needs none. */
  plan: (row: R) => U | undefined;
  /** Writes `update` on condition that the row is still `row`; undefined when the condition failed. */
  write: (update: U, row: R) => Promise<T | undefined>;
  attempts?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function updateOptimistically<R, U, T>(
  options: OptimisticUpdate<R, U, T>,
): Promise<OptimisticOutcome<R, T>> {
  const attempts = options.attempts ?? OPTIMISTIC_UPDATE_ATTEMPTS;
  const sleep = options.sleep ?? wait;
  const random = options.random ?? Math.random;
  let row = options.initial;
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (attempt > 0 || row === undefined) row = await options.read();
    if (row === undefined) return { kind: 'gone' };
    const update = options.plan(row);
    if (update === undefined) return { kind: 'unchanged', row };
    const result = await options.write(update, row);
    if (result !== undefined) return { kind: 'written', row, result };
    logger.debug('Row changed since it was read; reading it again', { what: options.what, attempt });
    if (attempt + 1 < attempts) {
      await sleep(random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt));
    }
  }
  throw new ConcurrentUpdateError(options.what, attempts);
}
