import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { createSampleData } from '../../local/legacy/sample-data';
import { seedSandbox, seedTargetsFrom } from '../../local/seed';
import { inbox, signedInUser } from './app-user';
import {
  type Conversation,
  eventually,
  type LegacyCall,
  legacyCalls,
  ok,
  sleep,
  type User,
} from './e2e-support';

// Every Legacy API write is durable (docs/events.md, "Delivery guarantees"): a 60 s outage during
// chat and conversation creation loses nothing and delivers each fact once after recovery; a
// refusal (404) parks the event in legacy-relay-dlq with its reason and one Sentry error each, and
// `npm run redrive` delivers it once the Legacy API accepts it again.
// This file owns its data: its own buyer, conversations and listing ids, found by id.

type DeadLetter = { id: string; source: string; reason: string; body: unknown; at: string };
type CapturedError = { id: string; functionName?: string; tags?: Record<string, string> };

const OUTAGE_MS = 60_000;
// A message the relay failed comes back after legacy-relay's visibility timeout (180 s).
const REDELIVERY_MS = 180_000;
const run = randomUUID().slice(0, 8);

let buyer: User;
let brokerId: string;

const setFaults = (faults: object) =>
  inbox('/api/legacy/faults', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(faults),
  });
const clearFaults = () => inbox('/api/legacy/faults', { method: 'DELETE' });

const delivered = (call: LegacyCall & { idempotencyKey?: string; replayed?: boolean; fault?: boolean }) =>
  call.status >= 200 && call.status < 300 && !call.replayed && !call.fault;
const bodyOf = (call: LegacyCall) =>
  (call.body ?? {}) as {
    id?: string;
    type?: string;
    conversationId?: string;
    payload?: { conversationId?: string; kind?: string };
  };
/** The welcome message of a conversation, as its message.sent event. */
const isWelcomeOf = (call: LegacyCall, conversationId: string) =>
  bodyOf(call).type === 'message.sent' &&
  bodyOf(call).payload?.conversationId === conversationId &&
  bodyOf(call).payload?.kind === 'SYSTEM';

async function startInquiry(listingId: string): Promise<Conversation> {
  return ok(
    await buyer.mutation<Conversation>('startConversation', { kind: 'LISTING_INQUIRY', brokerId, listingId }),
  );
}

async function send(conversationId: string, body: string): Promise<string> {
  const sent = ok(
    await buyer.mutation<{ id: string }>('sendMessage', {
      conversationId,
      kind: 'TEXT',
      body,
      clientMessageId: randomUUID(),
    }),
  );
  return sent.id;
}

beforeAll(async () => {
  await seedSandbox(seedTargetsFrom(inject('outputsPath')));
  brokerId = createSampleData(Date.now()).brokers.filter((broker) => !broker.deleted)[0]!.id;
  buyer = await signedInUser();
});

afterEach(async () => {
  await clearFaults();
});

afterAll(() => buyer?.close());

describe('a Legacy API outage', () => {
  it('loses nothing: after 60 s of 503s every message, conversation and CRM record arrives exactly once', async () => {
    const since = new Date().toISOString();
    await setFaults({ status: 503 });
    const outageStarted = Date.now();

    const conversations = [
      await startInquiry(`LST-E2E-DURABLE-${run}-1`),
      await startInquiry(`LST-E2E-DURABLE-${run}-2`),
    ];
    const ids = new Set(conversations.map((conversation) => conversation.id));
    const messageIds: string[] = [];
    for (const conversation of conversations) {
      for (const text of ['주차 가능한가요?', '관리비는 얼마인가요?'])
        messageIds.push(await send(conversation.id, text));
    }
    const eventIds = [
      ...conversations.map((conversation) => `conversation.created:${conversation.id}`),
      ...messageIds.map((id) => `message.sent:${id}`),
    ];

    // The relay tried them during the outage and was refused.
    await eventually(
      "the outage refusing this test's events",
      async () => {
        const refused = (await legacyCalls(since)).filter((call) => call.status === 503);
        return refused.some((call) => eventIds.includes(bodyOf(call).id ?? '')) ? true : undefined;
      },
      OUTAGE_MS,
    );
    // The scenario's outage lasts 60 s, whatever the relay does meanwhile.
    await sleep(Math.max(0, OUTAGE_MS - (Date.now() - outageStarted)));
    await clearFaults();

    const arrived = await eventually(
      'every event and CRM record delivered after recovery',
      async () => {
        const calls = (await legacyCalls(since)).filter(delivered);
        const events = calls.filter((call) => call.path === '/v1/events');
        const crm = calls.filter(
          (call) => call.path === '/v1/crm/conversations' && ids.has(bodyOf(call).conversationId ?? ''),
        );
        const eventsIn = new Set(events.map((call) => bodyOf(call).id));
        const welcomes = conversations.every((conversation) =>
          events.some((call) => isWelcomeOf(call, conversation.id)),
        );
        return eventIds.every((id) => eventsIn.has(id)) && welcomes && crm.length >= conversations.length
          ? { events, crm }
          : undefined;
      },
      REDELIVERY_MS + 60_000,
    );

    // Exactly once, counted by Idempotency-Key at the stand-in: redeliveries were answered as duplicates.
    const keys = (calls: (LegacyCall & { idempotencyKey?: string })[]) =>
      calls.map((call) => call.idempotencyKey);
    const ours = arrived.events.filter((call) => eventIds.includes(bodyOf(call).id ?? ''));
    expect(keys(ours).sort()).toEqual([...eventIds].sort());
    for (const conversation of conversations) {
      expect(arrived.events.filter((call) => isWelcomeOf(call, conversation.id))).toHaveLength(1);
    }
    expect(new Set(keys(arrived.crm)).size).toBe(conversations.length);
    expect(arrived.crm.map((call) => bodyOf(call).conversationId).sort()).toEqual([...ids].sort());
    // Sent by the relay (its service token names the function), not by the stream consumer.
    expect(arrived.crm.every((call) => /legacy-?event-?relay/i.test(call.subject ?? ''))).toBe(true);
  }, 420_000);
});

describe('a Legacy API refusal', () => {
  /** The events the refusal parked, for the redrive below. */
  let parkedEventIds: string[] = [];
  it('parks each refused event in legacy-relay-dlq with its reason and reports it to Sentry once', async () => {
    const conversation = await startInquiry(`LST-E2E-DURABLE-${run}-404`);
    // The conversation's own facts (created, welcome, CRM) go through before the refusals start.
    await eventually('the conversation delivered', async () => {
      const calls = (await legacyCalls()).filter(delivered);
      const done =
        calls.some((call) => bodyOf(call).id === `conversation.created:${conversation.id}`) &&
        calls.some((call) => isWelcomeOf(call, conversation.id)) &&
        calls.some(
          (call) => call.path === '/v1/crm/conversations' && bodyOf(call).conversationId === conversation.id,
        );
      return done ? true : undefined;
    });
    const since = new Date().toISOString();
    await setFaults({ status: 404 });
    const messageIds = [
      await send(conversation.id, '방문 가능한 시간 알려주세요'),
      await send(conversation.id, '감사합니다'),
    ];
    const eventIds = messageIds.map((id) => `message.sent:${id}`);
    parkedEventIds = eventIds;

    const parked = await eventually('both refused events in the dead letters', async () => {
      const letters = (
        await inbox<DeadLetter[]>(`/api/dead-letters?since=${encodeURIComponent(since)}`)
      ).filter((letter) => eventIds.some((id) => JSON.stringify(letter.body).includes(id)));
      return letters.length >= eventIds.length ? letters : undefined;
    });
    expect(parked).toHaveLength(eventIds.length);
    for (const letter of parked) {
      expect(letter.source).toMatch(/legacy-relay$/);
      expect(letter.reason).toMatch(
        /^park \(404\) by .*legacy-?event-?relay.*: Legacy API rejected the request with 404/i,
      );
    }

    const captured = await eventually('one Sentry error per parked event', async () => {
      const errors = (await inbox<CapturedError[]>(`/api/errors?since=${encodeURIComponent(since)}`)).filter(
        (error) => eventIds.includes(error.tags?.eventId ?? ''),
      );
      return errors.length >= eventIds.length ? errors : undefined;
    });
    expect(captured.map((error) => error.tags?.eventId).sort()).toEqual([...eventIds].sort());
    for (const error of captured) expect(error.tags).toMatchObject({ failureClass: 'park' });
    // Parked, not retried: each refused event reached the stand-in once.
    const attempts = (await legacyCalls(since)).filter((call) => eventIds.includes(bodyOf(call).id ?? ''));
    expect(attempts).toHaveLength(eventIds.length);
    expect(attempts.every((call) => call.status === 404)).toBe(true);
  }, 120_000);

  it('delivers the parked events once with npm run redrive, when the Legacy API accepts them again', async () => {
    expect(parkedEventIds).toHaveLength(2);
    const since = new Date().toISOString();
    // The faults are cleared (afterEach): the Legacy API accepts again.
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'scripts/redrive.ts', 'legacy-relay-dlq', '--outputs', inject('outputsPath')],
      { env: { ...process.env, NODE_NO_WARNINGS: '1' } },
    );
    expect(stdout).toMatch(/move task COMPLETED: (\d+)\/\1 moved/);
    const deliveries = async () =>
      (await legacyCalls(since)).filter(
        (call) => delivered(call) && parkedEventIds.includes(bodyOf(call).id ?? ''),
      );
    const arrived = await eventually('the redriven events at the Legacy API', async () => {
      const calls = await deliveries();
      return calls.length >= parkedEventIds.length ? calls : undefined;
    });
    expect(arrived.map((call) => bodyOf(call).id).sort()).toEqual([...parkedEventIds].sort());
    // Once each: a second look finds no second delivery.
    await sleep(2000);
    expect(await deliveries()).toHaveLength(parkedEventIds.length);
  }, 120_000);
});
