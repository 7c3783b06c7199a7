import { invalidField } from './request-errors';

/** `?limit=` and `?since=` as the JSON API reads them; `since` is inclusive. */
export interface LogQuery {
  limit?: number;
  since?: number;
}

export const MAX_LIMIT = 1000;

export function parseLogQuery(params: URLSearchParams): LogQuery {
  const query: LogQuery = {};
  const limit = params.get('limit');
  if (limit !== null) {
    if (!/^\d+$/.test(limit) || Number(limit) < 1 || Number(limit) > MAX_LIMIT) {
      throw invalidField('limit', `must be a whole number from 1 to ${MAX_LIMIT}, got "${limit}"`);
    }
    query.limit = Number(limit);
  }
  const since = params.get('since');
  if (since !== null) {
    const time = Date.parse(since);
    if (Number.isNaN(time)) throw invalidField('since', `must be an ISO-8601 time, got "${since}"`);
    query.since = time;
  }
  return query;
}

/** When an entry happened: captures carry `at`, invocation records `startedAt`. */
export function entryTime(entry: unknown): number {
  const record = entry as { at?: unknown; startedAt?: unknown };
  const time = typeof record.at === 'string' ? record.at : record.startedAt;
  return typeof time === 'string' ? Date.parse(time) : Number.NaN;
}

/** Newest first (the later-added first among equal times), then `since`, then `limit`. */
export function selectEntries<T>(entries: readonly T[], query: LogQuery): T[] {
  const newestFirst = entries
    .map((entry, index) => ({ entry, index, time: entryTime(entry) }))
    .sort((a, b) => (b.time || 0) - (a.time || 0) || b.index - a.index)
    .map(({ entry }) => entry);
  const since = query.since;
  const recent = since === undefined ? newestFirst : newestFirst.filter((entry) => entryTime(entry) >= since);
  return query.limit === undefined ? recent : recent.slice(0, query.limit);
}
