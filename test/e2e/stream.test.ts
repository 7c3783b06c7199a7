import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { createSampleData } from '../../local/legacy/sample-data';
import { seedSandbox, seedTargetsFrom } from '../../local/seed';
import { type AppUser, inbox, signedInUser } from './app-user';

// DynamoDB stream → function on the local sandbox: conversation-created runs on each new
// conversation, writes a welcome message and tells the broker CRM; when the Legacy API keeps
// failing, the record is retried a bounded number of times and then given up as a dead letter.

type Conversation = { id: string };
type Message = { kind: string; senderId: string; body: string | null };
type LegacyCall = {
  method: string;
  path: string;
  status: number;
  authorized: boolean;
  body?: { conversationId?: string; id?: string; type?: string };
};
type DeadLetter = { source: string; reason: string; body: unknown };

let buyer: AppUser & { sub: string };
let brokerId: string;

beforeAll(async () => {
  await seedSandbox(seedTargetsFrom(inject('outputsPath')));
  brokerId = createSampleData(Date.now()).brokers.filter((b) => !b.deleted)[0]!.id;
  buyer = await signedInUser();
});

afterEach(async () => {
  await inbox('/api/legacy/faults', { method: 'DELETE' });
});

afterAll(() => buyer?.close());

describe('a sent message', () => {
  it('reaches the Legacy API as a message.sent event: stream → SNS → SQS → relay', async () => {
    const started = await buyer.mutation<Conversation>('startConversation', {
      kind: 'LISTING_INQUIRY',
      brokerId,
      listingId: 'LST-E2E-RELAY',
    });
    const sent = await buyer.mutation<{ id: string }>('sendMessage', {
      conversationId: started.data.id,
      kind: 'TEXT',
      body: '주차 가능한가요?',
      clientMessageId: 'relay-1',
    });
    await expect
      .poll(
        async () =>
          (await inbox<LegacyCall[]>('/api/legacy-calls')).find(
            (call) => call.path === '/v1/events' && call.body?.id === `message.sent:${sent.data.id}`,
          ),
        { timeout: 30_000 },
      )
      .toMatchObject({
        method: 'POST',
        status: 202,
        authorized: true,
        body: { type: 'message.sent', version: 1 },
      });
  });
});

describe('a new conversation', () => {
  it('gets a welcome message and is told to the broker CRM with a service token', async () => {
    const started = await buyer.mutation<Conversation>('startConversation', {
      kind: 'LISTING_INQUIRY',
      brokerId,
      listingId: 'LST-E2E-STREAM-OK',
    });
    const id = started.data.id;
    await expect
      .poll(
        async () =>
          (await buyer.model<Message[]>('Message', 'listMessagesByConversation', { conversationId: id }))
            .data,
        { timeout: 20_000 },
      )
      .toEqual([expect.objectContaining({ kind: 'SYSTEM', senderId: 'system' })]);
    await expect
      .poll(
        async () =>
          (await inbox<LegacyCall[]>('/api/legacy-calls')).find(
            (call) => call.path === '/v1/crm/conversations' && call.body?.conversationId === id,
          ),
        { timeout: 20_000 },
      )
      .toMatchObject({ method: 'POST', status: 201, authorized: true });
  });

  it('is given up to the dead letters after bounded retries when the Legacy API keeps failing', async () => {
    await inbox('/api/legacy/faults', { method: 'POST', body: JSON.stringify({ status: 500, rate: 1 }) });
    const started = await buyer.mutation<Conversation>('startConversation', {
      kind: 'LISTING_INQUIRY',
      brokerId,
      listingId: 'LST-E2E-STREAM-FAIL',
    });
    const id = started.data.id;
    await expect
      .poll(
        async () =>
          (await inbox<DeadLetter[]>('/api/dead-letters')).find(
            (letter) =>
              letter.source.includes('conversation-created') && JSON.stringify(letter.body).length > 0,
          ),
        { timeout: 60_000, interval: 1000 },
      )
      .toMatchObject({ reason: 'RetryAttemptsExhausted' });
    // Every attempt reached the Legacy API and failed: 1 try + 5 retries, each with the client's own retries.
    const attempts = (await inbox<LegacyCall[]>('/api/legacy-calls')).filter(
      (call) => call.path === '/v1/crm/conversations' && call.body?.conversationId === id,
    );
    expect(attempts.length).toBeGreaterThanOrEqual(6);
    expect(attempts.every((call) => call.status === 500)).toBe(true);
  }, 90_000);
});
