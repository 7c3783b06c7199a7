import { describe, expect, it, vi } from 'vitest';
import { PermanentRecordError } from '../../../amplify/functions/shared/errors';
import {
  classifyLegacyError,
  createLegacyCircuit,
  createLegacyClient,
  LegacyAuthError,
  LegacyCircuitOpenError,
  type LegacyClientOptions,
  LegacyRejectedError,
  LegacyUnavailableError,
  parseRetryAfter,
} from '../../../amplify/functions/shared/legacy-client';
import type { ServiceTokenProvider } from '../../../amplify/functions/shared/service-token';

type Reply = { status: number; body?: unknown; headers?: Record<string, string> } | Error;

/** A fetch that answers from a script and records what it was asked. */
function scriptedFetch(...replies: Reply[]) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetch = vi.fn(async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(url), init: init ?? {} });
    const reply = replies[Math.min(calls.length - 1, replies.length - 1)]!;
    if (reply instanceof Error) throw reply;
    const body = reply.body === undefined ? null : JSON.stringify(reply.body);
    return new Response(body, { status: reply.status, headers: reply.headers });
  });
  return { fetch: fetch as unknown as typeof globalThis.fetch, calls };
}

/** Tokens numbered by mint: `token-1`, then `token-2` after an invalidate. */
function countingTokens(): ServiceTokenProvider & { minted: () => number } {
  let minted = 0;
  let current: string | undefined;
  return {
    async token() {
      current ??= `token-${++minted}`;
      return current;
    },
    invalidate() {
      current = undefined;
    },
    minted: () => minted,
  };
}

function client(fetch: typeof globalThis.fetch, overrides: Partial<LegacyClientOptions> = {}) {
  const sleeps: number[] = [];
  const tokens = countingTokens();
  const legacy = createLegacyClient({
    baseUrl: 'https://legacy.test/',
    tokens,
    fetch,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    ...overrides,
  });
  return { legacy, sleeps, tokens };
}

const post = { method: 'POST' as const, path: '/v1/conversations', body: { id: 'c1' } };

describe('classifyLegacyError', () => {
  it.each([
    [400, 'rejected'],
    [404, 'rejected'],
    [409, 'rejected'],
    [422, 'rejected'],
    [401, 'auth'],
    [403, 'auth'],
    [408, 'transient'],
    [429, 'transient'],
    [500, 'transient'],
    [502, 'transient'],
    [503, 'transient'],
  ] as const)('classifies HTTP %i as %s', (status, expected) => {
    expect(classifyLegacyError(status)).toBe(expected);
  });

  it('classifies network errors and timeouts as transient', () => {
    expect(classifyLegacyError(new TypeError('fetch failed'))).toBe('transient');
    expect(classifyLegacyError(new DOMException('aborted', 'AbortError'))).toBe('transient');
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', Date.UTC(2026, 0, 1))).toBe(10_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});

describe('createLegacyClient', () => {
  it('sends the service token, JSON and the idempotency key, and returns the parsed body', async () => {
    const { fetch, calls } = scriptedFetch({ status: 201, body: { conversationId: 'c1' } });
    const { legacy } = client(fetch);
    await expect(legacy.request({ ...post, idempotencyKey: 'evt-1' })).resolves.toEqual({
      conversationId: 'c1',
    });
    expect(calls).toHaveLength(1);
    expect(calls[0]?.url).toBe('https://legacy.test/v1/conversations');
    expect(calls[0]?.init.method).toBe('POST');
    expect(calls[0]?.init.body).toBe('{"id":"c1"}');
    expect(calls[0]?.init.headers).toMatchObject({
      authorization: 'Bearer token-1',
      'content-type': 'application/json',
      'idempotency-key': 'evt-1',
    });
  });

  it('returns undefined for an empty 204 response', async () => {
    const { fetch } = scriptedFetch({ status: 204 });
    await expect(client(fetch).legacy.request({ method: 'DELETE', path: '/v1/x' })).resolves.toBeUndefined();
  });

  it.each([400, 404, 409, 422])(
    'drops a %i as a permanent LegacyRejectedError without retrying',
    async (status) => {
      const { fetch, calls } = scriptedFetch({ status, body: { error: 'bad phone 010-1234-5678' } });
      const error = await client(fetch)
        .legacy.request(post)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LegacyRejectedError);
      expect(error).toBeInstanceOf(PermanentRecordError);
      expect((error as LegacyRejectedError).status).toBe(status);
      expect((error as LegacyRejectedError).detail).not.toContain('1234-5678');
      expect(calls).toHaveLength(1);
    },
  );

  it('refreshes the token exactly once on a 401 and succeeds with the new one', async () => {
    const { fetch, calls } = scriptedFetch({ status: 401 }, { status: 200, body: { ok: true } });
    const { legacy, tokens } = client(fetch);
    await expect(legacy.request(post)).resolves.toEqual({ ok: true });
    expect(tokens.minted()).toBe(2);
    expect(calls.map((call) => (call.init.headers as Record<string, string>).authorization)).toEqual([
      'Bearer token-1',
      'Bearer token-2',
    ]);
  });

  it('fails with LegacyAuthError when a fresh token is refused too', async () => {
    const { fetch, calls } = scriptedFetch({ status: 403 });
    const { legacy, tokens } = client(fetch);
    await expect(legacy.request(post)).rejects.toBeInstanceOf(LegacyAuthError);
    expect(calls).toHaveLength(2);
    expect(tokens.minted()).toBe(2);
  });

  it.each([408, 429, 500, 502, 503, 504])(
    'retries a %i with jittered backoff, then gives up as unavailable',
    async (status) => {
      const { fetch, calls } = scriptedFetch({ status });
      const { legacy, sleeps } = client(fetch, { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 300 });
      const error = await legacy.request(post).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LegacyUnavailableError);
      expect((error as LegacyUnavailableError).status).toBe(status);
      expect(calls).toHaveLength(4);
      // random() = 0.5 of min(300, 100·2^n): 50, 100, 150 (capped)
      expect(sleeps).toEqual([50, 100, 150]);
    },
  );

  it('recovers when a retry succeeds', async () => {
    const { fetch, calls } = scriptedFetch({ status: 503 }, new TypeError('fetch failed'), {
      status: 200,
      body: 1,
    });
    await expect(client(fetch).legacy.request(post)).resolves.toBe(1);
    expect(calls).toHaveLength(3);
  });

  it('waits exactly as long as Retry-After says, in seconds or as a date', async () => {
    const inSeconds = scriptedFetch(
      { status: 429, headers: { 'retry-after': '2' } },
      { status: 200, body: {} },
    );
    const first = client(inSeconds.fetch);
    await first.legacy.request(post);
    expect(first.sleeps).toEqual([2000]);

    vi.useFakeTimers({ now: Date.UTC(2026, 0, 1), toFake: ['Date'] });
    try {
      const asDate = scriptedFetch(
        { status: 503, headers: { 'retry-after': 'Thu, 01 Jan 2026 00:00:03 GMT' } },
        { status: 200, body: {} },
      );
      const second = client(asDate.fetch);
      await second.legacy.request(post);
      expect(second.sleeps).toEqual([3000]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('gives up at once when Retry-After is beyond the Lambda deadline', async () => {
    const { fetch, calls } = scriptedFetch({ status: 503, headers: { 'retry-after': '120' } });
    const { legacy, sleeps } = client(fetch, { remainingTimeMs: () => 30_000 });
    await expect(legacy.request(post)).rejects.toBeInstanceOf(LegacyUnavailableError);
    expect(calls).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('aborts a call that outlives the remaining Lambda time and treats it as unavailable', async () => {
    const signals: AbortSignal[] = [];
    const hanging = (async (_url: string, init?: RequestInit) => {
      signals.push(init!.signal!);
      return new Promise<Response>((_resolve, reject) => {
        init!.signal!.addEventListener('abort', () => reject(init!.signal!.reason));
      });
    }) as unknown as typeof globalThis.fetch;
    const { legacy } = client(hanging, {
      remainingTimeMs: () => 1_050,
      safetyMarginMs: 1_000,
      maxAttempts: 1,
    });
    const started = Date.now();
    const error = await legacy.request(post).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(error).toBeInstanceOf(LegacyUnavailableError);
    expect(signals).toHaveLength(1);
    expect(signals[0]?.aborted).toBe(true);
  });

  it('does not call at all when the Lambda has no time left', async () => {
    const { fetch, calls } = scriptedFetch({ status: 200 });
    const { legacy } = client(fetch, { remainingTimeMs: () => 500, safetyMarginMs: 1_000 });
    await expect(legacy.request(post)).rejects.toBeInstanceOf(LegacyUnavailableError);
    expect(calls).toHaveLength(0);
  });

  it('opens the shared circuit after five consecutive 5xx and then fails fast without calling', async () => {
    const { fetch, calls } = scriptedFetch({ status: 500 });
    const circuit = createLegacyCircuit({ threshold: 5 });
    const { legacy } = client(fetch, { circuit, maxAttempts: 2 });
    await expect(legacy.request(post)).rejects.toBeInstanceOf(LegacyUnavailableError);
    await expect(legacy.request(post)).rejects.toBeInstanceOf(LegacyUnavailableError);
    expect(circuit.isOpen()).toBe(false);
    await expect(legacy.request(post)).rejects.toBeInstanceOf(LegacyCircuitOpenError);
    expect(calls).toHaveLength(5);
    expect(circuit.isOpen()).toBe(true);

    await expect(legacy.request(post)).rejects.toBeInstanceOf(LegacyCircuitOpenError);
    expect(calls).toHaveLength(5);
  });

  it('resets the failure run on a success, so scattered failures do not open the circuit', async () => {
    const { fetch } = scriptedFetch(
      { status: 500 },
      { status: 500 },
      { status: 200, body: {} },
      { status: 500 },
      { status: 500 },
      { status: 200, body: {} },
    );
    const circuit = createLegacyCircuit({ threshold: 3 });
    const { legacy } = client(fetch, { circuit });
    await legacy.request(post);
    await legacy.request(post);
    expect(circuit.isOpen()).toBe(false);
  });
});
