import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createSampleData } from '../../local/legacy/sample-data';
import { SEED_USERS, seedSandbox, seedTargetsFrom } from '../../local/seed';
import { type AppUser, signedInUser } from './app-user';

// Chat on the local sandbox: the real client, the real conversation-link function writing
// through AppSync, and subscriptions filtered to the conversation's members.

const users: AppUser[] = [];
let buyer: AppUser & { sub: string };
let broker: AppUser & { sub: string };
let outsider: AppUser & { sub: string };
let brokerId: string;

beforeAll(async () => {
  await seedSandbox(seedTargetsFrom(inject('outputsPath')));
  brokerId = createSampleData(Date.now()).brokers.filter((b) => !b.deleted)[0]!.id;
  buyer = await signedInUser();
  broker = await signedInUser(SEED_USERS[3].phone);
  outsider = await signedInUser();
  users.push(buyer, broker, outsider);
});

afterAll(() => {
  for (const user of users) user.close();
});

type Conversation = { id: string; memberIds: string[]; status: string };
type Message = { id: string; body: string; senderId: string; conversationId: string };

describe('chat', () => {
  let conversation: Conversation;

  it('starts one conversation per buyer, broker and listing, however often it is asked', async () => {
    const args = { kind: 'LISTING_INQUIRY', brokerId, listingId: 'LST-E2E-1' };
    const [first, second] = await Promise.all([
      buyer.mutation<Conversation>('startConversation', args),
      buyer.mutation<Conversation>('startConversation', args),
    ]);
    expect(first.errors, JSON.stringify(first.errors)).toBeUndefined();
    expect(second.data.id).toBe(first.data.id);
    expect(first.data.memberIds.sort()).toEqual([buyer.sub, broker.sub].sort());
    expect(first.data.status).toBe('OPEN');
    conversation = first.data;
  });

  it('delivers a message to the members live, and to no one else', async () => {
    const brokerEvents = await broker.subscribe('Message', 'onCreate');
    const outsiderEvents = await outsider.subscribe('Message', 'onCreate');
    const sent = await buyer.mutation<Message>('sendMessage', {
      conversationId: conversation.id,
      kind: 'TEXT',
      body: '  안녕하세요, 매물 아직 있나요?  ',
      clientMessageId: 'e2e-1',
    });
    expect(sent.errors).toBeUndefined();
    expect(sent.data).toMatchObject({ body: '안녕하세요, 매물 아직 있나요?', senderId: buyer.sub });
    await expect.poll(() => brokerEvents.length, { timeout: 10_000 }).toBe(1);
    expect(brokerEvents[0]).toMatchObject({ id: sent.data.id, body: '안녕하세요, 매물 아직 있나요?' });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(outsiderEvents).toEqual([]);
  });

  it('returns the same message for a retried send and creates nothing new', async () => {
    const args = {
      conversationId: conversation.id,
      kind: 'TEXT',
      body: '토요일 가능해요',
      clientMessageId: 'e2e-2',
    };
    const first = await buyer.mutation<Message>('sendMessage', args);
    const retried = await buyer.mutation<Message>('sendMessage', args);
    expect(retried.data.id).toBe(first.data.id);
    const messages = await broker.model<Message[]>('Message', 'listMessagesByConversation', {
      conversationId: conversation.id,
    });
    expect(messages.data.filter((message) => message.body === '토요일 가능해요')).toHaveLength(1);
  });

  it('refuses a non-member who knows the conversation id', async () => {
    const result = await outsider.mutation<Message>('sendMessage', {
      conversationId: conversation.id,
      kind: 'TEXT',
      body: '끼어들기',
      clientMessageId: 'e2e-x',
    });
    expect(result.data).toBeNull();
    expect(result.errors?.[0]?.message).toMatch(/CONVERSATION_NOT_FOUND/);
    const read = await outsider.model<Message[]>('Message', 'listMessagesByConversation', {
      conversationId: conversation.id,
    });
    expect(read.data ?? []).toEqual([]);
  });

  it('lets no one send more than 20 messages in 10 seconds', async () => {
    const fast = await signedInUser();
    users.push(fast);
    const own = await fast.mutation<Conversation>('startConversation', {
      kind: 'LISTING_INQUIRY',
      brokerId,
      listingId: 'LST-E2E-RATE',
    });
    const sends = await Promise.all(
      Array.from({ length: 21 }, (_, i) =>
        fast.mutation<Message>('sendMessage', {
          conversationId: own.data.id,
          kind: 'TEXT',
          body: `메시지 ${i}`,
          clientMessageId: `rate-${i}`,
        }),
      ),
    );
    const accepted = sends.filter((send) => send.data?.id);
    const limited = sends.filter((send) => /RATE_LIMITED/.test(send.errors?.[0]?.message ?? ''));
    expect(accepted.length).toBeLessThanOrEqual(20);
    expect(limited.length).toBeGreaterThanOrEqual(1);
    expect(accepted.length + limited.length).toBe(21);
  });

  it('refuses an empty or oversized message with a clear error', async () => {
    const empty = await buyer.mutation('sendMessage', {
      conversationId: conversation.id,
      kind: 'TEXT',
      body: '   ',
      clientMessageId: 'e2e-empty',
    });
    expect(empty.errors?.[0]?.message).toMatch(/[가-힣].*\(.*[a-z]/i);
    const long = await buyer.mutation('sendMessage', {
      conversationId: conversation.id,
      kind: 'TEXT',
      body: '가'.repeat(2001),
      clientMessageId: 'e2e-long',
    });
    expect(long.errors?.[0]?.message).toMatch(/2,?000/);
  });
});
