import { afterEach, describe, expect, it } from 'vitest';
import { call, startTestLegacyApi, stopAll } from './legacy-fixture';

afterEach(stopAll);

const conversation = {
  conversationId: 'conv-1',
  buyerId: 'user-1',
  brokerId: 'BRK-301',
  listingId: 'LST-20001',
  complexId: 'CPX-1001',
  createdAt: '2025-03-14T02:00:00Z',
};

describe('Legacy API stand-in: Idempotency-Key', () => {
  it('answers a repeated key with the first response and does not run the operation again', async () => {
    const api = await startTestLegacyApi();
    const first = await call(api, 'POST', '/v1/crm/conversations', {
      body: conversation,
      idempotencyKey: 'k-1',
    });
    const again = await call(api, 'POST', '/v1/crm/conversations', {
      body: conversation,
      idempotencyKey: 'k-1',
    });

    expect(first).toMatchObject({
      status: 201,
      json: { conversationId: 'conv-1', crmTicketId: 'CRM-000001' },
    });
    expect(again.status).toBe(201);
    expect(again.json).toEqual(first.json);
    expect(api.store.crmConversations.size).toBe(1);
    expect(api.calls.list().map((entry) => [entry.idempotencyKey, entry.replayed ?? false])).toEqual([
      ['k-1', false],
      ['k-1', true],
    ]);
  });

  it('processes concurrent deliveries with the same key once', async () => {
    const api = await startTestLegacyApi();
    api.setFaults({ delayMs: 50 });
    const body = {
      type: 'user.created',
      id: 'user.created:u-1',
      occurredAt: '2025-03-14T02:00:00Z',
      version: 1,
      payload: { userId: 'u-1' },
    };
    const responses = await Promise.all(
      [1, 2, 3].map(() => call(api, 'POST', '/v1/events', { body, idempotencyKey: 'user.created:u-1' })),
    );

    expect(responses.map((response) => response.status)).toEqual([202, 202, 202]);
    expect(api.calls.list().filter((entry) => entry.replayed)).toHaveLength(2);
    expect(api.store.events.size).toBe(1);
  });

  it('refuses the same key with a different body', async () => {
    const api = await startTestLegacyApi();
    await call(api, 'POST', '/v1/crm/conversations', { body: conversation, idempotencyKey: 'k-2' });
    const response = await call(api, 'POST', '/v1/crm/conversations', {
      body: { ...conversation, conversationId: 'conv-2' },
      idempotencyKey: 'k-2',
    });

    expect(response).toMatchObject({ status: 422, json: { error: 'idempotency_key_reused' } });
    expect(api.store.crmConversations.has('conv-2')).toBe(false);
  });

  it('does not keep a faulted answer: the retry with the same key is processed', async () => {
    const api = await startTestLegacyApi();
    api.setFaults({ status: 500, count: 1 });
    const first = await call(api, 'POST', '/v1/crm/conversations', {
      body: conversation,
      idempotencyKey: 'k-3',
    });
    const retry = await call(api, 'POST', '/v1/crm/conversations', {
      body: conversation,
      idempotencyKey: 'k-3',
    });

    expect([first.status, retry.status]).toEqual([500, 201]);
    expect(api.calls.list()[1]!.replayed).toBeUndefined();
  });
});
