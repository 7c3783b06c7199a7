import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { type LegacyClient, LegacyRejectedError } from '../shared/legacy-client';
import { logger } from '../shared/logger';
import { type Deadline, deadlineOf } from '../shared/paged-work';
import {
  FEED_NAMES,
  FEEDS,
  type FeedDefinition,
  type FeedName,
  parseFeedPage,
  planPage,
} from './reference-feeds';
import type { FeedState, FeedStateStore, ReferenceTables } from './reference-store';

/**
 * One data-sync run (DESIGN §2 #25): for each feed in order, the pages changed since the feed's
 * watermark, written into its model table, with the page cursor saved after every page so a run
 * that nears its timeout resumes mid-feed next time. A feed that fails stops for this run with its
 * state kept; the others still run, and the run then fails so the invocation shows as failed.
 */

export interface SyncRequest {
  feeds: FeedName[];
  /** Ignore the watermark and resend every row (an operator's full resync). */
  full: boolean;
}

export class InvalidSyncRequestError extends Error {
  constructor(detail: string) {
    super(
      `Invalid data-sync request: ${detail}. Expected { "feeds"?: [${FEED_NAMES.join(' | ')}], "full"?: boolean }`,
    );
    this.name = 'InvalidSyncRequestError';
  }
}

const operatorRequest = z.object({
  feeds: z.array(z.enum(FEED_NAMES)).min(1).optional(),
  full: z.boolean().optional(),
});

/** The schedule's event (every feed, incremental) or an operator's `{ "feeds": [...], "full": true }`. */
export function syncRequestOf(event: unknown): SyncRequest {
  const record = typeof event === 'object' && event !== null ? (event as Record<string, unknown>) : {};
  const parsed = operatorRequest.safeParse({ feeds: record.feeds, full: record.full });
  if (!parsed.success) {
    throw new InvalidSyncRequestError(
      parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '),
    );
  }
  const wanted = new Set<FeedName>(parsed.data.feeds ?? FEED_NAMES);
  return { feeds: FEED_NAMES.filter((feed) => wanted.has(feed)), full: parsed.data.full ?? false };
}

export interface FeedSummary {
  /** Items the feed answered, valid or not. */
  fetched: number;
  upserted: number;
  /** The stored row was as new or newer: not written. */
  unchanged: number;
  deleted: number;
  skippedInvalid: number;
  pages: number;
  /** The feed reached its end in this run; false when it stopped early (time) or failed. */
  done: boolean;
  /** The run continued a previous run's cursor. */
  resumed: boolean;
  /** Why the feed stopped, when it failed. */
  error?: string;
}

export type DataSyncSummary = Partial<Record<FeedName, FeedSummary>>;

/** At least one feed failed: the run is reported (Sentry) and the next scheduled run retries it. */
export class DataSyncFailedError extends Error {
  constructor(readonly summary: DataSyncSummary) {
    const failed = Object.entries(summary)
      .filter(([, feed]) => feed?.error !== undefined)
      .map(([name, feed]) => `${name} (${feed!.error})`);
    super(`data-sync: ${failed.length} feed(s) failed: ${failed.join('; ')}`);
    this.name = 'DataSyncFailedError';
  }
}

/** Another run saved the feed's state since this one read it: this one stops rather than undo its work. */
export class FeedStateConflictError extends Error {
  constructor(feed: FeedName) {
    super(`Another data-sync run saved the ${feed} feed's state first`);
    this.name = 'FeedStateConflictError';
  }
}

export interface DataSyncDeps {
  /** A client per feed: each has its own circuit, so one feed's outage does not stop the next. */
  legacy: () => LegacyClient;
  tables: ReferenceTables;
  state: FeedStateStore;
  tableName: (feed: FeedName) => string;
  now: () => Date;
  /** Items a feed page asks for (the API takes 1–200). */
  pageSize?: number;
  /** No page starts with less time than this left: a page's call and writes fit in it. */
  stopMarginMs?: number;
  /** Conditional updates in flight at once. */
  writeConcurrency?: number;
}

export const DEFAULT_PAGE_SIZE = 100;
export const DEFAULT_STOP_MARGIN_MS = 30_000;
export const DEFAULT_WRITE_CONCURRENCY = 10;

const later = (a: string | undefined, b: string | undefined) =>
  a === undefined ? b : b === undefined ? a : a > b ? a : b;

function feedPath(
  definition: FeedDefinition,
  since: string | undefined,
  cursor: string | undefined,
  limit: number,
) {
  const query = new URLSearchParams();
  if (since !== undefined) query.set('updatedSince', since);
  if (cursor !== undefined) query.set('cursor', cursor);
  query.set('limit', String(limit));
  return `${definition.path}?${query}`;
}

async function syncFeed(
  definition: FeedDefinition,
  full: boolean,
  deps: DataSyncDeps,
  deadline: Deadline,
): Promise<FeedSummary> {
  const feed = definition.name;
  const summary: FeedSummary = {
    fetched: 0,
    upserted: 0,
    unchanged: 0,
    deleted: 0,
    skippedInvalid: 0,
    pages: 0,
    done: false,
    resumed: false,
  };
  const pageSize = deps.pageSize ?? DEFAULT_PAGE_SIZE;
  const concurrency = deps.writeConcurrency ?? DEFAULT_WRITE_CONCURRENCY;

  try {
    const legacy = deps.legacy();
    const tableName = deps.tableName(feed);
    let { state, version } = await deps.state.load(feed);
    const save = async (next: FeedState) => {
      const saved = await deps.state.save(feed, next, version, deps.now());
      if (saved === undefined) throw new FeedStateConflictError(feed);
      state = next;
      version = saved;
    };
    const watermark = (): FeedState => (state.updatedSince ? { updatedSince: state.updatedSince } : {});

    // A full resync starts over even when an incremental run left a cursor: it rewrites everything anyway.
    summary.resumed = !full && state.cursor !== undefined;
    const since = summary.resumed ? state.cursorSince : full ? undefined : state.updatedSince;
    let cursor = summary.resumed ? state.cursor : undefined;
    let newest = summary.resumed ? state.newestSeen : undefined;

    while (!deadline.near()) {
      let body: unknown;
      try {
        body = await legacy.request({ method: 'GET', path: feedPath(definition, since, cursor, pageSize) });
      } catch (error) {
        // A cursor the API no longer takes (invalid_cursor) would fail every run: start over from the watermark.
        if (cursor !== undefined && error instanceof LegacyRejectedError && error.status === 400) {
          await save(watermark());
        }
        throw error;
      }
      const page = parseFeedPage(feed, body);
      const plan = planPage(definition, page.items);
      summary.pages += 1;
      summary.fetched += page.items.length;
      summary.skippedInvalid += plan.invalid.length;
      if (plan.invalid.length > 0) {
        // Ids and field paths only: names and addresses stay out of the logs.
        logger.warn('data-sync skipped invalid feed items', {
          feed,
          items: plan.invalid.map((entry) => ({ id: entry.id ?? null, fields: entry.fields })),
        });
      }

      const now = deps.now();
      for (let at = 0; at < plan.upserts.length; at += concurrency) {
        const written = await Promise.all(
          plan.upserts
            .slice(at, at + concurrency)
            .map((entry) =>
              deps.tables.upsert(tableName, definition, entry, { now, rewriteSameVersion: full }),
            ),
        );
        for (const wrote of written) {
          if (wrote) summary.upserted += 1;
          else summary.unchanged += 1;
        }
      }
      if (plan.deletes.length > 0) {
        await deps.tables.remove(
          tableName,
          plan.deletes.map((entry) => entry.id),
        );
        summary.deleted += plan.deletes.length;
      }

      newest = later(newest, plan.newest);
      if (page.nextCursor === undefined) {
        const updatedSince = later(state.updatedSince, newest);
        await save(updatedSince ? { updatedSince } : {});
        summary.done = true;
        break;
      }
      cursor = page.nextCursor;
      await save({
        ...watermark(),
        cursor,
        ...(since ? { cursorSince: since } : {}),
        ...(newest ? { newestSeen: newest } : {}),
      });
    }
  } catch (error) {
    summary.error = error instanceof Error ? error.message : String(error);
    logger.error('data-sync feed failed; its state is kept for the next run', {
      feed,
      errorName: error instanceof Error ? error.name : typeof error,
      error: summary.error,
      status: (error as { status?: unknown } | undefined)?.status,
    });
  }
  return summary;
}

/** Runs the requested feeds in order and returns their summaries; throws DataSyncFailedError when one failed. */
export async function dataSync(
  request: SyncRequest,
  deps: DataSyncDeps,
  context: Pick<Context, 'getRemainingTimeInMillis'>,
): Promise<DataSyncSummary> {
  const deadline = deadlineOf(context, deps.stopMarginMs ?? DEFAULT_STOP_MARGIN_MS);
  const summary: DataSyncSummary = {};
  for (const feed of request.feeds) {
    summary[feed] = await syncFeed(FEEDS[feed], request.full, deps, deadline);
  }
  logger.info('data-sync', { full: request.full, feeds: summary });
  if (Object.values(summary).some((feed) => feed?.error !== undefined))
    throw new DataSyncFailedError(summary);
  return summary;
}
