import type { Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { relayMessage } from '../../../amplify/functions/legacy-event-relay/relay';
import { complexDirectory } from '../../../amplify/functions/real-transaction-update/complex-directory';
import { InvalidCrawlRequestError } from '../../../amplify/functions/real-transaction-update/crawl-scope';
import { createHandler } from '../../../amplify/functions/real-transaction-update/handler';
import {
  publicDataSource,
  type TradeSource,
} from '../../../amplify/functions/real-transaction-update/public-data-source';
import {
  queuedTradeSaver,
  type SaveRow,
  saveCommandId,
} from '../../../amplify/functions/real-transaction-update/queued-trade-save';
import {
  CrawlOutOfTimeError,
  type CrawlReport,
  PublicDataUnavailableError,
  type RealTransactionUpdateDeps,
} from '../../../amplify/functions/real-transaction-update/real-transaction-update';
import {
  FINGERPRINT_TTL_SECONDS,
  fingerprintStore,
} from '../../../amplify/functions/real-transaction-update/trade-fingerprints';
import {
  normalizeTrade,
  tradeFingerprintId,
} from '../../../amplify/functions/real-transaction-update/trade-normalize';
import type { EventEnvelope } from '../../../amplify/functions/shared/events';
import { createLegacyClient } from '../../../amplify/functions/shared/legacy-client';
import { logger } from '../../../amplify/functions/shared/logger';
import { publicDataError, publicDataResponse, publicDataTradeRows } from '../../../local/legacy/public-data';
import type { LegacyApi } from '../../../local/legacy/server';
import { NOW, startTestLegacyApi, stopAll, tokensFor } from '../../local/legacy/legacy-fixture';
import { lambdaContext } from '../../support/lambda-context';
import { COMPLEX_TABLE, complexRow, ddb, FakeDynamo, IDEMPOTENCY_TABLE, koreanRow } from './trade-fixtures';

/**
 * The crawler against the Legacy stand-in: its imitation of data.go.kr (paging, quirks, malformed
 * rows) and its real save() (validation, dedupe, service-token check), reached as in production
 * through the legacy-relay queue and legacy-event-relay, with DynamoDB faked.
 * The stand-in's clock is 2025-03-14 12:00 KST: the months are 202502 and 202503.
 */

const SERVICE_KEY = 'Zx9+k/Ab12Secret==';
const LAWD_CODES = ['11680', '11650'];
const MONTHS = ['202502', '202503'];
const scheduled = { source: 'aws.scheduler', 'detail-type': 'Scheduled Event', detail: {} };
const noSleep = async () => undefined;

let api: LegacyApi;
let dynamo: FakeDynamo;

type Command = EventEnvelope<string, unknown>;

interface Options {
  publicFetch?: typeof globalThis.fetch;
  source?: TradeSource;
  pageSize?: number;
  chunkSize?: number;
  /** The run's own clock for "time left"; the clients always see plenty. */
  runRemainingMs?: () => number;
  /** The legacy-relay queue; by default each command is relayed to the stand-in as it is queued. */
  queue?: (command: Command) => Promise<void>;
}

/** What legacy-event-relay does with each queued command, against the stand-in. */
async function relay(commands: Command[]) {
  const legacy = createLegacyClient({
    baseUrl: api.url,
    tokens: tokensFor({ subject: 'legacy-event-relay' }),
    sleep: noSleep,
  });
  for (const command of commands) await relayMessage(JSON.stringify(command), legacy);
}

/** A legacy-relay queue that keeps what is queued, for a test to relay (or not) later. */
function recordingQueue() {
  const commands: Command[] = [];
  const queue = async (command: Command) => {
    commands.push(command);
  };
  return { commands, queue };
}

const rowsOf = (command: Command) => (command.payload as { rows: SaveRow[] }).rows;

function depsFor(options: Options = {}) {
  return (_context: Context): RealTransactionUpdateDeps & { defaultLawdCodes: () => string[] } => ({
    source:
      options.source ??
      publicDataSource({
        url: `${api.url}/v1/public-data/real-transactions`,
        serviceKey: SERVICE_KEY,
        fetch: options.publicFetch,
        pageSize: options.pageSize ?? 1000,
        sleep: noSleep,
      }),
    complexes: complexDirectory({ tableName: () => COMPLEX_TABLE }),
    fingerprints: fingerprintsFor(),
    saver: queuedTradeSaver({
      queue: options.queue ?? ((command) => relay([command])),
      now: () => new Date(NOW),
    }),
    now: () => new Date(NOW),
    remainingTimeMs: options.runRemainingMs ?? (() => 600_000),
    defaultLawdCodes: () => LAWD_CODES,
    chunkSize: options.chunkSize,
  });
}

const fingerprintsFor = () => fingerprintStore({ tableName: () => IDEMPOTENCY_TABLE, sleep: noSleep });

function run(event: unknown = scheduled, options: Options = {}): Promise<CrawlReport> {
  return createHandler(depsFor(options))(event, lambdaContext(600_000, 'real-transaction-update'));
}

/** What the stand-in's public data holds for the run's queries, normalized. */
function expectedCounts(lawdCodes = LAWD_CODES, months = MONTHS) {
  const rows = lawdCodes.flatMap((code) =>
    months.map((month) =>
      publicDataTradeRows(
        api.store.data.complexes,
        code,
        { year: Number(month.slice(0, 4)), month: Number(month.slice(4)) },
        NOW,
      ),
    ),
  );
  const all = rows.flat();
  const trades = all.map(normalizeTrade).flatMap((row) => (row.kind === 'trade' ? [row.trade] : []));
  const unique = new Set(trades.map(tradeFingerprintId));
  return {
    fetched: all.length,
    nonEmpty: rows.filter((list) => list.length > 0).length,
    unique: unique.size,
  };
}

const posts = () => api.calls.list().filter((call) => call.method === 'POST');
const gets = () => api.calls.list().filter((call) => call.method === 'GET');

beforeEach(async () => {
  ddb.reset();
  dynamo = new FakeDynamo();
  dynamo.install();
  api = await startTestLegacyApi();
  dynamo.complexes.push(...api.store.data.complexes.map(complexRow));
});

afterEach(async () => {
  await stopAll();
  vi.restoreAllMocks();
});

describe('real-transaction-update against the stand-in', () => {
  it('queues every normalized trade of both months in each 시군구 with its complex, the relay saves them, and the run reports the counts', async () => {
    const expected = expectedCounts();
    const report = await run();

    expect(report).toEqual({
      months: MONTHS,
      lawdCodes: LAWD_CODES,
      fetched: expected.fetched,
      cancelled: expected.nonEmpty,
      bad: {
        total: 3 * expected.nonEmpty,
        byReason: {
          blank_price: expected.nonEmpty,
          bad_area: expected.nonEmpty,
          bad_date: expected.nonEmpty,
        },
      },
      duplicates: expected.fetched - 4 * expected.nonEmpty - expected.unique,
      alreadySaved: 0,
      sent: expected.unique,
      queued: expected.unique,
      withoutComplex: 0,
      failedQueries: [],
    });
    expect(expected.unique).toBeGreaterThan(10);

    const saved = [...api.store.savedRealTransactions.values()];
    expect(saved).toHaveLength(expected.unique);
    for (const trade of saved) {
      const complex = api.store.data.complexes.find((candidate) => candidate.id === trade.complexId);
      expect(complex).toMatchObject({
        name: trade.complexName,
        jibun: trade.jibun,
        regionCode: trade.regionCode,
      });
      expect(LAWD_CODES).toContain(trade.lawdCode);
    }
    expect(saved.filter((trade) => trade.floor === -1)).toHaveLength(expected.nonEmpty);
    expect(posts().every((call) => call.status === 201 && call.subject === 'legacy-event-relay')).toBe(true);
  });

  it('records a fingerprint per queued trade, expiring after 120 days, with no trade content', async () => {
    const report = await run();
    expect(dynamo.idempotency.size).toBe(report.queued);
    for (const [id, item] of dynamo.idempotency) {
      expect(id).toMatch(/^rtx:[0-9a-f]{64}$/);
      expect(item).toEqual({
        id,
        kind: 'real-transaction',
        savedAt: new Date(NOW).toISOString(),
        expiration: Math.floor(NOW / 1000) + FINGERPRINT_TTL_SECONDS,
      });
    }
    expect(FINGERPRINT_TTL_SECONDS).toBe(120 * 86_400);
  });

  it('sends nothing on a second run over the same months: no POST at all', async () => {
    const first = await run();
    const postsAfterFirst = posts().length;
    expect(postsAfterFirst).toBeGreaterThan(0);

    const second = await run();
    expect(posts()).toHaveLength(postsAfterFirst);
    expect(second).toMatchObject({ alreadySaved: first.queued, sent: 0, queued: 0 });
    expect(api.store.savedRealTransactions.size).toBe(first.queued);
  });

  it('saves nothing twice when fingerprints are lost, and fingerprints the trades again so they are not sent again', async () => {
    const first = await run();
    dynamo.idempotency.clear();

    const second = await run();
    expect(second).toMatchObject({ alreadySaved: 0, sent: first.queued, queued: first.queued });
    expect(api.store.savedRealTransactions.size).toBe(first.queued);
    expect(dynamo.idempotency.size).toBe(first.queued);
    expect((await run()).sent).toBe(0);
  });

  it('sends in chunks of at most the chunk size', async () => {
    const report = await run(scheduled, { chunkSize: 4 });
    const sizes = posts().map((call) => (call.body as unknown[]).length);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(4);
    expect(sizes.reduce((sum, size) => sum + size, 0)).toBe(report.sent);
    expect(report.queued).toBe(report.sent);
  });

  it('reads the Complex table once per 시군구 per run', async () => {
    await run();
    expect(dynamo.queries.map((query) => query.ExpressionAttributeValues?.[':lawdCode']).sort()).toEqual(
      [...LAWD_CODES].sort(),
    );
  });

  it('sends a trade of an unknown complex with complexId null, and the Legacy API fills it in', async () => {
    const 은마 = dynamo.complexes.findIndex((row) => row.id === 'CPX-1001');
    dynamo.complexes.splice(은마, 1);
    const report = await run();
    expect(report.withoutComplex).toBeGreaterThan(0);
    const sent = posts().flatMap((call) => call.body as SaveRow[]);
    const unknown = sent.filter((row) => row.complexName === '은마');
    expect(unknown).toHaveLength(report.withoutComplex);
    expect(unknown.every((row) => row.complexId === null && row.regionCode === null)).toBe(true);
    const stored = [...api.store.savedRealTransactions.values()].filter((row) => row.complexName === '은마');
    expect(stored.every((row) => row.complexId === 'CPX-1001')).toBe(true);
  });

  it('crawls only what an operator asks for', async () => {
    const report = await run({ lawdCodes: ['11680'], months: ['202503'] });
    expect(report).toMatchObject({ lawdCodes: ['11680'], months: ['202503'] });
    const asked = gets().map((call) => {
      const query = new URLSearchParams(call.query);
      return [query.get('LAWD_CD'), query.get('DEAL_YMD')];
    });
    expect(asked).toEqual([['11680', '202503']]);
    expect(report.fetched).toBe(expectedCounts(['11680'], ['202503']).fetched);
  });

  it('refuses an invalid operator request before calling anything', async () => {
    await expect(run({ lawdCodes: ['gangnam'] })).rejects.toBeInstanceOf(InvalidCrawlRequestError);
    expect(api.calls.list()).toEqual([]);
  });

  it('passes the serviceKey as given and never logs it', async () => {
    const spies = (['debug', 'info', 'warn', 'error'] as const).map((level) => vi.spyOn(logger, level));
    let failures = 2;
    const publicFetch: typeof globalThis.fetch = async (input, init) => {
      if (failures-- > 0) throw new TypeError(`fetch failed: ${String(input)}`);
      return globalThis.fetch(input, init);
    };
    const report = await run(scheduled, { publicFetch });
    expect(report.failedQueries).toEqual([]);

    const received = new URLSearchParams(gets()[0]!.query).get('serviceKey');
    expect(received).toBe(SERVICE_KEY);
    const logged = JSON.stringify([spies.map((spy) => spy.mock.calls), report]);
    expect(spies[2]).toHaveBeenCalled();
    for (const form of [SERVICE_KEY, encodeURIComponent(SERVICE_KEY), 'Secret'])
      expect(logged).not.toContain(form);
  });

  it('warns about malformed rows with reason counts only, no row content', async () => {
    const warn = vi.spyOn(logger, 'warn');
    const info = vi.spyOn(logger, 'info');
    const report = await run();
    expect(warn).toHaveBeenCalledWith('Real-transaction rows left out as malformed', { bad: report.bad });
    expect(info).toHaveBeenCalledWith('Real-transaction update', report);
    const logged = JSON.stringify([warn.mock.calls, info.mock.calls]);
    expect(logged).not.toMatch(/은마|대치동|래미안|"316"|거래금액/);
  });
});

describe('real-transaction-update when something fails', () => {
  it('reports a query with an error resultCode and saves the others', async () => {
    const error = vi.spyOn(logger, 'error');
    const publicFetch: typeof globalThis.fetch = async (input, init) =>
      new URL(String(input)).searchParams.get('LAWD_CD') === '11650'
        ? Response.json(publicDataError('22', 'LIMITED_NUMBER_OF_SERVICE_REQUESTS_EXCEEDS_ERROR'))
        : globalThis.fetch(input, init);

    const report = await run(scheduled, { publicFetch });
    expect(report.failedQueries).toEqual([
      { lawdCode: '11650', month: '202502', reason: 'result_22' },
      { lawdCode: '11650', month: '202503', reason: 'result_22' },
    ]);
    expect(report.queued).toBe(expectedCounts(['11680']).unique);
    expect(error).toHaveBeenCalledWith('Public-data queries failed', { failedQueries: report.failedQueries });
  });

  it('fails the run when every query fails, after reporting', async () => {
    const error = vi.spyOn(logger, 'error');
    const publicFetch: typeof globalThis.fetch = async () =>
      Response.json(publicDataError('30', 'SERVICE_KEY_IS_NOT_REGISTERED_ERROR'));
    await expect(run(scheduled, { publicFetch })).rejects.toBeInstanceOf(PublicDataUnavailableError);
    expect(error).toHaveBeenCalledWith(
      'Real-transaction update failed',
      expect.objectContaining({ failure: 'PublicDataUnavailableError', failedQueries: expect.any(Array) }),
    );
    expect(posts()).toEqual([]);
  });

  it('fails loudly when a chunk cannot be queued, with nothing fingerprinted, and the next run sends it', async () => {
    const error = vi.spyOn(logger, 'error');
    const queueDown = async () => {
      throw new Error('SQS SendMessage: ServiceUnavailable');
    };
    await expect(run(scheduled, { queue: queueDown })).rejects.toThrow(/ServiceUnavailable/);
    // The first query's save failed: the run stopped there.
    expect(gets()).toHaveLength(1);
    expect(dynamo.idempotency.size).toBe(0);
    expect(error).toHaveBeenCalledWith(
      'Real-transaction update failed',
      expect.objectContaining({ failure: 'Error', queued: 0 }),
    );

    expect(await run()).toMatchObject({ alreadySaved: 0, queued: expectedCounts().unique });
    expect(api.store.savedRealTransactions.size).toBe(expectedCounts().unique);
  });

  it('stops before the timeout between queries, fails, and the retry sends only the rest', async () => {
    let checks = 0;
    const runRemainingMs = () => (checks++ === 0 ? 600_000 : 30_000);
    let failure: unknown;
    await run(scheduled, { runRemainingMs }).catch((error) => {
      failure = error;
    });
    expect(failure).toBeInstanceOf(CrawlOutOfTimeError);
    expect(gets()).toHaveLength(1);
    const firstQuery = expectedCounts(['11680'], ['202502']).unique;
    expect(dynamo.idempotency.size).toBe(firstQuery);

    const retry = await run();
    expect(retry.alreadySaved).toBe(firstQuery);
    expect(retry.queued).toBe(expectedCounts().unique - firstQuery);
  });
});

describe('real-transaction-update with scripted sources', () => {
  const distinctRows = (count: number) =>
    Array.from({ length: count }, (_, n) =>
      koreanRow({
        층: String((n % 30) + 1),
        일: String((n % 28) + 1),
        거래금액: `${200_000 + n}`,
        년: '2025',
        월: '3',
      }),
    );
  const sourceOf = (rows: unknown[]): TradeSource => ({
    monthRows: async (lawdCode, month) => ({
      ok: true,
      rows: lawdCode === '11680' && month === '202503' ? rows : [],
    }),
  });
  const only = { lawdCodes: ['11680'], months: ['202503'] };

  it('sends at most 500 rows per save()', async () => {
    const { commands, queue } = recordingQueue();
    const report = await run(only, { source: sourceOf(distinctRows(1200)), queue });
    expect(commands.map((command) => rowsOf(command).length)).toEqual([500, 500, 200]);
    expect(report).toMatchObject({ sent: 1200, queued: 1200 });
  });

  it('counts the same trade on two pages once', async () => {
    const rows = distinctRows(3);
    const paged = [rows[0], rows[1], rows[2], rows[1]];
    const publicFetch: typeof globalThis.fetch = async (input) => {
      const url = new URL(String(input));
      const pageNo = Number(url.searchParams.get('pageNo'));
      return Response.json(publicDataResponse(paged as never[], { pageNo, numOfRows: 2 }));
    };
    const { commands, queue } = recordingQueue();
    const report = await run(only, { publicFetch, pageSize: 2, queue });
    expect(report).toMatchObject({ fetched: 4, duplicates: 1, sent: 3, queued: 3 });
    expect(commands.flatMap(rowsOf)).toHaveLength(3);
  });

  it('reads fingerprints in batches of 100 and retries the keys DynamoDB left unprocessed', async () => {
    dynamo.unprocessedOnce = 7;
    const report = await run(only, { source: sourceOf(distinctRows(250)), queue: recordingQueue().queue });
    const sizes = dynamo.batchGets.map((input) => input.RequestItems?.[IDEMPOTENCY_TABLE]?.Keys?.length);
    expect(sizes).toEqual([100, 7, 100, 50]);
    expect(report.sent).toBe(250);
  });
});

describe('real-transaction-update through the legacy-relay queue', () => {
  it('loses nothing to a Legacy outage during the run: it queues, fingerprints, and the relay saves later', async () => {
    const expected = expectedCounts();
    // The Legacy API down (its save route); the public data, served by the same stand-in, up.
    api.setFaults({ status: 503, paths: '/v1/real-transactions' });
    const { commands, queue } = recordingQueue();
    const report = await run(scheduled, { queue });

    expect(report).toMatchObject({ sent: expected.unique, queued: expected.unique });
    expect(posts()).toEqual([]);
    expect(dynamo.idempotency.size).toBe(expected.unique);
    expect(commands.every((command) => command.type === 'real-transactions.save')).toBe(true);

    api.clearFaults();
    await relay(commands);
    expect(api.store.savedRealTransactions.size).toBe(expected.unique);
    // A command relayed again is answered from the Idempotency-Key: nothing saved twice.
    await relay(commands);
    expect(api.store.savedRealTransactions.size).toBe(expected.unique);
  });

  it('names a chunk by its rows, so the same rows queued again are the same save', async () => {
    const { commands, queue } = recordingQueue();
    await run(scheduled, { queue, chunkSize: 5 });
    const ids = commands.map((command) => command.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const command of commands) expect(command.id).toBe(saveCommandId(rowsOf(command)));
  });

  it('splits a chunk that would not fit one SQS message', async () => {
    const { commands, queue } = recordingQueue();
    const saver = queuedTradeSaver({ queue, now: () => new Date(NOW) });
    const row = (index: number): SaveRow => ({
      lawdCode: '11680',
      regionCode: null,
      complexId: null,
      complexName: '래미안'.repeat(200),
      jibun: String(index),
      priceWon: 1_000_000_000,
      exclusiveAreaM2: 84.9,
      floor: 10,
      contractDate: '2026-11-01',
    });
    const rows = Array.from({ length: 300 }, (_, index) => row(index));
    expect(await saver.save(rows)).toEqual({ queued: 300 });
    expect(commands.length).toBeGreaterThan(1);
    expect(commands.flatMap(rowsOf)).toEqual(rows);
    for (const command of commands)
      expect(Buffer.byteLength(JSON.stringify(command))).toBeLessThan(240 * 1024);
  });
});
