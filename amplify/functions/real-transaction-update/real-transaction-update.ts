import { logger } from '../shared/logger';
import type { ComplexDirectory } from './complex-directory';
import type { CrawlScope } from './crawl-scope';
import type { TradeSource } from './public-data-source';
import type { SaveRow, TradeSaver } from './queued-trade-save';
import type { FingerprintStore } from './trade-fingerprints';
import { type BadRowReason, normalizeTrade, type Trade, tradeFingerprintId } from './trade-normalize';

/**
 * One crawl: for each (시군구, contract month) read the public data, normalize, drop what this run
 * or an earlier one already sent, queue the rest in chunks for the Legacy API's save(), and record
 * what was queued. A failed query is reported and the others go on; a queue or table error stops
 * the run, which reports and then throws (Gen 1's crawler lost trades to silent 401s). Rows not
 * queued have no fingerprint, so the next run sends them.
 */

export interface RealTransactionUpdateDeps {
  source: TradeSource;
  complexes: ComplexDirectory;
  fingerprints: FingerprintStore;
  saver: TradeSaver;
  now: () => Date;
  remainingTimeMs: () => number;
  /** No query starts with less time than this left. */
  stopMarginMs?: number;
  /** Rows per save() call (the Legacy API takes up to 1000). */
  chunkSize?: number;
}

export interface FailedQuery {
  lawdCode: string;
  month: string;
  reason: string;
}

/** Ids and counts only: no trade content leaves the run in a log line. */
export interface CrawlReport {
  months: string[];
  lawdCodes: string[];
  /** Rows the public data returned, every kind. */
  fetched: number;
  /** 해제 (cancelled) trades, skipped. */
  cancelled: number;
  bad: { total: number; byReason: Partial<Record<BadRowReason, number>> };
  /** The same trade twice within this run (two pages, two rows). */
  duplicates: number;
  /** Saved by an earlier run (a fingerprint exists): not sent. */
  alreadySaved: number;
  /** Trades offered to the Legacy API. */
  sent: number;
  /** Sent as save commands on the legacy-relay queue, which delivers them (docs/events.md). */
  queued: number;
  /** Sent without a complexId: no Complex row matched; the Legacy API fills it in when it can. */
  withoutComplex: number;
  failedQueries: FailedQuery[];
}

export const DEFAULT_CHUNK_SIZE = 500;
export const DEFAULT_STOP_MARGIN_MS = 60_000;

/** The run could not finish its queries before the Lambda timeout; the rest are left for a retry. */
export class CrawlOutOfTimeError extends Error {
  constructor(readonly unfinished: number) {
    super(`${unfinished} public-data quer(ies) were not started before the Lambda timeout`);
    this.name = 'CrawlOutOfTimeError';
  }
}

/** Every query failed: the source or its key is broken, not one 시군구. */
export class PublicDataUnavailableError extends Error {
  constructor(readonly reasons: string[]) {
    super(`Every public-data query failed (${reasons.join(', ')})`);
    this.name = 'PublicDataUnavailableError';
  }
}

interface Pending {
  row: SaveRow;
  fingerprint: string;
}

export function emptyReport(scope: CrawlScope): CrawlReport {
  return {
    months: scope.months,
    lawdCodes: scope.lawdCodes,
    fetched: 0,
    cancelled: 0,
    bad: { total: 0, byReason: {} },
    duplicates: 0,
    alreadySaved: 0,
    sent: 0,
    queued: 0,
    withoutComplex: 0,
    failedQueries: [],
  };
}

export async function updateRealTransactions(
  scope: CrawlScope,
  deps: RealTransactionUpdateDeps,
): Promise<CrawlReport> {
  const report = emptyReport(scope);
  const chunkSize = deps.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const stopMarginMs = deps.stopMarginMs ?? DEFAULT_STOP_MARGIN_MS;
  const seenThisRun = new Set<string>();
  const queries = scope.lawdCodes.flatMap((lawdCode) => scope.months.map((month) => ({ lawdCode, month })));

  /** Queues one chunk and fingerprints its trades, so no later run sends them again. */
  async function saveChunk(chunk: Pending[]): Promise<void> {
    report.sent += chunk.length;
    const { queued } = await deps.saver.save(chunk.map((pending) => pending.row));
    report.queued += queued;
    await deps.fingerprints.remember(
      chunk.map((pending) => pending.fingerprint),
      deps.now(),
    );
  }

  async function crawl(lawdCode: string, month: string): Promise<void> {
    const answer = await deps.source.monthRows(lawdCode, month);
    if (!answer.ok) {
      report.failedQueries.push({ lawdCode, month, reason: answer.reason });
      return;
    }
    report.fetched += answer.rows.length;
    const fresh: { trade: Trade; fingerprint: string }[] = [];
    for (const raw of answer.rows) {
      const normalized = normalizeTrade(raw);
      if (normalized.kind === 'cancelled') {
        report.cancelled += 1;
      } else if (normalized.kind === 'bad') {
        report.bad.total += 1;
        report.bad.byReason[normalized.reason] = (report.bad.byReason[normalized.reason] ?? 0) + 1;
      } else {
        const fingerprint = tradeFingerprintId(normalized.trade);
        if (seenThisRun.has(fingerprint)) {
          report.duplicates += 1;
        } else {
          seenThisRun.add(fingerprint);
          fresh.push({ trade: normalized.trade, fingerprint });
        }
      }
    }
    if (fresh.length === 0) return;

    const saved = await deps.fingerprints.seen(fresh.map((entry) => entry.fingerprint));
    report.alreadySaved += saved.size;
    const pending: Pending[] = [];
    for (const { trade, fingerprint } of fresh) {
      if (saved.has(fingerprint)) continue;
      const complex = await deps.complexes.find(trade);
      if (!complex) report.withoutComplex += 1;
      pending.push({
        fingerprint,
        row: {
          lawdCode: trade.lawdCode,
          regionCode: complex?.regionCode ?? null,
          complexId: complex?.complexId ?? null,
          complexName: trade.complexName,
          jibun: trade.jibun,
          priceWon: trade.priceWon,
          exclusiveAreaM2: trade.exclusiveAreaM2,
          floor: trade.floor,
          contractDate: trade.contractDate,
        },
      });
    }
    for (let start = 0; start < pending.length; start += chunkSize) {
      await saveChunk(pending.slice(start, start + chunkSize));
    }
  }

  let failure: unknown;
  try {
    for (const [index, { lawdCode, month }] of queries.entries()) {
      if (deps.remainingTimeMs() < stopMarginMs) {
        const unfinished = queries.slice(index);
        report.failedQueries.push(...unfinished.map((query) => ({ ...query, reason: 'out_of_time' })));
        failure = new CrawlOutOfTimeError(unfinished.length);
        break;
      }
      await crawl(lawdCode, month);
    }
    if (!failure && queries.length > 0 && report.failedQueries.length === queries.length) {
      failure = new PublicDataUnavailableError([
        ...new Set(report.failedQueries.map((query) => query.reason)),
      ]);
    }
  } catch (error) {
    failure = error;
  }

  if (report.bad.total > 0) {
    logger.warn('Real-transaction rows left out as malformed', { bad: report.bad });
  }
  if (report.failedQueries.length > 0) {
    logger.error('Public-data queries failed', { failedQueries: report.failedQueries });
  }
  if (failure) {
    const name = failure instanceof Error ? failure.name : 'Error';
    logger.error('Real-transaction update failed', { ...report, failure: name });
    throw failure;
  }
  logger.info('Real-transaction update', { ...report });
  return report;
}
