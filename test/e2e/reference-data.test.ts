import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createSampleData } from '../../local/legacy/sample-data';
import { seedSandbox, seedTargetsFrom } from '../../local/seed';
import { type AppUser, inbox, signedInUser } from './app-user';
import {
  type CapturedPush,
  type Conversation,
  eventually,
  invoke,
  legacyCalls,
  type Message,
  messagesOf,
  notificationsOf,
  ok,
  putReference,
  refused,
  type User,
} from './e2e-support';

// Reference data and what uses it, on the local sandbox: data-sync copies complexes, listings and
// brokers from the Legacy stand-in; broker-matching gives a listing inquiry a broker (or keeps it
// waiting until the next sync brings one); the crawler saves 실거래 through the Legacy API once.

type Listing = { id: string; complexId: string; regionCode: string; status: string; priceWon: number };
type BrokerProfile = { id: string; userId: string | null; active: boolean; regionCodes: string[] };

const users: AppUser[] = [];
let buyer: User;
const run = Date.now().toString(36);
/** A 법정동 of 강동구: no sample broker works there. */
const REGION = '1174010900';
const complexId = `CPX-E2E-${run}`;
const listingId = `LST-E2E-${run}`;

beforeAll(async () => {
  await seedSandbox(seedTargetsFrom(inject('outputsPath')));
  buyer = await signedInUser();
  users.push(buyer);
});

afterAll(() => {
  for (const user of users) user.close();
});

const sync = (event: object = {}) => invoke<unknown>('data-sync', event);

describe('data-sync', () => {
  it('copies the complexes, listings and brokers, without the removed ones', async () => {
    await sync();
    const sample = createSampleData(Date.now());
    const listing = sample.listings.find((item) => !item.deleted)!;
    expect(ok(await buyer.model<Listing>('Listing', 'get', { id: listing.id }))).toMatchObject({
      id: listing.id,
      complexId: listing.complexId,
      regionCode: listing.regionCode,
      status: listing.status,
    });
    const removed = sample.listings.find((item) => item.deleted)!;
    expect(ok(await buyer.model<Listing | null>('Listing', 'get', { id: removed.id }))).toBeNull();
    const complexes = ok(
      await buyer.model<{ id: string; jibun: string }[]>('Complex', 'listComplexesByLawdCode', {
        lawdCode: '11680',
      }),
    );
    expect(complexes.map((complex) => complex.id)).toContain('CPX-1001');
    const gone = sample.brokers.find((broker) => broker.deleted)!;
    expect(ok(await buyer.model<BrokerProfile | null>('BrokerProfile', 'get', { id: gone.id }))).toBeNull();
    const active = sample.brokers.find((broker) => broker.active && !broker.deleted)!;
    expect(ok(await buyer.model<BrokerProfile>('BrokerProfile', 'get', { id: active.id }))).toMatchObject({
      active: true,
      regionCodes: active.regionCodes,
    });
  });

  it('picks up a change on the legacy side at the next run', async () => {
    await putReference('complexes', complexId, {
      name: '명일e2e',
      regionCode: REGION,
      jibun: '1',
      dong: '명일동',
    });
    await putReference('listings', listingId, { complexId, priceWon: 900_000_000 });
    await sync();
    expect(ok(await buyer.model<Listing>('Listing', 'get', { id: listingId }))).toMatchObject({
      complexId,
      regionCode: REGION,
      status: 'ACTIVE',
      priceWon: 900_000_000,
    });
  });
});

describe('broker matching', () => {
  let waiting: Conversation;
  let question: string;
  const brokers = {} as Record<'first' | 'second', User & { brokerId: string }>;

  async function inquire(user: User): Promise<Conversation> {
    return ok(await user.mutation<Conversation>('startConversation', { kind: 'LISTING_INQUIRY', listingId }));
  }

  it('keeps an inquiry waiting, and says so, when no broker covers the region', async () => {
    waiting = await inquire(buyer);
    expect(waiting).toMatchObject({ status: 'WAITING_FOR_BROKER', brokerId: null, memberIds: [buyer.sub] });
    question = ok(
      await buyer.mutation<{ id: string }>('sendMessage', {
        conversationId: waiting.id,
        kind: 'TEXT',
        body: '이 매물 아직 있나요?',
        clientMessageId: randomUUID(),
      }),
    ).id;
    const note = await eventually('the waiting note', async () =>
      (await messagesOf(buyer, waiting.id)).find((message) =>
        /배정 가능한 중개사가 없어요/.test(message.body ?? ''),
      ),
    );
    expect(note.kind).toBe('SYSTEM');
    const asked = ok(await buyer.mutation<Conversation>('requestBroker', { conversationId: waiting.id }));
    expect(asked.status).toBe('WAITING_FOR_BROKER');
  });

  it('refuses requestBroker to someone who is not a member', async () => {
    const stranger = await signedInUser();
    users.push(stranger);
    refused(
      await stranger.mutation('requestBroker', { conversationId: waiting.id }),
      /찾을 수 없|not found/i,
    );
  });

  it('assigns the broker the next sync brings: the broker joins, reads the question and is notified', async () => {
    for (const name of ['first', 'second'] as const) {
      const user = await signedInUser();
      users.push(user);
      brokers[name] = Object.assign(user, { brokerId: `BRK-E2E-${run}-${name === 'first' ? 'A' : 'B'}` });
    }
    for (const name of ['first', 'second'] as const) {
      await putReference('brokers', brokers[name].brokerId, {
        name: name === 'first' ? '일번' : '이번',
        officeName: '명일공인중개사사무소',
        regionCodes: ['11740'],
        userId: brokers[name].sub,
      });
    }
    // Phones, to see the pushes: the broker's for the notification, the buyer's for the joined message.
    const phones = {
      broker: `fcm-e2e-match-broker-${randomUUID()}-${'x'.repeat(100)}`,
      buyer: `fcm-e2e-match-buyer-${randomUUID()}-${'x'.repeat(100)}`,
    };
    ok(await brokers.first.mutation('registerDevice', { platform: 'GCM', token: phones.broker }));
    ok(await buyer.mutation('registerDevice', { platform: 'GCM', token: phones.buyer }));
    await sync({ feeds: ['brokers'] });

    const matched = await eventually('the inquiry to get a broker', async () => {
      const conversation = ok(await buyer.model<Conversation>('Conversation', 'get', { id: waiting.id }));
      return conversation.status === 'OPEN' ? conversation : undefined;
    });
    // Both are free and never assigned: the tie goes to the lower id.
    expect(matched).toMatchObject({ brokerId: brokers.first.brokerId });
    expect(matched.memberIds.sort()).toEqual([buyer.sub, brokers.first.sub].sort());

    // The history is shared with the broker one message after another: wait for the whole of it.
    const joined = (message: Message) =>
      message.kind === 'SYSTEM' && /일번 중개사님이 대화에 참여/.test(message.body ?? '');
    const seenByBroker = await eventually('the broker to read the history', async () => {
      const messages = await messagesOf(brokers.first, waiting.id);
      return messages.some((message) => message.id === question) && messages.some(joined)
        ? messages
        : undefined;
    });
    expect(seenByBroker.map((message) => message.id)).toContain(question);
    expect(seenByBroker.filter(joined)).toHaveLength(1);
    const notified = await eventually('the BROKER_ASSIGNED notification', async () =>
      (await notificationsOf(brokers.first)).find((row) => row.type === 'BROKER_ASSIGNED'),
    );
    expect(notified.deepLink).toBe(`bootalk://chat/${waiting.id}`);
    const pushedTo = (token: string) =>
      eventually(`a push to ${token.slice(0, 20)}`, async () =>
        (await inbox<CapturedPush[]>('/api/push?limit=1000')).find((push) => push.token === token),
      );
    expect((await pushedTo(phones.broker)).title).toBe('새 매물 문의가 배정되었습니다');
    expect((await pushedTo(phones.buyer)).body).toMatch(/중개사님이 대화에 참여했습니다/);
  });

  it('gives the next inquiries to the broker with fewer open conversations, then round-robin', async () => {
    const assignedTo = async (user: User) => {
      const conversation = await inquire(user);
      return eventually('a broker', async () => {
        const row = ok(await user.model<Conversation>('Conversation', 'get', { id: conversation.id }));
        return row.status === 'OPEN' ? row.brokerId : undefined;
      });
    };
    const second = await signedInUser();
    const third = await signedInUser();
    users.push(second, third);
    // first has 1 open, second 0 → second; then 1 each → the least recently assigned: first.
    expect(await assignedTo(second)).toBe(brokers.second.brokerId);
    expect(await assignedTo(third)).toBe(brokers.first.brokerId);
  });
});

describe('real-transaction-update (the 실거래 crawler)', () => {
  type CrawlReport = {
    queued: number;
    sent: number;
    cancelled: number;
    bad: { total: number; byReason: Record<string, number> };
  };

  it('saves the month’s 실거래 through the Legacy API with valid service tokens, counting bad rows', async () => {
    await sync({ feeds: ['complexes'] });
    const startedAt = new Date().toISOString();
    const report = await invoke<CrawlReport>('real-transaction-update');
    // The crawler queues its saves on legacy-relay (docs/events.md, "Commands"); the relay delivers them.
    expect(report.queued).toBeGreaterThan(0);
    expect(report.cancelled).toBeGreaterThan(0);
    expect(report.bad.total).toBeGreaterThan(0);
    expect(report.bad.total % 3).toBe(0);

    const saves = await eventually('the queued saves at the Legacy API', async () => {
      const delivered = (await legacyCalls(startedAt)).filter(
        (call) => call.method === 'POST' && call.path === '/v1/real-transactions' && call.status < 300,
      );
      const rows = delivered.flatMap((save) => save.body as unknown[]).length;
      return rows >= report.queued ? delivered : undefined;
    });
    for (const save of saves) {
      // The token's subject is the Lambda name of the relay that delivers for every function.
      expect(save).toMatchObject({
        status: 201,
        authorized: true,
        subject: expect.stringMatching(/legacyeventrelay/i),
      });
    }
    const rows = saves.flatMap(
      (save) => save.body as { complexId: string | null; complexName: string; priceWon: number }[],
    );
    // What alert-real-transaction needs: the complex each trade belongs to.
    expect(rows.find((row) => row.complexName === '은마')?.complexId).toBe('CPX-1001');
    expect(rows.every((row) => Number.isInteger(row.priceWon) && row.priceWon % 10_000 === 0)).toBe(true);
  });

  it('saves nothing new on a second run', async () => {
    const startedAt = new Date().toISOString();
    const report = await invoke<CrawlReport>('real-transaction-update');
    expect(report).toMatchObject({ queued: 0, sent: 0 });
    const calls = await legacyCalls(startedAt);
    expect(calls.filter((call) => call.path.startsWith('/v1/public-data/')).length).toBeGreaterThan(0);
    expect(calls.filter((call) => call.path === '/v1/real-transactions')).toEqual([]);
  });
});
