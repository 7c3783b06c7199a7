import { z } from 'zod';
import { UserFacingError } from '../shared/errors';

/**
 * What one run crawls: 시군구 (district) codes × contract months (`YYYYMM`). By default every
 * configured code × this month and the previous one in KST, because a trade is registered up to
 * 30 days after its contract. An operator invoke `{ "lawdCodes": [...], "months": [...] }` narrows
 * or backfills either list.
 */

export interface CrawlScope {
  lawdCodes: string[];
  months: string[];
}

const KST_OFFSET_MS = 9 * 60 * 60 * 1000;
const MAX_OVERRIDE_CODES = 300;
const MAX_OVERRIDE_MONTHS = 24;

const yyyymm = (year: number, month: number) => `${year}${String(month).padStart(2, '0')}`;

/** The previous and the current contract month in Korea, oldest first. */
export function contractMonths(now: Date): string[] {
  const kst = new Date(now.getTime() + KST_OFFSET_MS);
  const year = kst.getUTCFullYear();
  const month = kst.getUTCMonth() + 1;
  const previous = month === 1 ? yyyymm(year - 1, 12) : yyyymm(year, month - 1);
  return [previous, yyyymm(year, month)];
}

/** An operator's crawl request that cannot be run as given; nothing was crawled. */
export class InvalidCrawlRequestError extends UserFacingError {
  override name = 'InvalidCrawlRequestError';
}

const overrideSchema = z.object({
  lawdCodes: z
    .array(z.string().regex(/^\d{5}$/, 'must be a 5-digit 시군구 code, e.g. "11680"'))
    .min(1)
    .max(MAX_OVERRIDE_CODES)
    .optional(),
  months: z
    .array(z.string().regex(/^\d{4}(0[1-9]|1[0-2])$/, 'must be a contract month YYYYMM, e.g. "202603"'))
    .min(1)
    .max(MAX_OVERRIDE_MONTHS)
    .optional(),
});

function isOverride(event: unknown): event is Record<string, unknown> {
  return typeof event === 'object' && event !== null && ('lawdCodes' in event || 'months' in event);
}

/**
 * The scope of this run: the scheduled event (or any event without `lawdCodes`/`months`) crawls
 * the defaults; an operator's lists are validated and replace the matching default.
 */
export function crawlScope(event: unknown, now: Date, defaultLawdCodes: () => string[]): CrawlScope {
  if (!isOverride(event)) return { lawdCodes: defaultLawdCodes(), months: contractMonths(now) };
  const parsed = overrideSchema.safeParse({ lawdCodes: event.lawdCodes, months: event.months });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new InvalidCrawlRequestError(`Invalid crawl request: ${problems.join('; ')}`);
  }
  const current = contractMonths(now)[1]!;
  const future = (parsed.data.months ?? []).filter((month) => month > current);
  if (future.length > 0) {
    throw new InvalidCrawlRequestError(
      `Invalid crawl request: months after the current month ${current} have no trades yet: ${future.join(', ')}`,
    );
  }
  return {
    lawdCodes: parsed.data.lawdCodes ? [...new Set(parsed.data.lawdCodes)] : defaultLawdCodes(),
    months: parsed.data.months ? [...new Set(parsed.data.months)].sort() : contractMonths(now),
  };
}
