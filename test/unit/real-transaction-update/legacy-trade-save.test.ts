import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  legacyTradeSaver,
  SAVE_PATH,
  type SaveRow,
} from '../../../amplify/functions/real-transaction-update/legacy-trade-save';
import { LegacyAuthError, LegacyUnavailableError } from '../../../amplify/functions/shared/legacy-client';
import { invalidRowIndexes } from '../../../amplify/functions/shared/legacy-commands';

const row = (floor: number): SaveRow => ({
  lawdCode: '11680',
  regionCode: '1168010600',
  complexId: 'CPX-1001',
  complexName: '은마',
  jibun: '316',
  priceWon: 2_350_000_000,
  exclusiveAreaM2: 76.79,
  floor,
  contractDate: '2025-03-02',
});
const rows = (count: number) => Array.from({ length: count }, (_, n) => row(n + 1));

const tokens = () => ({ token: vi.fn(async () => 'service-token'), invalidate: vi.fn() });

function saverAnswering(...responses: (() => Response)[]) {
  const requests: { url: string; init: RequestInit | undefined }[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    requests.push({ url: String(input), init });
    return responses.shift()!();
  };
  const provider = tokens();
  const saver = legacyTradeSaver({
    baseUrl: 'https://legacy.test/',
    tokens: provider,
    fetch,
    sleep: async () => undefined,
  });
  return { saver, requests, provider };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('legacyTradeSaver', () => {
  it('POSTs the rows as a JSON array with the service token and reads saved and duplicates', async () => {
    const { saver, requests } = saverAnswering(() =>
      Response.json({ saved: 2, duplicates: 1 }, { status: 201 }),
    );
    expect(await saver.save(rows(3))).toEqual({ outcome: 'saved', saved: 2, duplicates: 1 });
    expect(requests[0]!.url).toBe(`https://legacy.test${SAVE_PATH}`);
    expect(requests[0]!.init?.method).toBe('POST');
    expect(new Headers(requests[0]!.init?.headers).get('authorization')).toBe('Bearer service-token');
    expect(JSON.parse(String(requests[0]!.init?.body))).toEqual(rows(3));
  });

  it('names every invalid row, even when the answer is far longer than the shared client keeps', async () => {
    const named = Array.from({ length: 30 }, (_, n) => n + 5);
    const body = {
      error: 'invalid_rows',
      message: '30 row(s) are invalid; nothing was saved',
      details: named.map((index) => ({ index, problems: ['"floor" must be a non-zero integer'] })),
    };
    expect(JSON.stringify(body).length).toBeGreaterThan(200);
    const { saver } = saverAnswering(() => Response.json(body, { status: 400 }));
    expect(await saver.save(rows(40))).toEqual({ outcome: 'invalid', indexes: named });
  });

  it('answers refused for a 4xx that names no rows', async () => {
    const { saver } = saverAnswering(() =>
      Response.json({ error: 'bad_request', message: 'too many' }, { status: 400 }),
    );
    expect(await saver.save(rows(2))).toEqual({ outcome: 'refused', status: 400 });
    const { saver: other } = saverAnswering(() => new Response('', { status: 422 }));
    expect(await other.save(rows(2))).toEqual({ outcome: 'refused', status: 422 });
  });

  it('does not carry one refusal over to the next call', async () => {
    const { saver } = saverAnswering(
      () =>
        Response.json(
          { error: 'invalid_rows', message: 'x', details: [{ index: 0, problems: [] }] },
          { status: 400 },
        ),
      () => new Response('', { status: 409 }),
    );
    expect(await saver.save(rows(2))).toEqual({ outcome: 'invalid', indexes: [0] });
    expect(await saver.save(rows(2))).toEqual({ outcome: 'refused', status: 409 });
  });

  it('throws LegacyAuthError after a 401 with a fresh token too', async () => {
    const { saver, provider, requests } = saverAnswering(
      () => new Response('', { status: 401 }),
      () => new Response('', { status: 401 }),
    );
    await expect(saver.save(rows(1))).rejects.toBeInstanceOf(LegacyAuthError);
    expect(requests).toHaveLength(2);
    expect(provider.invalidate).toHaveBeenCalled();
  });

  it('throws LegacyUnavailableError when 5xx answers outlast the retries', async () => {
    const { saver, requests } = saverAnswering(
      () => new Response('', { status: 503 }),
      () => new Response('', { status: 502 }),
      () => new Response('', { status: 500 }),
    );
    await expect(saver.save(rows(1))).rejects.toBeInstanceOf(LegacyUnavailableError);
    expect(requests).toHaveLength(3);
  });

  it('takes a 2xx with an unexpected body as all rows saved', async () => {
    const { saver } = saverAnswering(() => new Response(null, { status: 204 }));
    expect(await saver.save(rows(3))).toEqual({ outcome: 'saved', saved: 3, duplicates: 0 });
  });
});

describe('invalidRowIndexes', () => {
  it('keeps only indexes inside the request, once each, in order', () => {
    const body = {
      error: 'invalid_rows',
      details: [{ index: 3 }, { index: 1 }, { index: 3 }, { index: 9 }, { index: -1 }],
    };
    expect(invalidRowIndexes(body, 5)).toEqual([1, 3]);
  });

  it.each([
    ['another error', { error: 'bad_request', details: [{ index: 0 }] }],
    ['no details', { error: 'invalid_rows' }],
    ['only indexes outside the request', { error: 'invalid_rows', details: [{ index: 7 }] }],
    ['no body', undefined],
  ])('names no rows for %s', (_case, body) => {
    expect(invalidRowIndexes(body, 5)).toBeUndefined();
  });
});
