import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { createSampleData } from '../../local/legacy/sample-data';
import { seedSandbox, seedTargetsFrom } from '../../local/seed';
import { type AppUser, inbox, signedInUser } from './app-user';

// DynamoDB stream → function on the local sandbox: conversation-created runs on each new
// conversation, writes a welcome message and queues the broker CRM's record, which the relay
// delivers (a Legacy outage is legacy-durability.test.ts's subject).

type Conversation = { id: string };
type Message = { kind: string; senderId: string; body: string | null };
type LegacyCall = {
  method: string;
  path: string;
  status: number;
  authorized: boolean;
  body?: { conversationId?: string; id?: string; type?: string };
};

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
});
