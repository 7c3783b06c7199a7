import { randomUUID } from 'node:crypto';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { messageSentEvent } from '../../amplify/functions/shared/chat/chat-events';
import type { MessageRow } from '../../amplify/functions/shared/chat/chat-message';
import { createSampleData } from '../../local/legacy/sample-data';
import { SEED_USERS, seedSandbox, seedTargetsFrom } from '../../local/seed';
import { type AppUser, inbox, signedInUser } from './app-user';
import type { CapturedPush } from './e2e-support';

// What follows a sent message on the local sandbox, with the real client and three users (two
// members, one outsider): message-unread-counter's exact counts and previews, markRead and
// message-read-receipt's receipts, message-push's requests on the push queue, and an outsider who
// gets nothing at all.

type Conversation = { id: string; lastMessageAt: string | null; lastMessagePreview: string | null };
type Message = { id: string; createdAt: string; senderId: string; body: string | null };
type Member = {
  conversationId: string;
  userId: string;
  unreadCount: number;
  lastReadAt: string | null;
  lastReadMessageId: string | null;
  lastMessagePreview: string | null;
};
type LegacyCall = { path: string; authorized: boolean; body?: { id?: string; type?: string } };

const users: AppUser[] = [];
let buyer: AppUser & { sub: string };
let broker: AppUser & { sub: string };
let outsider: AppUser & { sub: string };
let conversation: Conversation;
const sent: Message[] = [];
let outsiderMessages: unknown[];
let outsiderMembers: unknown[];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// One FCM-shaped test token per member; the local End User Messaging delivers to any such token.
const tokenFor = (who: string) => `fcm-e2e-${who}-${randomUUID()}-${'x'.repeat(100)}`;
const tokens = { buyer: tokenFor('buyer'), broker: tokenFor('broker') };

/** What reached the devices for this conversation: chat pushes and badge updates. */
const pushesFor = async (conversationId: string) =>
  (await inbox<CapturedPush[]>('/api/push?limit=1000')).filter(
    (push) => push.data?.conversationId === conversationId,
  );
const chatPushes = async (conversationId: string) =>
  (await pushesFor(conversationId)).filter((push) => push.data?.type === 'chat.message');

async function member(user: AppUser, conversationId: string, userId: string): Promise<Member> {
  const result = await user.model<Member>('ConversationMember', 'get', { conversationId, userId });
  expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
  return result.data;
}

const unreadOf = async (user: AppUser & { sub: string }) =>
  (await member(user, conversation.id, user.sub)).unreadCount;

async function send(from: AppUser, body: string, clientMessageId: string): Promise<Message> {
  const result = await from.mutation<Message>('sendMessage', {
    conversationId: conversation.id,
    kind: 'TEXT',
    body,
    clientMessageId,
  });
  expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
  return result.data;
}

beforeAll(async () => {
  await seedSandbox(seedTargetsFrom(inject('outputsPath')));
  const brokerId = createSampleData(Date.now()).brokers.filter((b) => !b.deleted)[0]!.id;
  buyer = await signedInUser();
  broker = await signedInUser(SEED_USERS[3].phone);
  outsider = await signedInUser();
  users.push(buyer, broker, outsider);
  for (const [user, token] of [
    [buyer, tokens.buyer],
    [broker, tokens.broker],
  ] as const) {
    const registered = await user.mutation('registerDevice', {
      platform: 'GCM',
      token,
      appVersion: '3.2.0',
      locale: 'ko-KR',
    });
    expect(registered.errors, JSON.stringify(registered.errors)).toBeUndefined();
  }
  const started = await buyer.mutation<Conversation>('startConversation', {
    kind: 'LISTING_INQUIRY',
    brokerId,
    listingId: `LST-E2E-COUNT-${Date.now()}`,
  });
  expect(started.errors, JSON.stringify(started.errors)).toBeUndefined();
  conversation = started.data;
  // The outsider listens from the start; it must hear nothing until the end.
  outsiderMessages = await outsider.subscribe('Message', 'onCreate');
  outsiderMembers = await outsider.subscribe('ConversationMember', 'onUpdate');
});

afterAll(() => {
  for (const user of users) user.close();
});

describe('unread counts, read receipts and pushes', () => {
  it('refuses the outsider: get, list, send and markRead', async () => {
    const get = await outsider.model<Conversation | null>('Conversation', 'get', { id: conversation.id });
    expect(get.data ?? null).toBeNull();
    const messages = await outsider.model<Message[]>('Message', 'listMessagesByConversation', {
      conversationId: conversation.id,
    });
    expect(messages.data ?? []).toEqual([]);
    const membership = await outsider.model<Member | null>('ConversationMember', 'get', {
      conversationId: conversation.id,
      userId: buyer.sub,
    });
    expect(membership.data ?? null).toBeNull();
    const post = await outsider.mutation<Message>('sendMessage', {
      conversationId: conversation.id,
      kind: 'TEXT',
      body: '저도 볼래요',
      clientMessageId: 'outsider-1',
    });
    expect(post.data).toBeNull();
    expect(post.errors?.[0]?.message).toMatch(/CONVERSATION_NOT_FOUND/);
    const read = await outsider.mutation<Member>('markRead', { conversationId: conversation.id });
    expect(read.data).toBeNull();
    expect(read.errors?.length).toBeGreaterThan(0);
  });

  it('counts unread exactly after 50 messages in both directions, and members see it live', async () => {
    const buyerRowUpdates = await buyer.subscribe('ConversationMember', 'onUpdate');
    // 25 each way, interleaved; paced under the 20-messages-in-10-seconds limit.
    for (let round = 0; round < 25; round += 1) {
      const [fromBuyer, fromBroker] = await Promise.all([
        send(buyer, `구매자 메시지 ${round}`, `count-buyer-${round}`),
        send(broker, `중개사 메시지 ${round}`, `count-broker-${round}`),
      ]);
      sent.push(fromBuyer, fromBroker);
      await sleep(550);
    }
    expect(sent).toHaveLength(50);

    await expect.poll(() => unreadOf(buyer), { timeout: 60_000, interval: 500 }).toBe(25);
    await expect.poll(() => unreadOf(broker), { timeout: 60_000, interval: 500 }).toBe(25);
    // Stays exact: nothing is counted twice by late or retried records.
    await sleep(3000);
    expect(await unreadOf(buyer)).toBe(25);
    expect(await unreadOf(broker)).toBe(25);

    // Subscribers saw the buyer's own row climb to 25, through AppSync.
    await expect
      .poll(
        () =>
          Math.max(
            0,
            ...(buyerRowUpdates as Member[])
              .filter((row) => row.userId === buyer.sub && row.conversationId === conversation.id)
              .map((row) => row.unreadCount),
          ),
        { timeout: 10_000 },
      )
      .toBe(25);

    // The conversation list: the newest message's preview, and the unread count, per membership.
    // (The last two were sent at once and may share a millisecond: either is the newest then.)
    const newestAt = [...sent]
      .map((message) => message.createdAt)
      .sort()
      .at(-1)!;
    const newestBodies = sent
      .filter((message) => message.createdAt === newestAt)
      .map((message) => message.body);
    await expect
      .poll(
        async () => (await buyer.model<Conversation>('Conversation', 'get', { id: conversation.id })).data,
        { timeout: 10_000 },
      )
      .toMatchObject({ lastMessageAt: newestAt, lastMessagePreview: expect.toBeOneOf(newestBodies) });
    const memberships = await buyer.model<Member[]>('ConversationMember', 'listMembershipsByUser', {
      userId: buyer.sub,
    });
    expect(memberships.data.find((row) => row.conversationId === conversation.id)).toMatchObject({
      unreadCount: 25,
      lastMessagePreview: expect.toBeOneOf(newestBodies),
    });
  });

  it('pages through the history newest first, and lists conversations by their last message', async () => {
    const pages: Message[][] = [];
    let nextToken: string | null | undefined;
    do {
      const page = await broker.model<Message[]>(
        'Message',
        'listMessagesByConversation',
        { conversationId: conversation.id },
        { sortDirection: 'DESC', limit: 20, ...(nextToken ? { nextToken } : {}) },
      );
      expect(page.errors, JSON.stringify(page.errors)).toBeUndefined();
      pages.push(page.data);
      nextToken = page.nextToken;
    } while (nextToken);
    const history = pages.flat();
    expect(pages[0]).toHaveLength(20);
    // The 50 messages and the welcome, newest first, each once.
    expect(history).toHaveLength(51);
    expect(new Set(history.map((message) => message.id)).size).toBe(51);
    const times = history.map((message) => message.createdAt);
    expect(times).toEqual([...times].sort().reverse());
    for (const message of sent) expect(history.map((m) => m.id)).toContain(message.id);

    // A second, quieter conversation of the buyer's sorts after this one.
    const other = await buyer.mutation<Conversation>('startConversation', {
      kind: 'LISTING_INQUIRY',
      brokerId: createSampleData(Date.now()).brokers.filter((b) => !b.deleted)[0]!.id,
      listingId: `LST-E2E-QUIET-${Date.now()}`,
    });
    expect(other.errors, JSON.stringify(other.errors)).toBeUndefined();
    sent.push(await send(buyer, '마지막 메시지', 'count-last'));
    await expect
      .poll(
        async () => {
          const list = await buyer.model<Member[]>(
            'ConversationMember',
            'listMembershipsByUser',
            { userId: buyer.sub },
            { sortDirection: 'DESC' },
          );
          return list.data.map((row) => row.conversationId).slice(0, 2);
        },
        { timeout: 30_000 },
      )
      .toEqual([conversation.id, other.data.id]);
  });

  it("pushes each message to the other member's device once, never to the sender", async () => {
    // The 50 messages and the buyer's last one.
    await expect.poll(async () => (await chatPushes(conversation.id)).length, { timeout: 60_000 }).toBe(51);
    const pushes = await chatPushes(conversation.id);
    for (const message of sent) {
      const forMessage = pushes.filter((push) => push.data?.messageId === message.id);
      const recipientToken = message.senderId === buyer.sub ? tokens.broker : tokens.buyer;
      expect(forMessage.map((push) => push.token)).toEqual([recipientToken]);
      expect(forMessage[0]).toMatchObject({
        body: message.body,
        data: { deepLink: `bootalk://chat/${conversation.id}` },
      });
      expect(forMessage[0]!.badge).toBeGreaterThanOrEqual(1);
    }
  });

  it('resets the unread count on markRead; the other member sees the receipt live; the Legacy API hears of it', async () => {
    const brokerRowUpdates = await broker.subscribe('ConversationMember', 'onUpdate');
    const fromBroker = sent.filter((message) => message.senderId === broker.sub);
    const tenth = fromBroker[9]!;
    const read = await buyer.mutation<Member>('markRead', {
      conversationId: conversation.id,
      messageId: tenth.id,
    });
    expect(read.errors, JSON.stringify(read.errors)).toBeUndefined();
    // Read up to the broker's 10th message: the 15 after it are still unread.
    await expect.poll(() => unreadOf(buyer), { timeout: 30_000, interval: 500 }).toBe(15);
    await expect
      .poll(
        () =>
          (brokerRowUpdates as Member[]).some(
            (row) => row.userId === buyer.sub && row.lastReadMessageId === tenth.id,
          ),
        { timeout: 10_000 },
      )
      .toBe(true);

    const last = fromBroker.at(-1)!;
    await buyer.mutation<Member>('markRead', { conversationId: conversation.id, messageId: last.id });
    await expect.poll(() => unreadOf(buyer), { timeout: 30_000, interval: 500 }).toBe(0);
    expect(await unreadOf(broker)).toBe(26);

    const receipt = await member(buyer, conversation.id, buyer.sub);
    await expect
      .poll(
        async () =>
          (await inbox<LegacyCall[]>('/api/legacy-calls')).find(
            (call) =>
              call.path === '/v1/events' &&
              call.body?.id === `conversation.read:${conversation.id}:${buyer.sub}:${receipt.lastReadAt}`,
          ),
        { timeout: 30_000 },
      )
      .toMatchObject({ authorized: true, body: { type: 'conversation.read' } });
    // The buyer's devices get the new badge silently: a badge, no title or text.
    await expect
      .poll(
        async () =>
          (await pushesFor(conversation.id)).find(
            // FCM carries the badge as data (a data-only message shows nothing).
            (push) => push.data?.type === 'badge' && push.token === tokens.buyer && push.data?.badge === '0',
          ),
        { timeout: 30_000 },
      )
      .toMatchObject({ token: tokens.buyer });
  });

  it('pushes nothing to a member who muted the conversation', async () => {
    const muted = await broker.mutation<Member>('muteConversation', {
      conversationId: conversation.id,
      muted: true,
    });
    expect(muted.errors, JSON.stringify(muted.errors)).toBeUndefined();
    const quiet = await send(buyer, '조용히 보낸 메시지', 'muted-1');
    // Counted as unread like any message (the push planner gets it a hop later, through chat-events
    // and its queue; give it time before looking), but pushed to no one.
    await expect.poll(() => unreadOf(broker), { timeout: 30_000 }).toBe(27);
    await sleep(2000);
    expect((await chatPushes(conversation.id)).filter((push) => push.data?.messageId === quiet.id)).toEqual(
      [],
    );

    await broker.mutation<Member>('muteConversation', { conversationId: conversation.id, muted: false });
    const loud = await send(buyer, '알림 가는 메시지', 'unmuted-1');
    await expect
      .poll(
        async () => (await chatPushes(conversation.id)).filter((push) => push.data?.messageId === loud.id),
        {
          timeout: 30_000,
        },
      )
      .toHaveLength(1);
    // The push and the count come from different consumers (chat-events' queue, the Message stream):
    // the push may arrive first, with the badge it computed for the uncounted message.
    await expect.poll(() => unreadOf(broker), { timeout: 30_000, interval: 500 }).toBe(28);
  });

  it('counts nothing twice and pushes nothing twice when a stream record and its event are delivered again', async () => {
    const message = sent.find((m) => m.senderId === buyer.sub)!;
    const full = await broker.model<Record<string, unknown>>('Message', 'get', { id: message.id });
    const { __typename: _typename, ...row } = full.data;
    const newImage = marshall(Object.fromEntries(Object.entries(row).filter(([, value]) => value !== null)), {
      removeUndefinedValues: true,
    });
    // What Lambda would redeliver after a failed batch: the same INSERT record.
    const replay = {
      Records: [
        {
          eventID: `replay-${message.id}`,
          eventName: 'INSERT',
          eventSource: 'aws:dynamodb',
          dynamodb: {
            Keys: { id: { S: message.id } },
            NewImage: newImage,
            StreamViewType: 'NEW_AND_OLD_IMAGES',
          },
        },
      ],
    };
    const before = await unreadOf(broker);
    const pushesBefore = (await pushesFor(conversation.id)).filter(
      (push) => push.data?.messageId === message.id,
    );
    expect(pushesBefore).toHaveLength(1);

    // And what the message-sent queue would redeliver: the message.sent event, raw from chat-events.
    const eventReplay = {
      Records: [
        {
          messageId: `replay-${message.id}`,
          receiptHandle: `replay-${message.id}`,
          body: JSON.stringify(messageSentEvent(row as unknown as MessageRow)),
          attributes: { ApproximateReceiveCount: '2' },
          messageAttributes: {},
          eventSource: 'aws:sqs',
        },
      ],
    };
    for (const [name, event] of [
      ['message-unread-counter', replay],
      ['message-push', eventReplay],
    ] as const) {
      const invoked = await inbox<{ ok: boolean; result?: { batchItemFailures: unknown[] } }>(
        `/api/functions/${name}/invoke`,
        { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(event) },
      );
      expect(invoked, name).toMatchObject({ ok: true, result: { batchItemFailures: [] } });
    }

    expect(await unreadOf(broker)).toBe(before);
    // Queued again with the same push id: once push-sender has taken it off the queue (other
    // tests' pushes may still wait there), the device still has exactly the one push.
    await expect
      .poll(
        async () => {
          const queues = await inbox<{ name: string }[]>('/api/queues');
          const push = queues.find((queue) => /(^|-)push$/.test(queue.name))!;
          const waiting = await inbox<{ body: { data?: { messageId?: string } } }[]>(
            `/api/queues/${push.name}`,
          );
          return waiting.filter((entry) => entry.body?.data?.messageId === message.id).length;
        },
        { timeout: 30_000 },
      )
      .toBe(0);
    const pushesAfter = (await chatPushes(conversation.id)).filter(
      (push) => push.data?.messageId === message.id,
    );
    expect(pushesAfter).toEqual(pushesBefore);
  });

  it('pushes nothing to a member who is looking at the conversation', async () => {
    // The app's presence heartbeat: the conversation is on the broker's screen.
    const before = await unreadOf(broker);
    const viewing = await broker.mutation<Member>('setViewing', { conversationId: conversation.id });
    expect(viewing.errors, JSON.stringify(viewing.errors)).toBeUndefined();
    const seen = await send(buyer, '보고 계시죠?', 'viewing-1');
    await expect.poll(() => unreadOf(broker), { timeout: 30_000 }).toBe(before + 1);
    await sleep(2000);
    expect((await chatPushes(conversation.id)).filter((push) => push.data?.messageId === seen.id)).toEqual(
      [],
    );
  });

  it('told the outsider nothing, however much happened', async () => {
    await sleep(1000);
    expect(outsiderMessages).toEqual([]);
    expect(outsiderMembers).toEqual([]);
  });
});
