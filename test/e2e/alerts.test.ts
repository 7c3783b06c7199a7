import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { GetQueueUrlCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createServiceTokenProvider } from '../../amplify/functions/shared/service-token';
import { createSampleData } from '../../local/legacy/sample-data';
import { SEED_USERS, seedSandbox, seedTargetsFrom } from '../../local/seed';
import { type AppUser, inbox, signedInUser } from './app-user';
import { type CapturedPush, invoke, ok, putReference, refused, sleep, type User } from './e2e-support';

// Alerts and the other notification producers on the local sandbox, with the real client:
// alert-subscription's validated CRUD, an alert-real-transaction run against the Legacy
// stand-in (notification, push, nothing for the unsubscribed, nothing twice), notice-broadcast
// fed through the sandbox's SQS endpoint, and chat-reminder's sweep.

type Subscription = {
  id: string;
  userId: string;
  kind: string;
  target: string;
  thresholdWon: number | null;
  label: string | null;
};
type Notification = {
  id: string;
  userId: string;
  type: string;
  title: string;
  body: string;
  deepLink: string | null;
  subjectId: string | null;
  createdAt: string;
  readAt: string | null;
};
type LegacyCall = {
  method: string;
  path: string;
  query: string;
  status: number;
  authorized: boolean;
  subject?: string;
};
type AlertRunSummary = {
  kind: string;
  status: string;
  resumed: boolean;
  since: string;
  targets: number;
  items: number;
  created: number;
  alreadyTold: number;
};
type SweepSummary = { outcome: string; reminded: number; existing: number; muted: number };
type Queue = { name: string; visible: number; inFlight: number; delayed: number };
type Member = { unreadCount: number; muted: boolean | null };
type Conversation = { id: string };

const HOUR_MS = 3_600_000;
const users: AppUser[] = [];
/** Subscriptions: CRUD and the limit; later a fresh user for a notice to everyone. */
let owner: User;
/** Someone else: may not touch the owner's alerts; later the buyer who writes to the broker. */
let other: User;
/** Follows this file's own 은마 (`complexes.followed`). */
let subscriber: User;
/** Follows this file's own complex with nothing new (`complexes.quiet`). */
let bystander: User;
/** SEED_USERS[3]: role BROKER, the first sample broker's account. */
let broker: User;
let brokerId: string;
let outputs: { custom: { localSandbox: { legacyApiUrl: string; awsEndpointUrl: string } } };

// This file's own complexes, in a 시군구 (종로구) no sandbox crawler run covers: no other file's
// trades can land in them, whatever ran before.
const run = randomUUID().slice(0, 8).toUpperCase();
const complexes = { followed: `CPX-E2E-RTX-${run}-A`, quiet: `CPX-E2E-RTX-${run}-B` };
const jibun = `${parseInt(run, 16) % 900}-e2e`;

const tokenFor = (who: string) => `fcm-e2e-alerts-${who}-${randomUUID()}-${'x'.repeat(100)}`;
const tokens = { subscriber: tokenFor('subscriber'), bystander: tokenFor('bystander') };

const add = (user: User, args: Record<string, unknown>) =>
  user.mutation<Subscription | null>('addAlertSubscription', args);

async function subscriptionsOf(user: User): Promise<Subscription[]> {
  const list = await user.model<Subscription[]>('AlertSubscription', 'listAlertSubscriptionsByUser', {
    userId: user.sub,
  });
  return ok(list);
}

/** All of the user's inbox, every page. */
async function notificationsOf(user: User): Promise<Notification[]> {
  const all: Notification[] = [];
  let nextToken: string | null | undefined;
  do {
    const page = await user.model<Notification[]>(
      'Notification',
      'listNotificationsByUser',
      { userId: user.sub },
      { limit: 1000, ...(nextToken ? { nextToken } : {}) },
    );
    all.push(...ok(page));
    nextToken = page.nextToken;
  } while (nextToken);
  return all;
}

const notificationsAbout = async (user: User, type: string, subjectId?: string) =>
  (await notificationsOf(user)).filter(
    (row) => row.type === type && (subjectId === undefined || row.subjectId === subjectId),
  );

const pushesTo = async (token: string) =>
  (await inbox<CapturedPush[]>('/api/push?limit=1000')).filter((push) => push.token === token);

beforeAll(async () => {
  await seedSandbox(seedTargetsFrom(inject('outputsPath')));
  outputs = JSON.parse(readFileSync(inject('outputsPath'), 'utf8'));
  brokerId = createSampleData(Date.now()).brokers.filter((b) => !b.deleted)[0]!.id;
  owner = await signedInUser();
  other = await signedInUser();
  subscriber = await signedInUser();
  bystander = await signedInUser();
  broker = await signedInUser(SEED_USERS[3].phone);
  users.push(owner, other, subscriber, bystander, broker);
});

afterAll(() => {
  for (const user of users) user.close();
});

describe('alert subscriptions', () => {
  let lowest: Subscription;

  it('creates an alert for its owner, and the same add again is the same alert', async () => {
    const args = {
      kind: 'LOWEST_PRICE',
      target: ' CPX-1002 ',
      thresholdWon: 2_500_000_000,
      label: '대치 84',
    };
    lowest = ok(await add(owner, args)) as Subscription;
    expect(lowest).toMatchObject({
      userId: owner.sub,
      kind: 'LOWEST_PRICE',
      target: 'CPX-1002',
      thresholdWon: 2_500_000_000,
      label: '대치 84',
    });
    const again = ok(await add(owner, args)) as Subscription;
    expect(again.id).toBe(lowest.id);
    // A whole-시군구 법정동 code is the 시군구: the same alert as 11680.
    const presale = ok(await add(owner, { kind: 'PRESALE', target: '1168000000' })) as Subscription;
    expect(presale).toMatchObject({ kind: 'PRESALE', target: '11680', thresholdWon: null });
    expect(ok(await add(owner, { kind: 'PRESALE', target: '11680' }))?.id).toBe(presale.id);

    const mine = await subscriptionsOf(owner);
    expect(mine.map((row) => row.id).sort()).toEqual([lowest.id, presale.id].sort());
    // The same alert with other settings is an edit, not a second add.
    refused(await add(owner, { ...args, thresholdWon: 2_400_000_000 }), /ALERT_ALREADY_SUBSCRIBED/);
  });

  it('refuses what is not an alert: kind, target, threshold, label', async () => {
    // Not a value of the AlertKind enum: GraphQL refuses it before any function runs.
    const unknownKind = await add(owner, { kind: 'RENT_PRICE', target: 'CPX-1001' });
    expect(unknownKind.data ?? null).toBeNull();
    expect(unknownKind.errors?.[0]?.message).toMatch(/"RENT_PRICE" does not exist in "AlertKind" enum/);

    refused(
      await add(owner, { kind: 'REAL_TRANSACTION', target: 'CPX 1001, CPX-1002' }),
      /INVALID_ALERT_TARGET/,
    );
    refused(await add(owner, { kind: 'REAL_TRANSACTION', target: '   ' }), /INVALID_ALERT_TARGET/);
    // 11000 is all of Seoul: too broad; 1168 is no code at all.
    refused(await add(owner, { kind: 'PRESALE', target: '11000' }), /INVALID_ALERT_TARGET/);
    refused(await add(owner, { kind: 'PRESALE', target: '1168' }), /INVALID_ALERT_TARGET/);
    refused(await add(owner, { kind: 'LOWEST_PRICE', target: 'CPX-1003' }), /THRESHOLD_REQUIRED/);
    refused(
      await add(owner, { kind: 'LOWEST_PRICE', target: 'CPX-1003', thresholdWon: -1_000_000 }),
      /INVALID_THRESHOLD/,
    );
    refused(
      await add(owner, { kind: 'LOWEST_PRICE', target: 'CPX-1003', thresholdWon: 0 }),
      /INVALID_THRESHOLD/,
    );
    refused(
      await add(owner, { kind: 'LOWEST_PRICE', target: 'CPX-1003', thresholdWon: 1_500_000_000.5 }),
      /INVALID_THRESHOLD/,
    );
    refused(
      await add(owner, { kind: 'PRESALE', target: '11650', thresholdWon: 1_000_000_000 }),
      /THRESHOLD_NOT_ALLOWED/,
    );
    refused(
      await add(owner, { kind: 'REAL_TRANSACTION', target: 'CPX-1003', label: '가'.repeat(51) }),
      /LABEL_TOO_LONG/,
    );
    // Nothing of that was saved.
    expect(await subscriptionsOf(owner)).toHaveLength(2);
  });

  it('lets the owner edit the threshold and label, with the same rules', async () => {
    const edited = ok(
      await owner.mutation<Subscription>('editAlertSubscription', {
        id: lowest.id,
        thresholdWon: 2_300_000_000,
        label: '  래미안대치팰리스 84  ',
      }),
    );
    expect(edited).toMatchObject({
      id: lowest.id,
      kind: 'LOWEST_PRICE',
      target: 'CPX-1002',
      thresholdWon: 2_300_000_000,
      label: '래미안대치팰리스 84',
    });
    // A LOWEST_PRICE alert can't lose its threshold; a label can be cleared.
    refused(
      await owner.mutation('editAlertSubscription', { id: lowest.id, thresholdWon: null }),
      /THRESHOLD_REQUIRED/,
    );
    refused(
      await owner.mutation('editAlertSubscription', { id: lowest.id, thresholdWon: -5 }),
      /INVALID_THRESHOLD/,
    );
    const cleared = ok(
      await owner.mutation<Subscription>('editAlertSubscription', { id: lowest.id, label: null }),
    );
    expect(cleared).toMatchObject({ thresholdWon: 2_300_000_000, label: null });
    const stored = ok(await owner.model<Subscription>('AlertSubscription', 'get', { id: lowest.id }));
    expect(stored).toMatchObject({ thresholdWon: 2_300_000_000, label: null });
  });

  it("does not let anyone else read, edit or remove someone's alert, nor write one directly", async () => {
    const read = await other.model<Subscription | null>('AlertSubscription', 'get', { id: lowest.id });
    expect(read.data ?? null).toBeNull();
    const listed = await other.model<Subscription[]>('AlertSubscription', 'listAlertSubscriptionsByUser', {
      userId: owner.sub,
    });
    expect(listed.data ?? []).toEqual([]);
    refused(
      await other.mutation('editAlertSubscription', { id: lowest.id, thresholdWon: 1 }),
      /ALERT_SUBSCRIPTION_NOT_FOUND/,
    );
    refused(
      await other.mutation('removeAlertSubscription', { id: lowest.id }),
      /ALERT_SUBSCRIPTION_NOT_FOUND/,
    );

    // Only alert-subscription writes the table: the model's create is not the client's.
    const direct = await other.model<Subscription | null>('AlertSubscription', 'create', {
      userId: other.sub,
      kind: 'LOWEST_PRICE',
      target: 'CPX-1001',
      thresholdWon: -1,
    });
    expect(direct.data ?? null).toBeNull();
    expect(direct.errors).toEqual([expect.objectContaining({ errorType: 'Unauthorized' })]);
    expect(await subscriptionsOf(other)).toEqual([]);

    // The owner's alert is as it was.
    const stored = ok(await owner.model<Subscription>('AlertSubscription', 'get', { id: lowest.id }));
    expect(stored).toMatchObject({ userId: owner.sub, thresholdWon: 2_300_000_000 });
  });

  it('lets the owner remove it; it is gone, and removing it again is not found', async () => {
    const removed = ok(await owner.mutation<Subscription>('removeAlertSubscription', { id: lowest.id }));
    expect(removed.id).toBe(lowest.id);
    const read = await owner.model<Subscription | null>('AlertSubscription', 'get', { id: lowest.id });
    expect(read.data ?? null).toBeNull();
    refused(
      await owner.mutation('removeAlertSubscription', { id: lowest.id }),
      /ALERT_SUBSCRIPTION_NOT_FOUND/,
    );
    refused(
      await owner.mutation('editAlertSubscription', { id: lowest.id, thresholdWon: 1_000_000_000 }),
      /ALERT_SUBSCRIPTION_NOT_FOUND/,
    );
    expect(await subscriptionsOf(owner)).toHaveLength(1);
  });

  it('keeps a user at 30 alerts', async () => {
    // One PRESALE alert is left; 29 LOWEST_PRICE alerts make 30.
    const targets = Array.from({ length: 29 }, (_, n) => `CPX-E2E-${String(n + 1).padStart(2, '0')}`);
    for (let start = 0; start < targets.length; start += 6) {
      const added = await Promise.all(
        targets
          .slice(start, start + 6)
          .map((target) => add(owner, { kind: 'LOWEST_PRICE', target, thresholdWon: 1_000_000_000 })),
      );
      for (const result of added) ok(result);
    }
    expect(await subscriptionsOf(owner)).toHaveLength(30);
    refused(
      await add(owner, { kind: 'LOWEST_PRICE', target: 'CPX-E2E-31', thresholdWon: 1_000_000_000 }),
      /TOO_MANY_ALERT_SUBSCRIPTIONS/,
    );
    // One the user has already is still answered, not counted again.
    ok(await add(owner, { kind: 'LOWEST_PRICE', target: 'CPX-E2E-01', thresholdWon: 1_000_000_000 }));
    expect(await subscriptionsOf(owner)).toHaveLength(30);
    // Removing one makes room for another.
    const first = (await subscriptionsOf(owner)).find((row) => row.target === 'CPX-E2E-01')!;
    ok(await owner.mutation('removeAlertSubscription', { id: first.id }));
    ok(await add(owner, { kind: 'LOWEST_PRICE', target: 'CPX-E2E-31', thresholdWon: 1_000_000_000 }));
    expect(await subscriptionsOf(owner)).toHaveLength(30);
  });
});

describe('an alert run (alert-real-transaction)', () => {
  /** A 실거래 registered now, through the crawler's endpoint: new whatever runs came before. */
  let fresh: { id: string; contractDate: string };
  let first: AlertRunSummary;
  let told: Notification[];

  /** A service token as the crawler would send (the sandbox's own local key). */
  async function legacy<T>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }> {
    const secrets = JSON.parse(
      readFileSync(resolve(import.meta.dirname, '../../.amplify/sandbox/secrets.json'), 'utf8'),
    ) as Record<string, string>;
    const token = await createServiceTokenProvider({
      key: secrets.SERVICE_TOKEN_KEY!,
      kid: secrets.SERVICE_TOKEN_KID!,
      issuer: 'bootalk-amplify',
      audience: 'bootalk-legacy-api',
      subject: 'e2e-alerts',
    }).token();
    const response = await fetch(`${outputs.custom.localSandbox.legacyApiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as T };
  }

  beforeAll(async () => {
    for (const [user, token] of [
      [subscriber, tokens.subscriber],
      [bystander, tokens.bystander],
    ] as const) {
      ok(
        await user.mutation('registerDevice', {
          platform: 'GCM',
          token,
          appVersion: '3.2.0',
          locale: 'ko-KR',
        }),
      );
    }
    // The first Notification rows of the sandbox are written below.
    for (const [id, name, lot] of [
      [complexes.followed, '은마', jibun],
      [complexes.quiet, '은마', `${jibun}-2`],
    ]) {
      await putReference('complexes', id!, { name, regionCode: '1111010100', dong: '청진동', jibun: lot });
    }
    ok(await add(subscriber, { kind: 'REAL_TRANSACTION', target: complexes.followed, label: '은마' }));
    ok(await add(bystander, { kind: 'REAL_TRANSACTION', target: complexes.quiet }));

    // 은마 84㎡: a price no other row has, so the trade is new to the stand-in.
    const priceWon = 2_635_000_000;
    // Ten days ago, in Korea: the trade is reported within the 30 days the law allows.
    const contractDate = new Date(Date.now() + 9 * HOUR_MS - 10 * 24 * HOUR_MS).toISOString().slice(0, 10);
    const before = new Date(Date.now() - 1000).toISOString();
    const saved = await legacy<{ saved: number }>('POST', '/v1/real-transactions', [
      {
        lawdCode: '11110',
        complexName: '은마',
        jibun,
        priceWon,
        exclusiveAreaM2: 84.43,
        floor: 11,
        contractDate,
      },
    ]);
    expect(saved).toMatchObject({ status: 201, body: { saved: 1 } });
    const feed = await legacy<{ items: { id: string; complexId: string; priceWon: number }[] }>(
      'GET',
      `/v1/alerts/real-transactions?complexIds=${complexes.followed}&since=${encodeURIComponent(before)}`,
    );
    // Matched to 은마 by 시군구, name and 지번.
    const row = feed.body.items.find((item) => item.id.startsWith('RTX-S-') && item.priceWon === priceWon);
    expect(row).toMatchObject({ complexId: complexes.followed });
    fresh = { id: row!.id, contractDate };
  });

  it("tells the subscriber about what is new in their complex: inbox and the subscriber's device", async () => {
    first = await invoke<AlertRunSummary>('alert-real-transaction');
    expect(first).toMatchObject({ kind: 'REAL_TRANSACTION', status: 'completed', resumed: false });
    expect(first.created).toBeGreaterThanOrEqual(1);
    // The complex is this file's own: the fresh trade is all there is, whatever ran before.
    const expected = [fresh.id];

    await expect
      .poll(
        async () =>
          (await notificationsAbout(subscriber, 'REAL_TRANSACTION')).map((row) => row.subjectId).sort(),
        { timeout: 30_000 },
      )
      .toEqual(expected);
    told = await notificationsAbout(subscriber, 'REAL_TRANSACTION');
    const news = told.find((row) => row.subjectId === fresh.id)!;
    const [, month, day] = fresh.contractDate.split('-').map(Number);
    expect(news).toMatchObject({
      userId: subscriber.sub,
      title: '은마 84㎡ 26억 3,500만원 실거래',
      body: `11층 · ${month}월 ${day}일 계약된 거래가 등록됐어요.`,
      deepLink: `bootalk://complex/${complexes.followed}/real-transactions/${fresh.id}`,
      readAt: null,
    });

    // notification-fanout → push queue → push-sender: one push per notification on the device.
    await expect
      .poll(async () => (await pushesTo(tokens.subscriber)).length, { timeout: 30_000 })
      .toBe(expected.length);
    const pushes = await pushesTo(tokens.subscriber);
    const push = pushes.find((p) => p.data?.notificationId === news.id);
    expect(push).toMatchObject({
      title: news.title,
      body: news.body,
      data: {
        type: 'notification',
        notificationType: 'REAL_TRANSACTION',
        deepLink: news.deepLink,
        advertising: 'false',
      },
    });
    expect(push!.badge).toBeGreaterThanOrEqual(1);
    expect(pushes.map((p) => p.data?.notificationId).sort()).toEqual(told.map((row) => row.id).sort());
  });

  it('tells a subscriber of a complex with nothing new nothing at all', async () => {
    await sleep(2000);
    expect(await notificationsAbout(bystander, 'REAL_TRANSACTION')).toEqual([]);
    expect(await pushesTo(tokens.bystander)).toEqual([]);
  });

  it('asked the Legacy API once per chunk of targets, with a valid service token', async () => {
    const calls = (await inbox<LegacyCall[]>('/api/legacy-calls?limit=1000')).filter(
      (call) => call.path === '/v1/alerts/real-transactions' && call.subject !== 'e2e-alerts',
    );
    const since = new Date(Date.parse(first.since) - 10 * 60 * 1000).toISOString();
    const ours = calls.filter((call) => new URLSearchParams(call.query).get('since') === since);
    expect(ours, JSON.stringify(calls)).toHaveLength(1);
    // The token names the function that called.
    expect(ours[0]).toMatchObject({
      method: 'GET',
      status: 200,
      authorized: true,
      subject: expect.stringMatching(/alert-?real-?transaction/i),
    });
    const complexIds = new URLSearchParams(ours[0]!.query).get('complexIds')!.split(',');
    expect(complexIds).toEqual(expect.arrayContaining([complexes.followed, complexes.quiet]));
    // One target each, however many subscribe to it.
    expect(new Set(complexIds).size).toBe(complexIds.length);
  });

  it('tells no one twice: a second run finds the same trade and adds nothing', async () => {
    const pushesBefore = await pushesTo(tokens.subscriber);
    const second = await invoke<AlertRunSummary>('alert-real-transaction');
    expect(second).toMatchObject({ status: 'completed', created: 0 });
    // The watermark is the first run's start, less the overlap: the fresh trade is in the window again.
    expect(Date.parse(second.since)).toBeGreaterThan(Date.parse(first.since));
    expect(second.alreadyTold).toBeGreaterThanOrEqual(1);
    await sleep(3000);
    expect(await notificationsAbout(subscriber, 'REAL_TRANSACTION')).toEqual(told);
    expect(await pushesTo(tokens.subscriber)).toEqual(pushesBefore);
    expect(await notificationsAbout(bystander, 'REAL_TRANSACTION')).toEqual([]);
  });
});

describe('notices (notice-broadcast, fed through the SQS endpoint)', () => {
  let sqs: SQSClient;
  let queueUrl: string;
  let queueName: string;

  const notice = (noticeId: string, segment: unknown) => ({
    version: 1,
    noticeId,
    title: '서비스 점검 안내',
    body: '3월 15일 02:00–04:00 서비스 점검이 있습니다.',
    deepLink: `bootalk://notice/${noticeId}`,
    segment,
    publishedAt: new Date().toISOString().replace('Z', '+00:00'),
  });
  const send = (body: string) => sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
  const queue = async () => (await inbox<Queue[]>('/api/queues')).find((q) => q.name === queueName)!;
  const drained = () =>
    expect
      .poll(
        async () => {
          const q = await queue();
          return q.visible + q.inFlight + q.delayed;
        },
        { timeout: 30_000 },
      )
      .toBe(0);

  beforeAll(async () => {
    sqs = new SQSClient({
      endpoint: outputs.custom.localSandbox.awsEndpointUrl,
      region: 'ap-northeast-2',
      credentials: { accessKeyId: 'e2ealerts', secretAccessKey: 'local' },
    });
    const names = (await inbox<Queue[]>('/api/queues')).map((q) => q.name);
    const found = names.filter((name) => /notice$/i.test(name));
    expect(found, names.join(', ')).toHaveLength(1);
    queueName = found[0]!;
    queueUrl = (await sqs.send(new GetQueueUrlCommand({ QueueName: queueName }))).QueueUrl!;
  });

  afterAll(() => sqs?.destroy());

  it('reaches each broker once, however often it is queued, and no one else', async () => {
    const noticeId = `N-E2E-BROKER-${randomUUID()}`;
    const body = JSON.stringify(notice(noticeId, { roles: ['BROKER'] }));
    await send(body);
    await send(body);
    await expect
      .poll(async () => (await notificationsAbout(broker, 'NOTICE', noticeId)).length, { timeout: 30_000 })
      .toBe(1);
    await drained();
    await sleep(1000);
    const [row] = await notificationsAbout(broker, 'NOTICE', noticeId);
    expect(row).toMatchObject({
      userId: broker.sub,
      title: '서비스 점검 안내',
      body: '3월 15일 02:00–04:00 서비스 점검이 있습니다.',
      deepLink: `bootalk://notice/${noticeId}`,
      subjectId: noticeId,
    });
    expect(await notificationsAbout(broker, 'NOTICE', noticeId)).toHaveLength(1);
    // Buyers are not brokers.
    expect(await notificationsAbout(other, 'NOTICE', noticeId)).toEqual([]);
    expect(await notificationsAbout(subscriber, 'NOTICE', noticeId)).toEqual([]);
  });

  it('drops a message that is not a notice: nothing is created and it is not retried', async () => {
    const noticeId = `N-E2E-BAD-${randomUUID()}`;
    // A notice without a title or a valid publishedAt, and a body that is not JSON.
    await send(JSON.stringify({ ...notice(noticeId, 'ALL'), title: '', publishedAt: '어제' }));
    await send('{ "version": 1, "noticeId": ');
    // Deleted from the queue right away: a failure reported for retry would stay in flight for the
    // queue's visibility timeout (minutes), then come back.
    await drained();
    await sleep(2000);
    const q = await queue();
    expect(q.visible + q.inFlight + q.delayed).toBe(0);
    expect(await notificationsAbout(owner, 'NOTICE', noticeId)).toEqual([]);
    expect(await notificationsAbout(broker, 'NOTICE', noticeId)).toEqual([]);
  });

  it('reaches everyone once with a notice to ALL, a user who just signed up too', async () => {
    const noticeId = `N-E2E-ALL-${randomUUID()}`;
    const body = JSON.stringify(notice(noticeId, 'ALL'));
    await send(body);
    for (const user of [owner, other, broker]) {
      await expect
        .poll(async () => (await notificationsAbout(user, 'NOTICE', noticeId)).length, { timeout: 30_000 })
        .toBe(1);
    }
    await send(body);
    await drained();
    await sleep(1000);
    for (const user of [owner, other, subscriber, bystander, broker]) {
      expect(await notificationsAbout(user, 'NOTICE', noticeId)).toHaveLength(1);
    }
  });
});

describe('chat reminders (chat-reminder)', () => {
  /** The buyer writes to the broker in three new conversations. */
  const conversations = {} as Record<'left' | 'muted' | 'read', Conversation>;

  const memberOf = async (user: User, conversationId: string) =>
    ok(await user.model<Member>('ConversationMember', 'get', { conversationId, userId: user.sub }));
  const remindersAbout = (user: User, conversation: Conversation) =>
    notificationsAbout(user, 'CHAT_REMINDER', conversation.id);
  const kstDay = (instant: string) => new Date(Date.parse(instant) + 9 * HOUR_MS).toISOString().slice(0, 10);

  it('leaves a message unread in one conversation, muted in another, read in the third', async () => {
    const buyer = other;
    for (const name of ['left', 'muted', 'read'] as const) {
      const started = ok(
        await buyer.mutation<Conversation>('startConversation', {
          kind: 'LISTING_INQUIRY',
          brokerId,
          listingId: `LST-E2E-REMIND-${name}-${randomUUID()}`,
        }),
      );
      conversations[name] = started;
      ok(
        await buyer.mutation('sendMessage', {
          conversationId: started.id,
          kind: 'TEXT',
          body: '매물 아직 있나요? 연락 부탁드려요.',
          clientMessageId: `remind-${name}`,
        }),
      );
    }
    for (const conversation of Object.values(conversations)) {
      await expect
        .poll(async () => (await memberOf(broker, conversation.id)).unreadCount, { timeout: 30_000 })
        .toBe(1);
    }
    ok(await broker.mutation('muteConversation', { conversationId: conversations.muted.id, muted: true }));
    ok(await broker.mutation('markRead', { conversationId: conversations.read.id }));
    await expect
      .poll(async () => (await memberOf(broker, conversations.read.id)).unreadCount, { timeout: 30_000 })
      .toBe(0);
    expect((await memberOf(broker, conversations.muted.id)).muted).toBe(true);
  });

  it('reminds the recipient of an unread message once, and not its sender', async () => {
    const summary = await invoke<SweepSummary>('chat-reminder', { afterHours: 0 });
    expect(summary.outcome).toBe('finished');
    expect(summary.reminded).toBeGreaterThanOrEqual(1);
    expect(summary.muted).toBeGreaterThanOrEqual(1);
    await expect
      .poll(async () => (await remindersAbout(broker, conversations.left)).length, { timeout: 30_000 })
      .toBe(1);
    const [reminder] = await remindersAbout(broker, conversations.left);
    expect(reminder).toMatchObject({
      userId: broker.sub,
      title: '읽지 않은 채팅',
      body: '읽지 않은 메시지가 1개 있어요',
      deepLink: `bootalk://chat/${conversations.left.id}`,
      subjectId: conversations.left.id,
    });
    expect(await remindersAbout(other, conversations.left)).toEqual([]);

    // Run again (the evening schedule runs every 15 minutes): still the one reminder that day.
    const again = await invoke<SweepSummary>('chat-reminder', { afterHours: 0 });
    expect(again.outcome).toBe('finished');
    expect(again.existing).toBeGreaterThanOrEqual(1);
    await sleep(2000);
    const reminders = await remindersAbout(broker, conversations.left);
    const days = reminders.map((row) => kstDay(row.createdAt));
    // Only if the Korean day turned between the runs may a second day's reminder exist.
    expect(new Set(days).size).toBe(reminders.length);
    if (kstDay(reminder!.createdAt) === kstDay(new Date().toISOString()))
      expect(reminders).toEqual([reminder]);
    expect(await remindersAbout(other, conversations.left)).toEqual([]);
  });

  it('skips a conversation the recipient muted, and one they read', async () => {
    expect(await remindersAbout(broker, conversations.muted)).toEqual([]);
    expect(await remindersAbout(broker, conversations.read)).toEqual([]);
    expect(await remindersAbout(other, conversations.muted)).toEqual([]);
    expect(await remindersAbout(other, conversations.read)).toEqual([]);
  });
});
