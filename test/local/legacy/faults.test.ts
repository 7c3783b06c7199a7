import { afterEach, describe, expect, it } from 'vitest';
import { createLegacyClient } from '../../../amplify/functions/shared/legacy-client';
import { LegacyFaultsError, parseLegacyFaults } from '../../../local/legacy/faults';
import { call, startTestLegacyApi, stopAll, tokensFor } from './legacy-fixture';

afterEach(stopAll);

const event = (id: string) => ({
  type: 'message.created',
  id,
  occurredAt: '2025-03-14T02:59:00Z',
  version: 1,
  payload: { conversationId: 'c-1', messageId: id },
});

describe('Legacy API stand-in: fault injection', () => {
  it('fails every call at rate 1 and records the faults', async () => {
    const api = await startTestLegacyApi();
    api.setFaults({ status: 500, rate: 1 });

    const first = await call(api, 'GET', '/v1/brokers');
    const second = await call(api, 'POST', '/v1/events', { body: event('e-1') });

    expect([first.status, second.status]).toEqual([500, 500]);
    expect(first.json).toEqual({ error: 'injected_fault', message: 'Injected fault: HTTP 500' });
    expect(api.calls.list().map((entry) => [entry.status, entry.fault])).toEqual([
      [500, true],
      [500, true],
    ]);
    expect(api.store.events.size).toBe(0);
  });

  it('fails nothing at rate 0', async () => {
    const api = await startTestLegacyApi();
    api.setFaults({ status: 500, rate: 0 });

    expect((await call(api, 'GET', '/v1/brokers')).status).toBe(200);
    expect((await call(api, 'GET', '/v1/listings')).status).toBe(200);
  });

  it('fails the calls the injected random number picks at a partial rate', async () => {
    const draws = [0.1, 0.5, 0.29, 0.3];
    const api = await startTestLegacyApi({ random: () => draws.shift()! });
    api.setFaults({ status: 503, rate: 0.3 });

    const statuses = [];
    for (let index = 0; index < 4; index += 1) statuses.push((await call(api, 'GET', '/v1/brokers')).status);

    expect(statuses).toEqual([503, 200, 503, 200]);
  });

  it('fails only the next N calls when given a count, then serves again', async () => {
    const api = await startTestLegacyApi();
    api.setFaults({ status: 502, count: 2 });

    const statuses = [];
    for (let index = 0; index < 4; index += 1) statuses.push((await call(api, 'GET', '/v1/listings')).status);

    expect(statuses).toEqual([502, 502, 200, 200]);
    expect(api.faults()).toBeUndefined();
  });

  it('sends Retry-After: 1 with 429 and 503', async () => {
    const api = await startTestLegacyApi();
    api.setFaults({ status: 429 });
    expect((await call(api, 'GET', '/v1/brokers')).headers.get('retry-after')).toBe('1');
    api.setFaults({ status: 500 });
    expect((await call(api, 'GET', '/v1/brokers')).headers.get('retry-after')).toBeNull();
  });

  it('faults only the paths it is told to, by prefix or regular expression', async () => {
    const api = await startTestLegacyApi();
    api.setFaults({ status: 500, paths: '/v1/alerts' });
    expect(
      (await call(api, 'GET', '/v1/alerts/presales?regionCodes=11680&since=2025-03-01T00:00:00Z')).status,
    ).toBe(500);
    expect((await call(api, 'GET', '/v1/brokers')).status).toBe(200);

    api.setFaults({ status: 500, paths: '^/v1/(brokers|listings)$' });
    expect((await call(api, 'GET', '/v1/listings')).status).toBe(500);
    expect((await call(api, 'POST', '/v1/events', { body: event('e-2') })).status).toBe(202);
  });

  it('delays answers by delayMs and still serves them', async () => {
    const api = await startTestLegacyApi();
    api.setFaults({ delayMs: 300 });

    const started = performance.now();
    const response = await call(api, 'GET', '/v1/brokers');

    expect(response.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(api.calls.list()[0]!.durationMs).toBeGreaterThanOrEqual(290);
  });

  it('never faults /health, so the sandbox does not think the stand-in is down', async () => {
    const api = await startTestLegacyApi();
    api.setFaults({ status: 503 });
    expect((await call(api, 'GET', '/health', { token: null })).status).toBe(200);
  });

  it('stops faulting after clearFaults', async () => {
    const api = await startTestLegacyApi();
    api.setFaults({ status: 500 });
    api.clearFaults();
    expect((await call(api, 'GET', '/v1/brokers')).status).toBe(200);
  });

  it('refuses faults that make no sense with a message the inbox can show', () => {
    expect(() => parseLegacyFaults({ status: 999 })).toThrow(LegacyFaultsError);
    expect(() => parseLegacyFaults({ rate: 0.5 })).toThrow(/"status", "delayMs" or both/);
    expect(() => parseLegacyFaults({ status: 500, rate: 2 })).toThrow(/rate/);
    expect(() => parseLegacyFaults({ status: 500, paths: '(' })).toThrow(/regular expression/);
    expect(() => parseLegacyFaults({ status: 500, statusCode: 500 })).toThrow(/unknown fault field/);
    expect(parseLegacyFaults({ status: 500, rate: 0.3 })).toEqual({ status: 500, rate: 0.3 });
  });

  it('lets the shared Legacy client retry through a transient fault and deliver the event once', async () => {
    const api = await startTestLegacyApi();
    api.setFaults({ status: 503, count: 1 });
    const client = createLegacyClient({ baseUrl: api.url, tokens: tokensFor(), sleep: async () => {} });

    await client.request({ method: 'POST', path: '/v1/events', body: event('e-3'), idempotencyKey: 'e-3' });

    expect(api.calls.list().map((entry) => entry.status)).toEqual([503, 202]);
    expect(api.store.events.size).toBe(1);
  });

  it('lets the shared Legacy client refresh its token after an injected 401', async () => {
    const api = await startTestLegacyApi();
    api.setFaults({ status: 401, count: 1 });
    const client = createLegacyClient({ baseUrl: api.url, tokens: tokensFor(), sleep: async () => {} });

    await expect(client.request({ method: 'GET', path: '/v1/listings?limit=1' })).resolves.toMatchObject({
      items: [expect.any(Object)],
    });
    expect(api.calls.list().map((entry) => entry.status)).toEqual([401, 200]);
  });
});
