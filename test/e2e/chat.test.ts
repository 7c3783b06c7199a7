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
type Message = {
  id: string;
  body: string | null;
  senderId: string;
  conversationId: string;
  createdAt: string;
  editedAt?: string | null;
  deletedAt?: string | null;
};
type Member = {
  userId: string;
  lastReadAt: string | null;
  muted: boolean | null;
  mutedUntil: string | null;
  viewingUntil: string | null;
};

const isLimited = (send: { errors?: { message: string }[] }) =>
  /RATE_LIMITED/.test(send.errors?.[0]?.message ?? '');

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
    // The conversation's welcome message may arrive too; the buyer's message arrives once.
    const ofSent = () => (brokerEvents as { id: string }[]).filter((event) => event.id === sent.data.id);
    await expect.poll(() => ofSent().length, { timeout: 10_000 }).toBe(1);
    expect(ofSent()[0]).toMatchObject({ id: sent.data.id, body: '안녕하세요, 매물 아직 있나요?' });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(ofSent()).toHaveLength(1);
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

  it('lets the sender edit a message, members see the edit live, and no one else may edit it', async () => {
    const brokerUpdates = await broker.subscribe('Message', 'onUpdate');
    const sent = await buyer.mutation<Message>('sendMessage', {
      conversationId: conversation.id,
      kind: 'TEXT',
      body: '10시에 갈게요',
      clientMessageId: 'e2e-edit',
    });
    const edited = await buyer.mutation<Message>('editMessage', { id: sent.data.id, body: '11시에 갈게요' });
    expect(edited.errors).toBeUndefined();
    expect(edited.data).toMatchObject({ body: '11시에 갈게요' });
    expect(edited.data.editedAt).toBeTruthy();
    await expect.poll(() => brokerUpdates.length, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(brokerUpdates.at(-1)).toMatchObject({ id: sent.data.id, body: '11시에 갈게요' });
    const hijack = await broker.mutation<Message>('editMessage', { id: sent.data.id, body: '제가 바꿨어요' });
    expect(hijack.errors?.[0]?.message).toMatch(/NOT_YOUR_MESSAGE/);
  });

  it("deletes the sender's own message softly: the row stays, its text is gone", async () => {
    const sent = await buyer.mutation<Message>('sendMessage', {
      conversationId: conversation.id,
      kind: 'TEXT',
      body: '전화번호 010-1234-5678 입니다',
      clientMessageId: 'e2e-delete',
    });
    const deleted = await buyer.mutation<Message>('deleteOwnMessage', { id: sent.data.id });
    expect(deleted.data).toMatchObject({ id: sent.data.id, body: null });
    expect(deleted.data.deletedAt).toBeTruthy();
    const again = await buyer.mutation<Message>('deleteOwnMessage', { id: sent.data.id });
    expect(again.data.deletedAt).toBe(deleted.data.deletedAt);
    const list = await broker.model<Message[]>('Message', 'listMessagesByConversation', {
      conversationId: conversation.id,
    });
    const row = list.data.find((message) => message.id === sent.data.id)!;
    expect(row.body).toBeNull();
    expect(JSON.stringify(list.data)).not.toContain('1234-5678');
  });

  it('marks a conversation read up to a message and never backwards', async () => {
    const messages = await broker.model<Message[]>('Message', 'listMessagesByConversation', {
      conversationId: conversation.id,
    });
    const sorted = [...messages.data].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    const latest = sorted.at(-1)!;
    const read = await broker.mutation<Member>('markRead', {
      conversationId: conversation.id,
      messageId: latest.id,
    });
    expect(read.errors).toBeUndefined();
    expect(read.data.lastReadAt).toBe(latest.createdAt);
    const backwards = await broker.mutation<Member>('markRead', {
      conversationId: conversation.id,
      messageId: sorted[0]!.id,
    });
    expect(backwards.data.lastReadAt).toBe(latest.createdAt);
    const outsiders = await outsider.mutation<Member>('markRead', { conversationId: conversation.id });
    expect(outsiders.errors?.[0]?.message).toMatch(/CONVERSATION_NOT_FOUND/);
  });

  it('mutes a conversation, refuses a mute that ends in the past, and records presence', async () => {
    const past = await buyer.mutation<Member>('muteConversation', {
      conversationId: conversation.id,
      muted: true,
      until: new Date(Date.now() - 60_000).toISOString(),
    });
    expect(past.errors?.[0]?.message).toBeTruthy();
    const muted = await buyer.mutation<Member>('muteConversation', {
      conversationId: conversation.id,
      muted: true,
    });
    expect(muted.data).toMatchObject({ muted: true, mutedUntil: null });
    const viewing = await buyer.mutation<Member>('setViewing', { conversationId: conversation.id });
    expect(Date.parse(viewing.data.viewingUntil!)).toBeGreaterThan(Date.now());
  });

  it('lets no one send more than 20 messages in 10 seconds', async () => {
    const fast = await signedInUser();
    users.push(fast);
    const own = await fast.mutation<Conversation>('startConversation', {
      kind: 'LISTING_INQUIRY',
      brokerId,
      listingId: 'LST-E2E-RATE',
    });
    // A busy machine may serve one burst slower than the window: burst again until the limit
    // answers (it must, within the deadline), keeping every answer for the checks below.
    type Send = Awaited<ReturnType<typeof fast.mutation<Message>>>;
    const sends: Send[] = [];
    const deadline = Date.now() + 45_000;
    for (let burst = 0; !sends.some(isLimited) && Date.now() < deadline; burst++) {
      sends.push(
        ...(await Promise.all(
          Array.from({ length: 21 }, (_, i) =>
            fast.mutation<Message>('sendMessage', {
              conversationId: own.data.id,
              kind: 'TEXT',
              body: `메시지 ${burst}-${i}`,
              clientMessageId: `rate-${burst}-${i}`,
            }),
          ),
        )),
      );
    }
    const accepted = sends.filter((send) => send.data?.id);
    expect(sends.filter(isLimited).length).toBeGreaterThanOrEqual(1);
    expect(accepted.length + sends.filter(isLimited).length).toBe(sends.length);
    // Never more than 20 in a window (9 s here: createdAt is stamped a moment after the count).
    const times = accepted.map((send) => Date.parse(send.data.createdAt)).sort((a, b) => a - b);
    for (let first = 0; first < times.length; first++) {
      const inWindow = times.filter((t) => t >= times[first]! && t < times[first]! + 9_000).length;
      expect(inWindow).toBeLessThanOrEqual(20);
    }
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
