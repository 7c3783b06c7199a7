import { logger } from '../shared/logger';

/**
 * 국토교통부 아파트 매매 실거래가 (data.go.kr) for one 시군구 and contract month, page by page.
 * Not the Legacy API: a plain fetch with a timeout and retries (5xx, 408, 429, timeouts, network),
 * and the API's traps handled: errors come as HTTP 200 with a resultCode, one row comes as an
 * object instead of an array, no rows as `items: ""`. The serviceKey is in every URL, so no URL
 * is ever logged.
 */

export type MonthRows = { ok: true; rows: unknown[] } | { ok: false; reason: string };

export interface TradeSource {
  /** Every row of one (시군구, YYYYMM), or why the query failed (a reason code, never a URL). */
  monthRows(lawdCode: string, month: string): Promise<MonthRows>;
}

export interface PublicDataSourceOptions {
  url: string;
  serviceKey: string;
  fetch?: typeof globalThis.fetch;
  /** Usually the invocation's getRemainingTimeInMillis: bounds timeouts and backoff. */
  remainingTimeMs?: () => number;
  /** `numOfRows`: data.go.kr allows up to 1000, which keeps a development key's daily calls low. */
  pageSize?: number;
  requestTimeoutMs?: number;
  /** Attempts per page for retryable failures, including the first. */
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** In [0, 1): full jitter. */
  random?: () => number;
  /** Time kept back from the deadline for the rest of the run. */
  safetyMarginMs?: number;
}

export const DEFAULT_PAGE_SIZE = 1000;
/** A month of one 시군구 is a few thousand trades at most: more pages means a broken totalCount. */
const MAX_PAGES = 100;

export type PublicDataPage =
  | {
      ok: true;
      rows: unknown[];
      totalCount: number;
      /** The page size the API applied, when it says so (it may cap what was asked). */
      numOfRows?: number;
    }
  | { ok: false; reason: string };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** What an XML answer says went wrong (the gateway's key errors are XML even with `_type=json`). */
function xmlReason(body: string): string {
  const code =
    /<returnReasonCode>\s*(\w+)\s*<\/returnReasonCode>/.exec(body)?.[1] ??
    /<resultCode>\s*(\w+)\s*<\/resultCode>/.exec(body)?.[1];
  return code && !/^0+$/.test(code) ? `result_${code}` : 'not_json';
}

/** One page's JSON: its rows and totalCount, or the failure as a reason code. */
export function parsePublicDataPage(body: string): PublicDataPage {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, reason: xmlReason(body) };
  }
  const response = isRecord(json) ? json.response : undefined;
  const header = isRecord(response) ? response.header : undefined;
  const resultCode = isRecord(header) ? String(header.resultCode ?? '').trim() : '';
  if (resultCode === '') return { ok: false, reason: 'bad_response' };
  // '00' from the older API and the stand-in, '000' from the current endpoint.
  if (!/^0+$/.test(resultCode)) return { ok: false, reason: `result_${resultCode}` };
  const page = isRecord(response) ? response.body : undefined;
  if (!isRecord(page)) return { ok: false, reason: 'bad_response' };
  const totalCount = Number(page.totalCount ?? 0);
  if (!Number.isInteger(totalCount) || totalCount < 0) return { ok: false, reason: 'bad_response' };
  const numOfRows = Number(page.numOfRows);
  const sized = Number.isInteger(numOfRows) && numOfRows > 0 ? { totalCount, numOfRows } : { totalCount };
  const { items } = page;
  if (items === '' || items === undefined || items === null) return { ok: true, rows: [], ...sized };
  if (!isRecord(items)) return { ok: false, reason: 'bad_response' };
  const { item } = items;
  if (item === '' || item === undefined || item === null) return { ok: true, rows: [], ...sized };
  return { ok: true, rows: Array.isArray(item) ? item : [item], ...sized };
}

/** Text with the serviceKey taken out, in every form a URL or an error message may carry it. */
export function redactServiceKey(text: string, serviceKey: string): string {
  let redacted = text.replace(/(serviceKey=)[^&\s"'<>]*/gi, '$1[redacted]');
  const forms = [
    serviceKey,
    encodeURIComponent(serviceKey),
    new URLSearchParams({ k: serviceKey }).toString().slice(2),
  ];
  for (const form of forms) if (form.length > 0) redacted = redacted.split(form).join('[redacted]');
  return redacted;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

type Attempt = { page: PublicDataPage } | { reason: string; retryable: boolean; detail?: string };

export function publicDataSource(options: PublicDataSourceOptions): TradeSource {
  const fetchFn = options.fetch ?? globalThis.fetch;
  const remainingTimeMs = options.remainingTimeMs ?? (() => Number.POSITIVE_INFINITY);
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  const requestTimeoutMs = options.requestTimeoutMs ?? 20_000;
  const maxAttempts = options.maxAttempts ?? 3;
  const baseDelayMs = options.baseDelayMs ?? 500;
  const maxDelayMs = options.maxDelayMs ?? 5_000;
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const safetyMarginMs = options.safetyMarginMs ?? 30_000;
  const budgetMs = () => remainingTimeMs() - safetyMarginMs;

  function pageUrl(lawdCode: string, month: string, pageNo: number): string {
    const url = new URL(options.url);
    // Passed as given: the secret holds the key's decoded form and URLSearchParams encodes it once.
    url.searchParams.set('serviceKey', options.serviceKey);
    url.searchParams.set('LAWD_CD', lawdCode);
    url.searchParams.set('DEAL_YMD', month);
    url.searchParams.set('pageNo', String(pageNo));
    url.searchParams.set('numOfRows', String(pageSize));
    url.searchParams.set('_type', 'json');
    return url.href;
  }

  async function attempt(url: string, timeoutMs: number): Promise<Attempt> {
    try {
      const response = await fetchFn(url, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (response.ok) return { page: parsePublicDataPage(await response.text()) };
      await response.body?.cancel().catch(() => undefined);
      const status = response.status;
      return { reason: `http_${status}`, retryable: status === 408 || status === 429 || status >= 500 };
    } catch (error) {
      const name = (error as Error | undefined)?.name;
      const timedOut = name === 'TimeoutError' || name === 'AbortError';
      return {
        reason: timedOut ? 'timeout' : 'network',
        retryable: true,
        detail: redactServiceKey(String((error as Error | undefined)?.message ?? error), options.serviceKey),
      };
    }
  }

  async function page(lawdCode: string, month: string, pageNo: number): Promise<PublicDataPage> {
    const url = pageUrl(lawdCode, month, pageNo);
    for (let attemptNo = 1; ; attemptNo += 1) {
      const timeoutMs = Math.min(requestTimeoutMs, budgetMs());
      if (timeoutMs <= 0) return { ok: false, reason: 'out_of_time' };
      const result = await attempt(url, timeoutMs);
      if ('page' in result) return result.page;
      const delayMs = Math.floor(random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (attemptNo - 1)));
      const giveUp = !result.retryable || attemptNo >= maxAttempts || delayMs >= budgetMs();
      logger.warn('Public-data request failed', {
        lawdCode,
        month,
        pageNo,
        attempt: attemptNo,
        reason: result.reason,
        willRetry: !giveUp,
        ...(result.detail ? { detail: result.detail } : {}),
      });
      if (giveUp) return { ok: false, reason: result.reason };
      await sleep(delayMs);
    }
  }

  return {
    async monthRows(lawdCode, month) {
      const rows: unknown[] = [];
      for (let pageNo = 1; ; pageNo += 1) {
        const answer = await page(lawdCode, month, pageNo);
        if (!answer.ok) return answer;
        rows.push(...answer.rows);
        const appliedPageSize = answer.numOfRows ?? pageSize;
        // An empty page ends it too: a totalCount that overstates would otherwise page forever.
        if (pageNo * appliedPageSize >= answer.totalCount || answer.rows.length === 0)
          return { ok: true, rows };
        if (pageNo >= MAX_PAGES) return { ok: false, reason: 'too_many_pages' };
      }
    },
  };
}
