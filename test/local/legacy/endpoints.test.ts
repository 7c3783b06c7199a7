import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MALFORMED_ROWS_PER_RESPONSE } from '../../../local/legacy/public-data';
import { call, NOW, startTestLegacyApi, stopAll } from './legacy-fixture';

afterEach(stopAll);

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();

const envelope = (overrides: Record<string, unknown> = {}) => ({
  type: 'message.created',
  id: 'message.created:m-1',
  occurredAt: '2025-03-14T02:59:00.000Z',
  version: 1,
  payload: { conversationId: 'c-1', messageId: 'm-1', senderId: 'u-1', kind: 'TEXT' },
  ...overrides,
});

describe('Legacy API stand-in: POST /v1/events', () => {
  it('accepts an event envelope with 202 and a redelivery of the same id with 200 duplicate', async () => {
    const api = await startTestLegacyApi();
    const first = await call(api, 'POST', '/v1/events', { body: envelope() });
    const again = await call(api, 'POST', '/v1/events', { body: envelope() });

    expect(first).toMatchObject({ status: 202, json: { accepted: true } });
    expect(again).toMatchObject({ status: 200, json: { accepted: true, duplicate: true } });
    expect([...api.store.events.values()]).toEqual([
      expect.objectContaining({
        id: 'message.created:m-1',
        type: 'message.created',
        deliveredBy: 'legacy-event-relay',
      }),
    ]);
    expect(api.calls.list()[0]!.body).toEqual(envelope());
  });

  it('refuses an envelope that is not version 1 or lacks fields, with the reason', async () => {
    const api = await startTestLegacyApi();

    expect(await call(api, 'POST', '/v1/events', { body: envelope({ version: 2 }) })).toMatchObject({
      status: 400,
      json: { error: 'unsupported_version' },
    });
    expect(
      (await call(api, 'POST', '/v1/events', { body: envelope({ occurredAt: 'yesterday' }) })).json.message,
    ).toMatch(/occurredAt/);
    expect((await call(api, 'POST', '/v1/events', { body: envelope({ payload: [] }) })).status).toBe(400);
    expect((await call(api, 'POST', '/v1/events', { rawBody: '{not json' })).json.error).toBe('invalid_json');
    expect(api.store.events.size).toBe(0);
  });
});

describe('Legacy API stand-in: CRM and users', () => {
  it('opens one CRM ticket per conversation', async () => {
    const api = await startTestLegacyApi();
    const body = {
      conversationId: 'conv-9',
      buyerId: 'u-1',
      brokerId: 'BRK-301',
      listingId: null,
      complexId: 'CPX-1001',
      createdAt: '2025-03-14T02:00:00Z',
    };
    expect(await call(api, 'POST', '/v1/crm/conversations', { body })).toMatchObject({
      status: 201,
      json: { conversationId: 'conv-9', crmTicketId: 'CRM-000001' },
    });
    expect(await call(api, 'POST', '/v1/crm/conversations', { body })).toMatchObject({
      status: 200,
      json: { crmTicketId: 'CRM-000001', duplicate: true },
    });
    expect((await call(api, 'POST', '/v1/crm/conversations', { body: { conversationId: 'x' } })).status).toBe(
      400,
    );
  });

  it('moves a CRM ticket to the new broker when a conversation is reassigned, and refuses one without a broker', async () => {
    const api = await startTestLegacyApi();
    const body = {
      conversationId: 'conv-10',
      buyerId: 'u-1',
      brokerId: 'BRK-301',
      listingId: null,
      complexId: null,
      createdAt: '2025-03-14T02:00:00Z',
    };
    await call(api, 'POST', '/v1/crm/conversations', { body });
    expect(
      await call(api, 'POST', '/v1/crm/conversations', { body: { ...body, brokerId: 'BRK-302' } }),
    ).toMatchObject({ status: 200, json: { crmTicketId: 'CRM-000001', reassigned: true } });
    expect(api.store.crmConversations.get('conv-10')?.brokerId).toBe('BRK-302');
    expect(
      (
        await call(api, 'POST', '/v1/crm/conversations', {
          body: { ...body, conversationId: 'c', brokerId: null },
        })
      ).status,
    ).toBe(400);
  });

  it('records a new user and an account deletion, both idempotent', async () => {
    const api = await startTestLegacyApi();
    expect((await call(api, 'POST', '/v1/users', { body: { userId: 'u-7', role: 'USER' } })).status).toBe(
      204,
    );
    expect(api.store.users.get('u-7')).toMatchObject({ userId: 'u-7', role: 'USER' });

    expect((await call(api, 'DELETE', '/v1/users/u-7')).status).toBe(204);
    expect((await call(api, 'DELETE', '/v1/users/u-7')).status).toBe(204);
    expect(api.store.users.has('u-7')).toBe(false);
    expect(api.store.deletedUsers.get('u-7')).toBe(iso(NOW));
  });
});

describe('Legacy API stand-in: reference data', () => {
  it('pages through every broker with nextCursor, in updatedAt order, without phone numbers', async () => {
    const api = await startTestLegacyApi();
    const seen: Record<string, unknown>[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? `limit=5&cursor=${cursor}` : 'limit=5';
      const page = await call(api, 'GET', `/v1/brokers?${query}`);
      expect(page.status).toBe(200);
      seen.push(...page.json.items);
      cursor = page.json.nextCursor;
      pages += 1;
    } while (cursor);

    expect(pages).toBe(Math.ceil(api.store.data.brokers.length / 5));
    expect(seen.map((broker) => broker.id).sort()).toEqual(
      api.store.data.brokers.map((broker) => broker.id).sort(),
    );
    const times = seen.map((broker) => Date.parse(broker.updatedAt as string));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(seen.some((broker) => 'phone' in broker)).toBe(false);
    expect(seen.find((broker) => broker.deleted)).toMatchObject({ active: false, deleted: true });
    expect(seen[0]).toMatchObject({
      regionCodes: [expect.stringMatching(/^\d{10}$/)],
      officeName: expect.any(String),
    });
  });

  it('returns only brokers changed at or after updatedSince', async () => {
    const api = await startTestLegacyApi();
    const since = iso(NOW - 3 * DAY);
    const response = await call(api, 'GET', `/v1/brokers?updatedSince=${since}`);
    const expected = api.store.data.brokers.filter((broker) => broker.updatedAt >= since);

    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(api.store.data.brokers.length);
    expect(response.json.items.map((broker: { id: string }) => broker.id).sort()).toEqual(
      expected.map((broker) => broker.id).sort(),
    );
    expect(response.json.nextCursor).toBeNull();
  });

  it('serves about forty listings with the reference fields', async () => {
    const api = await startTestLegacyApi();
    const response = await call(api, 'GET', '/v1/listings?limit=200');

    expect(response.json.items.length).toBeGreaterThanOrEqual(40);
    expect(response.json.items[0]).toEqual({
      id: expect.stringMatching(/^LST-/),
      complexId: expect.any(String),
      complexName: expect.any(String),
      regionCode: expect.stringMatching(/^\d{10}$/),
      address: expect.stringMatching(/^(서울특별시|경기도) /),
      priceWon: expect.any(Number),
      exclusiveAreaM2: expect.any(Number),
      floor: expect.any(Number),
      status: expect.stringMatching(/^(ACTIVE|SOLD|WITHDRAWN)$/),
      thumbnailUrl: expect.stringMatching(/^https:\/\//),
      updatedAt: expect.any(String),
    });
  });

  it('serves listing tombstones so that data-sync removes a deleted listing', async () => {
    const api = await startTestLegacyApi();
    const items = (await call(api, 'GET', '/v1/listings?limit=200')).json.items as { deleted?: boolean }[];
    expect(items.filter((item) => item.deleted === true)).toHaveLength(1);
  });

  it('serves the complexes with their 법정동 code and 지번, paged like the other feeds', async () => {
    const api = await startTestLegacyApi();
    const first = await call(api, 'GET', '/v1/complexes?limit=5');
    expect(first.status).toBe(200);
    expect(first.json.items).toHaveLength(5);
    expect(first.json.items[0]).toEqual({
      id: expect.stringMatching(/^CPX-/),
      name: expect.any(String),
      regionCode: expect.stringMatching(/^\d{10}$/),
      dong: expect.any(String),
      jibun: expect.any(String),
      builtYear: expect.any(Number),
      households: expect.any(Number),
      updatedAt: iso(NOW - 120 * DAY),
    });
    const rest = await call(api, 'GET', `/v1/complexes?limit=200&cursor=${first.json.nextCursor}`);
    expect(first.json.items.length + rest.json.items.length).toBe(api.store.data.complexes.length);
    expect((await call(api, 'GET', `/v1/complexes?updatedSince=${iso(NOW - DAY)}`)).json.items).toEqual([]);
  });

  it('refuses a bad limit, a bad cursor and a date without a zone', async () => {
    const api = await startTestLegacyApi();
    expect((await call(api, 'GET', '/v1/listings?limit=0')).status).toBe(400);
    expect((await call(api, 'GET', '/v1/listings?cursor=garbage')).json.error).toBe('invalid_cursor');
    expect((await call(api, 'GET', '/v1/listings?updatedSince=2025-03-01')).status).toBe(400);
  });

  it('serves the sample data from a data file instead when given one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'legacy-data-'));
    try {
      const file = join(dir, 'data.json');
      writeFileSync(
        file,
        JSON.stringify({
          brokers: [
            {
              id: 'B-1',
              name: '테스트',
              officeName: '테스트공인중개사',
              regionCodes: ['1168010600'],
              active: true,
              updatedAt: '2025-01-01T00:00:00Z',
            },
          ],
        }),
      );
      const api = await startTestLegacyApi({ dataFile: file });
      expect(
        (await call(api, 'GET', '/v1/brokers')).json.items.map((broker: { id: string }) => broker.id),
      ).toEqual(['B-1']);
      expect((await call(api, 'GET', '/v1/listings')).json.items.length).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Legacy API stand-in: alert feeds', () => {
  it('lists new and price-lowered active listings in the complexes since a time', async () => {
    const api = await startTestLegacyApi();
    const complexIds = [...new Set(api.store.data.listings.map((listing) => listing.complexId))];
    const since = iso(NOW - 2 * DAY);
    const response = await call(
      api,
      'GET',
      `/v1/alerts/lowest-price?complexIds=${complexIds.join(',')}&since=${since}`,
    );
    const items = response.json.items as {
      id: string;
      complexId: string;
      complexName: string;
      previousPriceWon?: number;
      priceChangedAt?: string;
      listedAt: string;
    }[];
    const complexName = (id: string) => api.store.data.complexes.find((complex) => complex.id === id)!.name;

    expect(items.length).toBeGreaterThan(0);
    for (const item of items) expect((item.priceChangedAt ?? item.listedAt) >= since).toBe(true);
    // The notification names the complex (은마 84㎡ …) without another call.
    for (const item of items) expect(item.complexName).toBe(complexName(item.complexId));
    expect(items.some((item) => item.previousPriceWon !== undefined)).toBe(true);
    const statuses = items.map(
      (item) => api.store.data.listings.find((listing) => listing.id === item.id)!.status,
    );
    expect(new Set(statuses)).toEqual(new Set(['ACTIVE']));

    const older = await call(
      api,
      'GET',
      `/v1/alerts/lowest-price?complexIds=${complexIds.join(',')}&since=${iso(NOW - 60 * DAY)}`,
    );
    expect(older.json.items.length).toBeGreaterThan(items.length);
    const other = await call(
      api,
      'GET',
      `/v1/alerts/lowest-price?complexIds=CPX-9999&since=${iso(NOW - 60 * DAY)}`,
    );
    expect(other.json.items).toEqual([]);
  });

  it('lists 분양 announcements by region code prefix since a time', async () => {
    const api = await startTestLegacyApi();
    const week = await call(
      api,
      'GET',
      `/v1/alerts/presales?regionCodes=11650,11680,11710&since=${iso(NOW - 7 * DAY)}`,
    );
    const names = week.json.items.map((presale: { name: string }) => presale.name);

    expect(names).toEqual(expect.arrayContaining(['래미안 원페를라', '청담 르엘']));
    expect(names).not.toContain('판교 더샵 퍼스트');
    expect(names).not.toContain('디에이치 대치 에델루이');
    expect(week.json.items[0]).toEqual({
      id: expect.any(String),
      regionCode: expect.stringMatching(/^\d{10}$/),
      name: expect.any(String),
      supplyHouseholds: expect.any(Number),
      applicationStart: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      applicationEnd: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      announcedAt: expect.any(String),
    });
    const oneDong = await call(
      api,
      'GET',
      `/v1/alerts/presales?regionCodes=1165010100&since=${iso(NOW - 7 * DAY)}`,
    );
    expect(oneDong.json.items.map((presale: { name: string }) => presale.name)).toEqual(['래미안 원페를라']);
  });

  it('lists 실거래 registered since a time, and requires complexIds and since', async () => {
    const api = await startTestLegacyApi();
    const since = iso(NOW - 3 * DAY);
    const response = await call(
      api,
      'GET',
      `/v1/alerts/real-transactions?complexIds=CPX-1001,CPX-2001,CPX-3001&since=${since}`,
    );
    const expected = api.store.data.realTransactions.filter(
      (transaction) =>
        ['CPX-1001', 'CPX-2001', 'CPX-3001'].includes(transaction.complexId) &&
        transaction.registeredAt >= since,
    );

    expect(expected.length).toBeGreaterThan(0);
    expect(response.json.items.map((transaction: { id: string }) => transaction.id).sort()).toEqual(
      expected.map((transaction) => transaction.id).sort(),
    );
    expect(
      new Set(
        response.json.items.map(
          (item: { complexId: string; complexName: string }) => `${item.complexId}=${item.complexName}`,
        ),
      ),
    ).toEqual(
      new Set(
        expected.map(
          (transaction) =>
            `${transaction.complexId}=${api.store.data.complexes.find((complex) => complex.id === transaction.complexId)!.name}`,
        ),
      ),
    );
    expect((await call(api, 'GET', `/v1/alerts/real-transactions?since=${since}`)).status).toBe(400);
    expect((await call(api, 'GET', '/v1/alerts/real-transactions?complexIds=CPX-1001')).status).toBe(400);
  });
});

describe('Legacy API stand-in: real transactions', () => {
  const row = {
    lawdCode: '11680',
    complexName: '은마',
    jibun: '316',
    priceWon: 2_350_000_000,
    exclusiveAreaM2: 76.79,
    floor: 9,
    contractDate: '2025-03-02',
  };

  it('saves normalized rows, counts duplicates, and feeds the 실거래 alerts', async () => {
    const api = await startTestLegacyApi();
    const first = await call(api, 'POST', '/v1/real-transactions', { body: [row, { ...row, floor: 10 }] });
    const again = await call(api, 'POST', '/v1/real-transactions', { body: [row, { ...row, floor: 11 }] });

    expect(first).toMatchObject({ status: 201, json: { saved: 2, duplicates: 0 } });
    expect(again).toMatchObject({ status: 201, json: { saved: 1, duplicates: 1 } });
    const alerts = await call(
      api,
      'GET',
      `/v1/alerts/real-transactions?complexIds=CPX-1001&since=${iso(NOW)}`,
    );
    expect(
      alerts.json.items.map((item: { floor: number }) => item.floor).sort((a: number, b: number) => a - b),
    ).toEqual([9, 10, 11]);
    expect(new Set(alerts.json.items.map((item: { complexName: string }) => item.complexName))).toEqual(
      new Set(['은마']),
    );
  });

  it('saves nothing when any row is invalid and says which', async () => {
    const api = await startTestLegacyApi();
    const response = await call(api, 'POST', '/v1/real-transactions', {
      body: [row, { ...row, priceWon: '235,000' }, { ...row, contractDate: '2025-02-30' }],
    });

    expect(response.status).toBe(400);
    expect(response.json.error).toBe('invalid_rows');
    expect(response.json.details.map((entry: { index: number }) => entry.index)).toEqual([1, 2]);
    expect(api.store.savedRealTransactions.size).toBe(0);
  });
});

describe('Legacy API stand-in: public data (국토교통부 아파트 매매 실거래가)', () => {
  type Row = Record<string, string | undefined>;
  const fetchRows = async (api: Awaited<ReturnType<typeof startTestLegacyApi>>, query: string) => {
    const response = await call(api, 'GET', `/v1/public-data/real-transactions?${query}`, { token: null });
    return response.json.response;
  };

  it('returns raw rows with Korean field names, padded 만원 amounts and string values', async () => {
    const api = await startTestLegacyApi();
    const body = (await fetchRows(api, 'serviceKey=local&lawdCode=11680&dealYmd=202502&numOfRows=1000')).body;
    const rows = body.items.item as Row[];

    expect(body.totalCount).toBe(rows.length);
    const wellFormed = rows.find((item) => item.해제여부 === ' ')!;
    expect(wellFormed).toMatchObject({
      거래금액: expect.stringMatching(/^ +\d{1,3}(,\d{3})+$/),
      건축년도: expect.stringMatching(/^\d{4}$/),
      년: '2025',
      월: '2',
      법정동: expect.stringMatching(/^ \S+동$/),
      아파트: expect.any(String),
      전용면적: expect.stringMatching(/^\d+(\.\d+)?$/),
      지번: expect.any(String),
      지역코드: '11680',
      층: expect.stringMatching(/^-?\d+$/),
    });
    const amountWon = Number(wellFormed.거래금액!.trim().replace(/,/g, '')) * 10_000;
    expect(amountWon).toBeGreaterThan(1_000_000_000);
  });

  it('includes malformed rows and a cancelled trade for the crawler to count and skip', async () => {
    const api = await startTestLegacyApi();
    const rows = (await fetchRows(api, 'serviceKey=local&LAWD_CD=11650&DEAL_YMD=202501&numOfRows=1000')).body
      .items.item as Row[];
    const malformed = rows.filter(
      (item) =>
        !/\d/.test(item.거래금액 ?? '') ||
        !/^\d+(\.\d+)?$/.test(item.전용면적 ?? '') ||
        Number(item.일) > 31 ||
        item.층 === undefined,
    );

    expect(malformed).toHaveLength(MALFORMED_ROWS_PER_RESPONSE);
    expect(rows.filter((item) => item.해제여부 === 'O')).toHaveLength(1);
    expect(rows.some((item) => item.층 === '-1')).toBe(true);
  });

  it('pages 10 rows by default, gives one row as an object and no rows as an empty string, like data.go.kr', async () => {
    const api = await startTestLegacyApi();
    const firstPage = (await fetchRows(api, 'serviceKey=local&lawdCode=11680&dealYmd=202502')).body;
    expect(firstPage.items.item).toHaveLength(10);
    expect(firstPage.totalCount).toBeGreaterThan(10);

    const lastIndex = firstPage.totalCount;
    const single = (
      await fetchRows(api, `serviceKey=local&lawdCode=11680&dealYmd=202502&numOfRows=1&pageNo=${lastIndex}`)
    ).body;
    expect(Array.isArray(single.items.item)).toBe(false);
    expect(single.items.item).toHaveProperty('아파트');

    expect((await fetchRows(api, 'serviceKey=local&lawdCode=26350&dealYmd=202502')).body.items).toBe('');
    expect((await fetchRows(api, 'serviceKey=local&lawdCode=11680&dealYmd=202512')).body.totalCount).toBe(0);
  });

  it('answers errors as data.go.kr does: HTTP 200 with a result code', async () => {
    const api = await startTestLegacyApi();
    expect((await fetchRows(api, 'serviceKey=local&lawdCode=11680&dealYmd=2025-02')).header).toEqual({
      resultCode: '10',
      resultMsg: 'INVALID_REQUEST_PARAMETER_ERROR',
    });
    const noKey = await call(api, 'GET', '/v1/public-data/real-transactions?lawdCode=11680&dealYmd=202502', {
      token: null,
    });
    expect(noKey.status).toBe(401);
    const withToken = await call(
      api,
      'GET',
      '/v1/public-data/real-transactions?lawdCode=11680&dealYmd=202502',
    );
    expect(withToken.json.response.header.resultCode).toBe('00');
  });
});
