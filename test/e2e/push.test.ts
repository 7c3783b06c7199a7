import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createSampleData } from '../../local/legacy/sample-data';
import { SEED_USERS, seedSandbox, seedTargetsFrom } from '../../local/seed';
import { type AppUser, inbox, signedInUser } from './app-user';
import type { CapturedPush } from './e2e-support';

// Pushes on the local sandbox, with the real client: registerDevice and its refusals; push-sender
// delivering to each device, removing a dead token, keeping a throttled one (the message is
// retried), following a rotated one, and a token that moved to another user; chat-reminder's
// notifications arriving live for their owner only and pushed by notification-fanout; and the
// badge (unread chat messages + unread notifications) through badge / markNotificationsRead.

type Device = {
  id: string;
  userId: string;
  platform: string;
  token: string;
  appVersion: string | null;
  locale: string | null;
  lastSeenAt: string;
  invalidatedAt: string | null;
};
type Conversation = { id: string };
type Message = { id: string; body: string | null; senderId: string };
type Member = { conversationId: string; userId: string; unreadCount: number };
type Notification = {
  id: string;
  userId: string;
  type: string;
  title: string;
  body: string;
  deepLink: string | null;
  subjectId: string | null;
  readAt: string | null;
};
type Badge = { unreadChats: number; unreadNotifications: number; total: number };
type QueuedMessage = {
  messageId: string;
  state: string;
  receiveCount: number;
  body: { pushId?: string; recipientId?: string };
};
type Invocation<T> = { ok: boolean; result?: T; error?: unknown };

type User = AppUser & { sub: string };
const users: AppUser[] = [];
let broker: User;
/** A buyer with three conversations and two healthy phones. */
let minji: User;
/** When minji's sign-in code was used (her second device signs in later). */
/** Another buyer, whose notifications minji must never see (and the reverse). */
let seojun: User;
/** A buyer whose devices act out the provider's failures. */
let jiwoo: User;
let brokerId: string;
const conversations = { minji: [] as Conversation[], seojun: {} as Conversation, jiwoo: {} as Conversation };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
// FCM-shaped test tokens (100+ characters of [A-Za-z0-9_:-]); the prefix decides the local
// End User Messaging's answer: `invalid-` dead, `throttled-` try later, `rotate-` a new token.
const tokenWith = (prefix: string) => `${prefix}-${randomUUID()}-${'x'.repeat(100)}`;
const tokens = {
  minjiPhone: tokenWith('fcm-e2e-minji-phone'),
  minjiTablet: tokenWith('fcm-e2e-minji-tablet'),
  jiwooHealthy: tokenWith('fcm-e2e-jiwoo'),
  jiwooDead: tokenWith('invalid'),
  jiwooThrottled: tokenWith('throttled'),
  jiwooRotating: tokenWith('rotate'),
  shared: tokenWith('fcm-e2e-shared-phone'),
};
const rotated = `rotated-${tokens.jiwooRotating.slice('rotate-'.length)}`;

const captures = () => inbox<CapturedPush[]>('/api/push?limit=1000');
const chatPushesFor = async (message: Message) =>
  (await captures()).filter(
    (push) => push.data?.type === 'chat.message' && push.data?.messageId === message.id,
  );
const tokensOf = (pushes: CapturedPush[]) => pushes.map((push) => push.token).sort();

async function register(user: AppUser, token: string, extra: Record<string, unknown> = {}): Promise<Device> {
  const registered = await user.mutation<Device>('registerDevice', {
    platform: 'GCM',
    token,
    appVersion: '3.2.0',
    locale: 'ko-KR',
    ...extra,
  });
  expect(registered.errors, JSON.stringify(registered.errors)).toBeUndefined();
  return registered.data;
}

async function devicesOf(user: User): Promise<Device[]> {
  const list = await user.model<Device[]>('Device', 'listDevicesByUser', { userId: user.sub });
  expect(list.errors, JSON.stringify(list.errors)).toBeUndefined();
  return list.data;
}
const deviceTokensOf = async (user: User) => (await devicesOf(user)).map((device) => device.token).sort();

async function startConversation(user: AppUser, listing: string): Promise<Conversation> {
  const started = await user.mutation<Conversation>('startConversation', {
    kind: 'LISTING_INQUIRY',
    brokerId,
    listingId: `LST-E2E-PUSH-${listing}-${Date.now()}`,
  });
  expect(started.errors, JSON.stringify(started.errors)).toBeUndefined();
  return started.data;
}

async function brokerSays(conversation: Conversation, body: string): Promise<Message> {
  const sent = await broker.mutation<Message>('sendMessage', {
    conversationId: conversation.id,
    kind: 'TEXT',
    body,
    clientMessageId: randomUUID(),
  });
  expect(sent.errors, JSON.stringify(sent.errors)).toBeUndefined();
  return sent.data;
}

async function memberships(user: User): Promise<Member[]> {
  const list = await user.model<Member[]>('ConversationMember', 'listMembershipsByUser', {
    userId: user.sub,
  });
  expect(list.errors, JSON.stringify(list.errors)).toBeUndefined();
  return list.data;
}

async function notificationsOf(user: User): Promise<Notification[]> {
  const list = await user.model<Notification[]>(
    'Notification',
    'listNotificationsByUser',
    { userId: user.sub },
    { sortDirection: 'DESC' },
  );
  expect(list.errors, JSON.stringify(list.errors)).toBeUndefined();
  return list.data;
}

async function badgeOf(user: AppUser): Promise<Badge> {
  const badge = await user.query<Badge>('badge', {});
  expect(badge.errors, JSON.stringify(badge.errors)).toBeUndefined();
  return badge.data;
}

/** The badge as the user's own reads add it up: memberships' unreadCount + notifications without readAt. */
async function countedBadge(user: User): Promise<Badge> {
  const unreadChats = (await memberships(user)).reduce((sum, member) => sum + member.unreadCount, 0);
  const unreadNotifications = (await notificationsOf(user)).filter((n) => !n.readAt).length;
  return { unreadChats, unreadNotifications, total: unreadChats + unreadNotifications };
}

async function pushQueueName(): Promise<string> {
  const queues = await inbox<{ name: string }[]>('/api/queues');
  return queues.find((queue) => /(^|-)push$/.test(queue.name))!.name;
}

beforeAll(async () => {
  await seedSandbox(seedTargetsFrom(inject('outputsPath')));
  brokerId = createSampleData(Date.now()).brokers.filter((b) => !b.deleted)[0]!.id;
  broker = await signedInUser(SEED_USERS[3].phone);
  minji = await signedInUser();
  seojun = await signedInUser();
  jiwoo = await signedInUser();
  users.push(broker, minji, seojun, jiwoo);
  for (const listing of ['A', 'B', 'C']) conversations.minji.push(await startConversation(minji, listing));
  conversations.seojun = await startConversation(seojun, 'SEOJUN');
  conversations.jiwoo = await startConversation(jiwoo, 'JIWOO');
});

afterAll(() => {
  for (const user of users) user.close();
});

describe('devices and pushes', () => {
  it('registers a device for the caller and refuses malformed registrations clearly', async () => {
    const device = await register(minji, tokens.minjiPhone, { appVersion: '3.2.0', locale: 'ko_KR' });
    expect(device).toMatchObject({
      id: createHash('sha256').update(tokens.minjiPhone).digest('hex'),
      userId: minji.sub,
      platform: 'GCM',
      token: tokens.minjiPhone,
      appVersion: '3.2.0',
      // Android's ko_KR, canonical.
      locale: 'ko-KR',
    });
    expect(device.invalidatedAt ?? null).toBeNull();

    // A platform the schema does not know: AppSync refuses the enum before any function runs.
    const windows = await minji.mutation<Device>('registerDevice', {
      platform: 'WINDOWS',
      token: tokenWith('fcm-e2e-windows'),
    });
    expect(windows.data ?? null).toBeNull();
    expect(windows.errors?.[0]?.message).toMatch(/WINDOWS/);
    expect(windows.errors?.[0]?.message).toMatch(/DevicePlatform|enum|platform/i);

    const malformed = 'fcm token with spaces';
    const badToken = await minji.mutation<Device>('registerDevice', { platform: 'GCM', token: malformed });
    expect(badToken.data ?? null).toBeNull();
    expect(badToken.errors?.[0]?.message).toMatch(/^INVALID_DEVICE_TOKEN: /);
    // The token is never echoed: error messages end up in logs.
    expect(badToken.errors?.[0]?.message).not.toContain(malformed);
    const apnsAsGcm = await minji.mutation<Device>('registerDevice', {
      platform: 'APNS',
      token: tokenWith('fcm-e2e-not-hex'),
    });
    expect(apnsAsGcm.errors?.[0]?.message).toMatch(/^INVALID_DEVICE_TOKEN: .*APNs/);

    const badVersion = await minji.mutation<Device>('registerDevice', {
      platform: 'GCM',
      token: tokenWith('fcm-e2e-bad-version'),
      appVersion: '최신 버전',
    });
    expect(badVersion.data ?? null).toBeNull();
    expect(badVersion.errors?.[0]?.message).toMatch(/^INVALID_APP_VERSION: 앱 버전 형식이 올바르지 않습니다/);

    const badLocale = await minji.mutation<Device>('registerDevice', {
      platform: 'GCM',
      token: tokenWith('fcm-e2e-bad-locale'),
      locale: '한국어!',
    });
    expect(badLocale.errors?.[0]?.message).toMatch(/^INVALID_LOCALE: /);

    // Registering again refreshes the one row; a second phone is a second row; refusals wrote nothing.
    await register(minji, tokens.minjiPhone);
    await register(minji, tokens.minjiTablet);
    await expect
      .poll(() => deviceTokensOf(minji), { timeout: 10_000 })
      .toEqual([tokens.minjiPhone, tokens.minjiTablet].sort());
    // Nobody else sees minji's devices.
    const peek = await seojun.model<Device[]>('Device', 'listDevicesByUser', { userId: minji.sub });
    expect(peek.data ?? []).toEqual([]);
  });

  it("pushes a chat message to each of the recipient's devices once", async () => {
    const message = await brokerSays(conversations.minji[0]!, '안녕하세요, 매물 보러 오실 수 있나요?');
    await expect
      .poll(async () => tokensOf(await chatPushesFor(message)), { timeout: 30_000 })
      .toEqual([tokens.minjiPhone, tokens.minjiTablet].sort());
    for (const push of await chatPushesFor(message)) {
      expect(push).toMatchObject({
        title: SEED_USERS[3].nickname,
        body: '안녕하세요, 매물 보러 오실 수 있나요?',
        data: {
          conversationId: conversations.minji[0]!.id,
          deepLink: `bootalk://chat/${conversations.minji[0]!.id}`,
        },
      });
      expect(push.badge).toBeGreaterThanOrEqual(1);
    }
  });

  it('removes a dead token after one send, keeps a throttled one for the retry, and follows a rotated one', async () => {
    await register(jiwoo, tokens.jiwooHealthy, { appVersion: '3.1.0' });
    await register(jiwoo, tokens.jiwooDead, { appVersion: '3.1.0' });
    await register(jiwoo, tokens.jiwooThrottled, { appVersion: '3.1.0' });
    await register(jiwoo, tokens.jiwooRotating, { appVersion: '3.1.0', locale: 'ko-KR' });
    await expect
      .poll(() => deviceTokensOf(jiwoo), { timeout: 10_000 })
      .toEqual([tokens.jiwooHealthy, tokens.jiwooDead, tokens.jiwooThrottled, tokens.jiwooRotating].sort());

    const message = await brokerSays(conversations.jiwoo, '계약 조건 확인 부탁드립니다');
    // One send: the dead token is gone, the rotated one has its new row, the throttled one stays.
    await expect
      .poll(() => deviceTokensOf(jiwoo), { timeout: 30_000 })
      .toEqual([tokens.jiwooHealthy, tokens.jiwooThrottled, rotated].sort());
    // Delivered to the healthy token and to the rotating one (whose provider answered with its new
    // token); nothing captured for the dead or the throttled token.
    expect(tokensOf(await chatPushesFor(message))).toEqual(
      [tokens.jiwooHealthy, tokens.jiwooRotating].sort(),
    );
    const moved = (await devicesOf(jiwoo)).find((device) => device.token === rotated)!;
    expect(moved).toMatchObject({
      id: createHash('sha256').update(rotated).digest('hex'),
      userId: jiwoo.sub,
      platform: 'GCM',
      appVersion: '3.1.0',
      locale: 'ko-KR',
    });

    // The throttled device still needs it: the queue message waits for its redelivery.
    const queue = await pushQueueName();
    const pushId = `chat:${message.id}:${jiwoo.sub}`;
    const waiting = (await inbox<QueuedMessage[]>(`/api/queues/${encodeURIComponent(queue)}`)).filter(
      (queued) => queued.body.pushId === pushId,
    );
    expect(waiting).toHaveLength(1);
    expect(waiting[0]).toMatchObject({ state: 'in-flight', receiveCount: 1 });

    // The redelivery, now: only the throttled device is tried again (and throttled again); the
    // healthy and the rotated phone have it already and get nothing twice.
    const redelivery = {
      Records: [
        {
          messageId: `redelivery-${randomUUID()}`,
          receiptHandle: 'redelivery',
          body: JSON.stringify(waiting[0]!.body),
          attributes: { ApproximateReceiveCount: '2' },
          messageAttributes: {},
          md5OfBody: '',
          eventSource: 'aws:sqs',
          eventSourceARN: `arn:aws:sqs:ap-northeast-2:000000000000:${queue}`,
          awsRegion: 'ap-northeast-2',
        },
      ],
    };
    const invoked = await inbox<Invocation<{ batchItemFailures: { itemIdentifier: string }[] }>>(
      '/api/functions/push-sender/invoke',
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(redelivery) },
    );
    expect(invoked, JSON.stringify(invoked)).toMatchObject({
      ok: true,
      result: { batchItemFailures: [{ itemIdentifier: redelivery.Records[0]!.messageId }] },
    });
    expect(tokensOf(await chatPushesFor(message))).toEqual(
      [tokens.jiwooHealthy, tokens.jiwooRotating].sort(),
    );
    expect(await deviceTokensOf(jiwoo)).toEqual([tokens.jiwooHealthy, tokens.jiwooThrottled, rotated].sort());
  });

  it("stops pushing a moved token to its previous owner; it reaches the new one's pushes", async () => {
    await register(minji, tokens.shared);
    await expect.poll(() => deviceTokensOf(minji), { timeout: 10_000 }).toContain(tokens.shared);
    // The same phone, now signed in as seojun.
    const taken = await register(seojun, tokens.shared);
    expect(taken).toMatchObject({ userId: seojun.sub, token: tokens.shared });
    await expect
      .poll(() => deviceTokensOf(minji), { timeout: 10_000 })
      .toEqual([tokens.minjiPhone, tokens.minjiTablet].sort());
    expect(await deviceTokensOf(seojun)).toEqual([tokens.shared]);

    // minji's push: her two phones, not the one she left.
    const toMinji = await brokerSays(conversations.minji[1]!, '다른 매물도 보여드릴게요');
    await expect
      .poll(async () => tokensOf(await chatPushesFor(toMinji)), { timeout: 30_000 })
      .toEqual([tokens.minjiPhone, tokens.minjiTablet].sort());
    // seojun's push reaches the phone.
    const toSeojun = await brokerSays(conversations.seojun, '서준님, 방문 일정 잡아드릴까요?');
    await expect
      .poll(async () => tokensOf(await chatPushesFor(toSeojun)), { timeout: 30_000 })
      .toEqual([tokens.shared]);
    await sleep(1000);
    expect(tokensOf(await chatPushesFor(toMinji))).toEqual([tokens.minjiPhone, tokens.minjiTablet].sort());
    expect(
      (await captures()).filter((push) => push.token === tokens.shared).map((push) => push.data?.messageId),
    ).toEqual([toSeojun.id]);
  });
});

describe('notifications and the badge', () => {
  let minjiReminders: Notification[];
  let seojunReminder: Notification;

  it('delivers a new notification live to its owner only, and pushes it', { timeout: 120_000 }, async () => {
    const minjiCreated = await minji.subscribe('Notification', 'onCreate');
    const seojunCreated = await seojun.subscribe('Notification', 'onCreate');
    // minji has unread messages in all three conversations, seojun in his one.
    await brokerSays(conversations.minji[2]!, '세 번째 매물 사진 보내드려요');
    await expect
      .poll(
        async () =>
          (await memberships(minji))
            .filter((member) => conversations.minji.some((c) => c.id === member.conversationId))
            .map((member) => member.unreadCount > 0),
        { timeout: 30_000 },
      )
      .toEqual([true, true, true]);
    await expect
      .poll(async () => (await memberships(seojun)).map((member) => member.unreadCount), { timeout: 30_000 })
      .toEqual([1]);

    // The evening sweep, now, for messages unread for 0 hours or more.
    const sweep = await inbox<Invocation<{ reminded: number }>>('/api/functions/chat-reminder/invoke', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ afterHours: 0 }),
    });
    expect(sweep, JSON.stringify(sweep)).toMatchObject({
      ok: true,
      result: { reminded: expect.any(Number) },
    });
    expect(sweep.result!.reminded).toBeGreaterThanOrEqual(4);

    await expect.poll(() => minjiCreated.length, { timeout: 15_000 }).toBe(3);
    await expect.poll(() => seojunCreated.length, { timeout: 15_000 }).toBe(1);
    minjiReminders = minjiCreated as Notification[];
    seojunReminder = seojunCreated[0] as Notification;
    for (const reminder of minjiReminders) {
      expect(reminder).toMatchObject({
        userId: minji.sub,
        type: 'CHAT_REMINDER',
        title: '읽지 않은 채팅',
        body: '읽지 않은 메시지가 1개 있어요',
        readAt: null,
      });
    }
    expect(minjiReminders.map((reminder) => reminder.subjectId).sort()).toEqual(
      conversations.minji.map((c) => c.id).sort(),
    );
    for (const reminder of minjiReminders) {
      expect(reminder.deepLink).toBe(`bootalk://chat/${reminder.subjectId}`);
    }
    expect(seojunReminder).toMatchObject({
      userId: seojun.sub,
      type: 'CHAT_REMINDER',
      subjectId: conversations.seojun.id,
    });
    // Nobody hears of anyone else's: nothing more arrives for either.
    await sleep(2000);
    expect(minjiCreated).toHaveLength(3);
    expect(seojunCreated).toHaveLength(1);

    // The inbox lists them; a second sweep the same day reminds no one twice.
    await expect
      .poll(async () => (await notificationsOf(minji)).map((n) => n.id).sort(), { timeout: 10_000 })
      .toEqual(minjiReminders.map((n) => n.id).sort());
    const again = await inbox<Invocation<{ reminded: number }>>('/api/functions/chat-reminder/invoke', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ afterHours: 0 }),
    });
    expect(again).toMatchObject({ ok: true, result: { reminded: 0 } });

    // notification-fanout pushes each (CHAT_REMINDER is informational) to each of minji's phones.
    const notificationPushes = async (reminder: Notification) =>
      (await captures()).filter(
        (push) => push.data?.type === 'notification' && push.data?.notificationId === reminder.id,
      );
    for (const reminder of minjiReminders) {
      await expect
        .poll(async () => tokensOf(await notificationPushes(reminder)), { timeout: 30_000 })
        .toEqual([tokens.minjiPhone, tokens.minjiTablet].sort());
      for (const push of await notificationPushes(reminder)) {
        expect(push).toMatchObject({
          title: '읽지 않은 채팅',
          body: '읽지 않은 메시지가 1개 있어요',
          data: {
            notificationType: 'CHAT_REMINDER',
            advertising: 'false',
            deepLink: `bootalk://chat/${reminder.subjectId}`,
          },
        });
        expect(push.badge).toBeGreaterThanOrEqual(1);
      }
    }
    await expect
      .poll(async () => tokensOf(await notificationPushes(seojunReminder)), { timeout: 30_000 })
      .toEqual([tokens.shared]);
  });

  it('counts the badge as unread chat messages plus unread notifications', async () => {
    // Both sides settle: the counter's last increments and the notification index.
    await expect
      .poll(() => countedBadge(minji), { timeout: 15_000 })
      .toEqual({
        unreadChats: expect.any(Number),
        unreadNotifications: 3,
        total: expect.any(Number),
      });
    const counted = await countedBadge(minji);
    expect(counted.unreadChats).toBeGreaterThanOrEqual(3);
    expect(await badgeOf(minji)).toEqual(counted);
    expect(await badgeOf(seojun)).toEqual({ unreadChats: 1, unreadNotifications: 1, total: 2 });
  });

  it("marks one read, seen on the user's other device; refuses another user's id; then marks the rest", async () => {
    // minji's second session, as her tablet would be signed in.
    const tablet = await signedInUser(minji.phone);
    users.push(tablet);
    const updates = await tablet.subscribe('Notification', 'onUpdate');
    const seojunUpdates = await seojun.subscribe('Notification', 'onUpdate');
    const before = await badgeOf(minji);
    const [first, second, third] = minjiReminders;

    const one = await minji.mutation<Badge>('markNotificationsRead', { ids: [first!.id] });
    expect(one.errors, JSON.stringify(one.errors)).toBeUndefined();
    expect(one.data).toEqual({
      unreadChats: before.unreadChats,
      unreadNotifications: before.unreadNotifications - 1,
      total: before.total - 1,
    });
    await expect
      .poll(() => (updates as Notification[]).find((n) => n.id === first!.id)?.readAt ?? null, {
        timeout: 10_000,
      })
      .toEqual(expect.any(String));
    expect(await badgeOf(minji)).toEqual(one.data);
    // The same number reaches minji's phones as a silent badge update.
    const badgePushes = async (badge: number) =>
      (await captures()).filter(
        (push) =>
          push.data?.type === 'badge' && !push.data?.conversationId && push.data?.badge === String(badge),
      );
    await expect
      .poll(async () => tokensOf(await badgePushes(one.data.total)), { timeout: 30_000 })
      .toEqual([tokens.minjiPhone, tokens.minjiTablet].sort());
    for (const push of await badgePushes(one.data.total)) {
      expect(push.title ?? null).toBeNull();
      expect(push.body ?? null).toBeNull();
    }

    // seojun's id, alone or beside one of minji's own: refused whole, nothing marked.
    for (const ids of [[seojunReminder.id], [second!.id, seojunReminder.id]]) {
      const refused = await minji.mutation<Badge>('markNotificationsRead', { ids });
      expect(refused.data ?? null).toBeNull();
      expect(refused.errors?.[0]?.message).toMatch(/^NOTIFICATION_NOT_FOUND: /);
    }
    expect(
      (await notificationsOf(seojun)).find((n) => n.id === seojunReminder.id)?.readAt ?? null,
    ).toBeNull();
    expect(await badgeOf(seojun)).toEqual({ unreadChats: 1, unreadNotifications: 1, total: 2 });
    expect(await badgeOf(minji)).toEqual(one.data);

    // The rest, at once.
    const rest = await minji.mutation<Badge>('markNotificationsRead', { all: true });
    expect(rest.errors, JSON.stringify(rest.errors)).toBeUndefined();
    expect(rest.data).toEqual({
      unreadChats: before.unreadChats,
      unreadNotifications: 0,
      total: before.unreadChats,
    });
    await expect
      .poll(
        () =>
          [second!.id, third!.id].map(
            (id) => (updates as Notification[]).find((n) => n.id === id)?.readAt ?? null,
          ),
        { timeout: 10_000 },
      )
      .toEqual([expect.any(String), expect.any(String)]);
    expect((await notificationsOf(minji)).every((n) => n.readAt)).toBe(true);
    await expect
      .poll(async () => tokensOf(await badgePushes(rest.data.total)), { timeout: 30_000 })
      .toEqual([tokens.minjiPhone, tokens.minjiTablet].sort());
    // Nothing to mark: the same badge, and no push.
    const none = await minji.mutation<Badge>('markNotificationsRead', { all: true });
    expect(none.errors, JSON.stringify(none.errors)).toBeUndefined();
    expect(none.data).toEqual(rest.data);
    await sleep(2000);
    expect(tokensOf(await badgePushes(rest.data.total))).toEqual(
      [tokens.minjiPhone, tokens.minjiTablet].sort(),
    );

    // Reading a conversation lowers the badge by its unread messages.
    const member = (await memberships(minji)).find((m) => m.conversationId === conversations.minji[0]!.id)!;
    await minji.mutation('markRead', { conversationId: conversations.minji[0]!.id });
    await expect
      .poll(() => badgeOf(minji), { timeout: 30_000 })
      .toEqual({
        unreadChats: before.unreadChats - member.unreadCount,
        unreadNotifications: 0,
        total: before.unreadChats - member.unreadCount,
      });
    expect(seojunUpdates).toEqual([]);
  });
});
