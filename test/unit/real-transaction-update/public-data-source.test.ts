import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  parsePublicDataPage,
  publicDataSource,
  redactServiceKey,
} from '../../../amplify/functions/real-transaction-update/public-data-source';
import { logger } from '../../../amplify/functions/shared/logger';
import { publicDataError, publicDataResponse } from '../../../local/legacy/public-data';
import { koreanRow } from './trade-fixtures';

const URL_BASE = 'https://apis.data.go.kr/1613000/RTMSDataSvcAptTrade/getRTMSDataSvcAptTrade';
// A data.go.kr key in its decoded form has + / = in it.
const SERVICE_KEY = 'Zx9+k/Ab12Secret==';

const rows = (count: number) => Array.from({ length: count }, (_, n) => koreanRow({ 층: String(n + 1) }));
const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** data.go.kr answering from `all`, paged as asked, with `failures` answered first (in order). */
function fakeDataGoKr(all: unknown[], failures: (() => Response | Promise<Response>)[] = []) {
  const urls: URL[] = [];
  const fetch = vi.fn(async (input: string | URL | Request) => {
    const url = new URL(String(input));
    urls.push(url);
    const failure = failures.shift();
    if (failure) return failure();
    const pageNo = Number(url.searchParams.get('pageNo'));
    const numOfRows = Number(url.searchParams.get('numOfRows'));
    return json(publicDataResponse(all as never[], { pageNo, numOfRows }));
  });
  return { fetch, urls };
}

function source(fetch: typeof globalThis.fetch, options: Record<string, unknown> = {}) {
  return publicDataSource({
    url: URL_BASE,
    serviceKey: SERVICE_KEY,
    fetch,
    pageSize: 10,
    sleep: async () => undefined,
    random: () => 0.5,
    ...options,
  });
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('parsePublicDataPage', () => {
  it('reads a one-row page whose item is an object, not an array', () => {
    const body = JSON.stringify(publicDataResponse([koreanRow()], { pageNo: 1, numOfRows: 10 }));
    expect(parsePublicDataPage(body)).toEqual({
      ok: true,
      rows: [koreanRow()],
      totalCount: 1,
      numOfRows: 10,
    });
  });

  it('reads `items: ""` as no rows', () => {
    const body = JSON.stringify(publicDataResponse([], { pageNo: 1, numOfRows: 10 }));
    expect(parsePublicDataPage(body)).toEqual({ ok: true, rows: [], totalCount: 0, numOfRows: 10 });
  });

  it('accepts the current endpoint’s "000" result code and numbers given as strings', () => {
    const body = JSON.stringify({
      response: {
        header: { resultCode: '000', resultMsg: 'OK' },
        body: { items: { item: [koreanRow(), koreanRow()] }, numOfRows: '10', pageNo: '1', totalCount: '2' },
      },
    });
    expect(parsePublicDataPage(body)).toMatchObject({ ok: true, totalCount: 2, numOfRows: 10 });
  });

  it.each([
    [
      'an error resultCode with HTTP 200',
      JSON.stringify(publicDataError('10', 'INVALID_REQUEST_PARAMETER_ERROR')),
      'result_10',
    ],
    [
      'the gateway’s XML key error',
      '<OpenAPI_ServiceResponse><cmmMsgHeader><errMsg>SERVICE ERROR</errMsg><returnAuthMsg>SERVICE_KEY_IS_NOT_REGISTERED_ERROR</returnAuthMsg><returnReasonCode>30</returnReasonCode></cmmMsgHeader></OpenAPI_ServiceResponse>',
      'result_30',
    ],
    [
      'XML that is not an error',
      '<response><header><resultCode>000</resultCode></header></response>',
      'not_json',
    ],
    ['JSON without a header', JSON.stringify({ response: {} }), 'bad_response'],
    [
      'a header without a body',
      JSON.stringify({ response: { header: { resultCode: '00' } } }),
      'bad_response',
    ],
    [
      'items that are neither an object nor ""',
      JSON.stringify({ response: { header: { resultCode: '00' }, body: { items: 5, totalCount: 1 } } }),
      'bad_response',
    ],
  ])('fails a page with %s', (_case, body, reason) => {
    expect(parsePublicDataPage(body)).toEqual({ ok: false, reason });
  });
});

describe('publicDataSource', () => {
  it('asks with LAWD_CD, DEAL_YMD, pageNo, numOfRows, _type=json and the serviceKey as given', async () => {
    const api = fakeDataGoKr(rows(3));
    await source(api.fetch).monthRows('11680', '202603');
    const [url] = api.urls;
    expect(url!.origin + url!.pathname).toBe(URL_BASE);
    expect(Object.fromEntries(url!.searchParams)).toEqual({
      serviceKey: SERVICE_KEY,
      LAWD_CD: '11680',
      DEAL_YMD: '202603',
      pageNo: '1',
      numOfRows: '10',
      _type: 'json',
    });
    // Encoded once: '+' must not arrive as a space.
    expect(url!.search).toContain(`serviceKey=${encodeURIComponent(SERVICE_KEY)}`);
  });

  it('asks for 1000 rows a page unless told otherwise', async () => {
    const api = fakeDataGoKr(rows(1));
    await publicDataSource({ url: URL_BASE, serviceKey: SERVICE_KEY, fetch: api.fetch }).monthRows(
      '11680',
      '202603',
    );
    expect(api.urls[0]!.searchParams.get('numOfRows')).toBe('1000');
  });

  it('pages until pageNo × numOfRows reaches totalCount', async () => {
    const api = fakeDataGoKr(rows(17));
    const answer = await source(api.fetch).monthRows('11680', '202603');
    expect(answer).toEqual({ ok: true, rows: rows(17) });
    expect(api.urls.map((url) => url.searchParams.get('pageNo'))).toEqual(['1', '2']);
  });

  it('stops after a full last page without asking for an empty one', async () => {
    const api = fakeDataGoKr(rows(20));
    const answer = await source(api.fetch).monthRows('11680', '202603');
    expect(answer.ok && answer.rows).toHaveLength(20);
    expect(api.fetch).toHaveBeenCalledTimes(2);
  });

  it('pages by the page size the API applied when it caps the one asked for', async () => {
    const all = rows(7);
    const fetch = vi.fn(async (input: string | URL | Request) => {
      const pageNo = Number(new URL(String(input)).searchParams.get('pageNo'));
      return json(publicDataResponse(all, { pageNo, numOfRows: 3 }));
    });
    const answer = await source(fetch, { pageSize: 1000 }).monthRows('11680', '202603');
    expect(answer.ok && answer.rows).toHaveLength(7);
    expect(fetch).toHaveBeenCalledTimes(3);
  });

  it('answers no rows for a month without trades (`items: ""`)', async () => {
    const api = fakeDataGoKr([]);
    expect(await source(api.fetch).monthRows('11680', '202603')).toEqual({ ok: true, rows: [] });
  });

  it('stops on an empty page even if totalCount says there is more', async () => {
    const fetch = vi.fn(async () =>
      json({
        response: {
          header: { resultCode: '00' },
          body: { items: '', numOfRows: 10, pageNo: 2, totalCount: 50 },
        },
      }),
    );
    expect(await source(fetch).monthRows('11680', '202603')).toEqual({ ok: true, rows: [] });
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('fails the query on an error resultCode, without retrying', async () => {
    const api = fakeDataGoKr(rows(3), [
      () => json(publicDataError('22', 'LIMITED_NUMBER_OF_SERVICE_REQUESTS_EXCEEDS_ERROR')),
    ]);
    expect(await source(api.fetch).monthRows('11680', '202603')).toEqual({ ok: false, reason: 'result_22' });
    expect(api.fetch).toHaveBeenCalledTimes(1);
  });

  it('fails the whole query when a later page fails', async () => {
    const fetch = vi.fn(async (input: string | URL | Request) => {
      const pageNo = Number(new URL(String(input)).searchParams.get('pageNo'));
      return pageNo === 1
        ? json(publicDataResponse(rows(17), { pageNo, numOfRows: 10 }))
        : json(publicDataError('99', 'UNKNOWN_ERROR'));
    });
    expect(await source(fetch).monthRows('11680', '202603')).toEqual({ ok: false, reason: 'result_99' });
  });

  it('retries a 5xx, a timeout and a network error with backoff, then succeeds', async () => {
    const sleep = vi.fn(async () => undefined);
    const api = fakeDataGoKr(rows(3), [
      () => new Response('Service Unavailable', { status: 503 }),
      () => {
        throw new DOMException('The operation was aborted due to timeout', 'TimeoutError');
      },
    ]);
    const answer = await source(api.fetch, { sleep, maxAttempts: 3, baseDelayMs: 1000 }).monthRows(
      '11680',
      '202603',
    );
    expect(answer).toEqual({ ok: true, rows: rows(3) });
    expect(api.fetch).toHaveBeenCalledTimes(3);
    // Full jitter over 1 s, then 2 s (random() = 0.5).
    expect(sleep.mock.calls).toEqual([[500], [1000]]);
  });

  it('gives up after its attempts and names the last failure', async () => {
    const api = fakeDataGoKr(rows(3), [
      () => new Response('', { status: 502 }),
      () => new Response('', { status: 500 }),
      () => new Response('', { status: 504 }),
    ]);
    expect(await source(api.fetch, { maxAttempts: 3 }).monthRows('11680', '202603')).toEqual({
      ok: false,
      reason: 'http_504',
    });
    expect(api.fetch).toHaveBeenCalledTimes(3);
  });

  it('does not retry a 4xx', async () => {
    const api = fakeDataGoKr(rows(3), [() => new Response('Forbidden', { status: 403 })]);
    expect(await source(api.fetch).monthRows('11680', '202603')).toEqual({ ok: false, reason: 'http_403' });
    expect(api.fetch).toHaveBeenCalledTimes(1);
  });

  it('aborts a request that hangs, through its timeout signal', async () => {
    const signals: AbortSignal[] = [];
    const fetch = vi.fn(
      (_input: string | URL | Request, init?: RequestInit) =>
        new Promise<Response>((_resolve, reject) => {
          const signal = init!.signal!;
          signals.push(signal);
          signal.addEventListener('abort', () => reject(signal.reason));
        }),
    );
    const answer = await source(fetch, { requestTimeoutMs: 20, maxAttempts: 2 }).monthRows('11680', '202603');
    expect(answer).toEqual({ ok: false, reason: 'timeout' });
    expect(signals).toHaveLength(2);
    expect(signals.every((signal) => signal.aborted)).toBe(true);
  });

  it('starts no request without time left before the deadline', async () => {
    const api = fakeDataGoKr(rows(3));
    const answer = await source(api.fetch, {
      remainingTimeMs: () => 20_000,
      safetyMarginMs: 30_000,
    }).monthRows('11680', '202603');
    expect(answer).toEqual({ ok: false, reason: 'out_of_time' });
    expect(api.fetch).not.toHaveBeenCalled();
  });

  it('never logs the serviceKey, even when the error message holds the whole URL', async () => {
    const logged = [
      vi.spyOn(logger, 'warn'),
      vi.spyOn(logger, 'error'),
      vi.spyOn(logger, 'info'),
      vi.spyOn(logger, 'debug'),
    ];
    const fetch = vi.fn(async (input: string | URL | Request) => {
      throw new TypeError(`fetch failed: request to ${String(input)} failed, reason: ECONNRESET`);
    });
    const answer = await source(fetch, { maxAttempts: 2 }).monthRows('11680', '202603');
    expect(answer).toEqual({ ok: false, reason: 'network' });
    const text = JSON.stringify(logged.map((spy) => spy.mock.calls));
    expect(logged[0]).toHaveBeenCalledTimes(2);
    expect(text).toContain('ECONNRESET');
    expect(text).toContain('serviceKey=[redacted]');
    for (const form of [SERVICE_KEY, encodeURIComponent(SERVICE_KEY), 'Secret'])
      expect(text).not.toContain(form);
  });
});

describe('redactServiceKey', () => {
  it('takes the key out in its raw, percent-encoded and form-encoded forms', () => {
    const text = `a ${SERVICE_KEY} b ${encodeURIComponent(SERVICE_KEY)} c ${new URLSearchParams({ k: SERVICE_KEY }).toString()}`;
    expect(redactServiceKey(text, SERVICE_KEY)).toBe('a [redacted] b [redacted] c k=[redacted]');
  });
});
