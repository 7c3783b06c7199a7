import type { Context } from 'aws-lambda';
import { logger } from '../shared/logger';
import { cleanupReason } from './cleanup-plan';
import type { CleanupStore, ScanKey } from './cleanup-store';

export interface DeviceCleanupDeps {
  store: CleanupStore;
  now: () => Date;
  /** Rows a Scan page evaluates. */
  pageSize?: number;
  /** No new page starts with less time than this left. */
  stopMarginMs?: number;
}

export interface CleanupSummary {
  /** Whether the run started from a previous run's cursor. */
  resumed: boolean;
  scanned: number;
  deletedInvalidated: number;
  deletedUnseen: number;
  /** Registered again (or removed) between the scan and the delete: kept. */
  skipped: number;
  /** The whole table was scanned; false when the run stopped early and left a cursor. */
  complete: boolean;
}

export const DEFAULT_PAGE_SIZE = 200;
export const DEFAULT_STOP_MARGIN_MS = 30_000;
/** Deletes in flight at once. */
const DELETE_CONCURRENCY = 10;

/**
 * One daily run: Scan the Device table page by page from the saved cursor, delete invalidated and
 * long-unseen devices, and save the cursor after every page. A run that nears its timeout stops
 * between pages; the next run resumes there. A finished scan clears the cursor.
 */
export async function cleanUpDevices(deps: DeviceCleanupDeps, context: Context): Promise<CleanupSummary> {
  const pageSize = deps.pageSize ?? DEFAULT_PAGE_SIZE;
  const stopMarginMs = deps.stopMarginMs ?? DEFAULT_STOP_MARGIN_MS;
  const now = deps.now();
  let start: ScanKey | undefined = await deps.store.cursor();
  const summary: CleanupSummary = {
    resumed: start !== undefined,
    scanned: 0,
    deletedInvalidated: 0,
    deletedUnseen: 0,
    skipped: 0,
    complete: false,
  };

  while (context.getRemainingTimeInMillis() >= stopMarginMs) {
    const page = await deps.store.scanPage(start, pageSize);
    summary.scanned += page.devices.length;
    const doomed = page.devices.flatMap((device) => {
      const reason = cleanupReason(device, now);
      return reason ? [{ device, reason }] : [];
    });
    for (let at = 0; at < doomed.length; at += DELETE_CONCURRENCY) {
      const chunk = doomed.slice(at, at + DELETE_CONCURRENCY);
      const removed = await Promise.all(chunk.map(({ device }) => deps.store.remove(device)));
      chunk.forEach(({ reason }, index) => {
        if (!removed[index]) summary.skipped += 1;
        else if (reason === 'invalidated') summary.deletedInvalidated += 1;
        else summary.deletedUnseen += 1;
      });
    }
    start = page.next;
    if (!start) {
      await deps.store.clearCursor();
      summary.complete = true;
      break;
    }
    await deps.store.saveCursor(start, now);
  }

  // Counts only: no device ids, no tokens.
  logger.info('Device cleanup', { ...summary });
  return summary;
}
