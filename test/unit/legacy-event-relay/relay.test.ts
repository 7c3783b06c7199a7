import type { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  envelopeIdentity,
  legacyRequestFor,
  MalformedEnvelopeError,
  parseEnvelope,
  type RelayedEnvelope,
  relayMessage,
} from '../../../amplify/functions/legacy-event-relay/relay';
import { processQueueBatch } from '../../../amplify/functions/shared/batch';
import { MalformedRecordError } from '../../../amplify/functions/shared/errors';
import { createLegacyCircuit, createLegacyClient } from '../../../amplify/functions/shared/legacy-client';
import { legacyCommand } from '../../../amplify/functions/shared/legacy-commands';
import {
  createServiceTokenProvider,
  verifyServiceToken,
} from '../../../amplify/functions/shared/service-token';
import { lambdaContext } from '../../support/lambda-context';

const SECRET = 'relay-test-secret-of-at-least-32-bytes!';
const TOKEN_CLAIMS = { issuer: 'bootalk-amplify', audience: 'bootalk-legacy-api' };

const envelope = (id = 'message.sent:msg-1') => ({
  type: 'message.sent',
  id,
  occurredAt: '2026-03-14T02:59:59.000Z',
  version: 1,
  payload: { messageId: id.split(':')[1], conversationId: 'conv-1' },
});

type Reply = { status: number; body?: unknown };

/** The Legacy API as a script of answers; records every request it gets. */
function legacyApi(...replies: Reply[]) {
  const requests: { url: string; headers: Record<string, string>; body: unknown }[] = [];
  const fetch = (async (url: string, init: RequestInit) => {
    requests.push({
      url,
      headers: init.headers as Record<string, string>,
      body: JSON.parse(String(init.body)),
    });
    const reply = replies[Math.min(requests.length - 1, replies.length - 1)]!;
    return new Response(reply.body === undefined ? null : JSON.stringify(reply.body), {
      status: reply.status,
      headers: { 'content-type': 'application/json' },
    });
  }) as unknown as typeof globalThis.fetch;
  return { fetch, requests };
}

function sqsRecord(index: number, body: string): SQSRecord {
  return {
    messageId: `sqs-${index}`,
    receiptHandle: `handle-${index}`,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1773457199000',
      SenderId: 'AIDAEXAMPLE',
      ApproximateFirstReceiveTimestamp: '1773457199001',
    },
    messageAttributes: {},
    md5OfBody: 'd41d8cd98f00b204e9800998ecf8427e',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:ap-northeast-2:123456789012:dev-legacy-relay',
    awsRegion: 'ap-northeast-2',
  };
}

/** One invocation of the relay over `bodies`, as its handler will run it. */
async function relayBatch(bodies: string[], ...replies: Reply[]) {
  const api = legacyApi(...replies);
  const legacy = createLegacyClient({
    baseUrl: 'https://legacy.test',
    tokens: createServiceTokenProvider({
      key: SECRET,
      kid: 'test-1',
      ...TOKEN_CLAIMS,
      subject: 'legacy-event-relay',
    }),
    fetch: api.fetch,
    sleep: async () => undefined,
    circuit: createLegacyCircuit(),
  });
  const parked: ParkedMessage[] = [];
  const sqs = {
    send: async (command: SendMessageCommand) => {
      const attributes = command.input.MessageAttributes ?? {};
      parked.push({
        queueUrl: command.input.QueueUrl!,
        body: command.input.MessageBody!,
        failureClass: attributes.failureClass?.StringValue,
        status: attributes.status?.StringValue,
        reason: attributes.reason?.StringValue,
        eventId: attributes.eventId?.StringValue,
      });
      return {};
    },
  };
  const event: SQSEvent = { Records: bodies.map((body, index) => sqsRecord(index, body)) };
  const response = await processQueueBatch(
    event,
    (record) => relayMessage(record.body, legacy),
    lambdaContext(),
    {
      concurrency: 1,
      identify: (record) => envelopeIdentity(record.body),
      sqs: sqs as never,
    },
  );
  const failed = response.batchItemFailures.map((failure) => failure.itemIdentifier);
  return { failed, parked, requests: api.requests };
}

interface ParkedMessage {
  queueUrl: string;
  body: string;
  failureClass?: string;
  status?: string;
  reason?: string;
  eventId?: string;
}

const DLQ_URL = 'https://sqs.ap-northeast-2.amazonaws.com/123456789012/dev-legacy-relay-dlq';
beforeEach(() => {
  process.env.DEAD_LETTER_QUEUE_URL = DLQ_URL;
});
afterEach(() => {
  delete process.env.DEAD_LETTER_QUEUE_URL;
});

const body = (value: unknown) => JSON.stringify(value);

describe('legacy-event-relay', () => {
  it('delivers an envelope to POST /v1/events with its id as the Idempotency-Key and a service token', async () => {
    const { failed, parked, requests } = await relayBatch([body(envelope())], {
      status: 202,
      body: { accepted: true },
    });
    expect(failed).toEqual([]);
    expect(parked).toEqual([]);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      url: 'https://legacy.test/v1/events',
      headers: { 'idempotency-key': 'message.sent:msg-1', 'content-type': 'application/json' },
      body: envelope(),
    });
    const token = requests[0]!.headers.authorization!.replace(/^Bearer /, '');
    await expect(verifyServiceToken(token, { key: SECRET, ...TOKEN_CLAIMS })).resolves.toMatchObject({
      subject: 'legacy-event-relay',
    });
  });

  it('reports a delivered event and an already delivered one as done', async () => {
    const api = legacyApi(
      { status: 202, body: { accepted: true } },
      { status: 200, body: { accepted: true, duplicate: true } },
    );
    const legacy = createLegacyClient({
      baseUrl: 'https://legacy.test',
      tokens: createServiceTokenProvider({ key: SECRET, kid: 'test-1', ...TOKEN_CLAIMS, subject: 'relay' }),
      fetch: api.fetch,
    });
    await expect(relayMessage(body(envelope()), legacy)).resolves.toEqual({
      id: 'message.sent:msg-1',
      type: 'message.sent',
      outcome: 'accepted',
    });
    await expect(relayMessage(body(envelope()), legacy)).resolves.toMatchObject({ outcome: 'duplicate' });
  });

  it.each([400, 404, 409, 422])(
    'parks an event the Legacy API refuses with %i in the DLQ with its status and reason, without failing the batch',
    async (status) => {
      const { failed, parked, requests } = await relayBatch([body(envelope())], {
        status,
        body: { error: 'refused', message: 'not now' },
      });
      expect(failed).toEqual([]);
      expect(requests).toHaveLength(1);
      expect(parked).toEqual([
        {
          queueUrl: DLQ_URL,
          body: body(envelope()),
          failureClass: 'park',
          status: String(status),
          reason: expect.stringMatching(new RegExp(`rejected the request with ${status}: .*refused`)),
          eventId: 'message.sent:msg-1',
        },
      ]);
    },
  );

  it('fails the item instead of acknowledging it when the DLQ cannot take a refused event', async () => {
    process.env.DEAD_LETTER_QUEUE_URL = '';
    const { failed, parked } = await relayBatch([body(envelope())], { status: 404 });
    expect(parked).toEqual([]);
    expect(failed).toEqual(['sqs-0']);
  });

  it('retries a 401 once with a freshly minted token, then fails the item for the dead-letter queue', async () => {
    const { failed, parked, requests } = await relayBatch([body(envelope())], {
      status: 401,
      body: { error: 'unauthorized' },
    });
    expect(requests).toHaveLength(2);
    const [first, second] = requests.map((request) => request.headers.authorization);
    expect(second).not.toBe(first);
    expect(failed).toEqual(['sqs-0']);
    expect(parked).toEqual([]);
  });

  it('delivers when the refreshed token is accepted after a 401', async () => {
    const { failed, requests } = await relayBatch(
      [body(envelope())],
      { status: 401, body: { error: 'unauthorized' } },
      { status: 202, body: { accepted: true } },
    );
    expect(requests).toHaveLength(2);
    expect(failed).toEqual([]);
  });

  it('retries a 503, then fails the item so that the queue redelivers it', async () => {
    const { failed, parked, requests } = await relayBatch([body(envelope())], { status: 503 });
    expect(requests).toHaveLength(3);
    expect(new Set(requests.map((request) => request.headers['idempotency-key']))).toEqual(
      new Set(['message.sent:msg-1']),
    );
    expect(failed).toEqual(['sqs-0']);
    expect(parked).toEqual([]);
  });

  it.each([408, 429, 500, 502])('retries a %i and then fails the item, never parking it', async (status) => {
    const { failed, parked } = await relayBatch([body(envelope())], { status });
    expect(failed).toEqual(['sqs-0']);
    expect(parked).toEqual([]);
  });

  it('stops calling a failing Legacy API for the rest of the batch and fails those items too', async () => {
    const bodies = [1, 2, 3, 4].map((n) => body(envelope(`message.sent:msg-${n}`)));
    const { failed, requests } = await relayBatch(bodies, { status: 503 });
    // 3 attempts for the first event and 2 for the second open the circuit (5 failures).
    expect(requests).toHaveLength(5);
    expect(failed).toEqual(['sqs-0', 'sqs-1', 'sqs-2', 'sqs-3']);
  });

  it('keeps a malformed body in the DLQ as a drop with its reason, and still delivers the rest', async () => {
    const { id: _id, ...withoutId } = envelope();
    const { type: _type, ...withoutType } = envelope();
    const { version: _version, ...withoutVersion } = envelope();
    const bodies = ['not json', body(withoutId), body(withoutType), body(withoutVersion), body(envelope())];
    const { failed, parked, requests } = await relayBatch(bodies, { status: 202, body: { accepted: true } });
    expect(failed).toEqual([]);
    expect(requests).toHaveLength(1);
    expect(parked.map((message) => [message.body, message.failureClass, message.reason])).toEqual([
      ['not json', 'drop', 'Not an event envelope: the body is not JSON'],
      [body(withoutId), 'drop', 'Not an event envelope: no "id"'],
      [body(withoutType), 'drop', 'Not an event envelope: no "type"'],
      [body(withoutVersion), 'drop', 'Not an event envelope: no "version" (a positive integer)'],
    ]);
  });
});

describe('commands', () => {
  const crm = legacyCommand(
    'crm.conversation',
    'crm.conversation:conv-1:BRK-301:2026-03-14T02:00:00.000Z',
    { conversationId: 'conv-1', buyerId: 'buyer-1', brokerId: 'BRK-301', listingId: null, complexId: null },
    new Date('2026-03-14T02:00:00.000Z'),
  );

  it('sends a CRM command to POST /v1/crm/conversations with its payload as the body and its id as the key', async () => {
    const { failed, requests } = await relayBatch([body(crm)], {
      status: 201,
      body: { crmTicketId: 'CRM-1' },
    });
    expect(failed).toEqual([]);
    expect(requests).toEqual([
      expect.objectContaining({
        url: 'https://legacy.test/v1/crm/conversations',
        headers: expect.objectContaining({ 'idempotency-key': crm.id }),
        body: crm.payload,
      }),
    ]);
  });

  it("sends a save command's rows to POST /v1/real-transactions", () => {
    const rows = [{ lawdCode: '11680', priceWon: 1 }];
    const save = legacyCommand('real-transactions.save', 'real-transactions.save:abc', { rows }, new Date());
    expect(legacyRequestFor(save as RelayedEnvelope)).toEqual({
      method: 'POST',
      path: '/v1/real-transactions',
      body: rows,
      idempotencyKey: 'real-transactions.save:abc',
    });
  });

  it('drops a save command without rows rather than sending an empty body', async () => {
    const save = legacyCommand(
      'real-transactions.save',
      'real-transactions.save:x',
      { rows: 'no' },
      new Date(),
    );
    const { parked, requests } = await relayBatch([body(save)], { status: 201 });
    expect(requests).toEqual([]);
    expect(parked).toEqual([expect.objectContaining({ failureClass: 'drop', eventId: save.id })]);
  });

  it('never takes a path from the message: an unknown type with a path in it is an event for /v1/events', () => {
    const sneaky = { ...envelope(), type: '/v1/users', payload: { path: '/v1/users/u1', method: 'DELETE' } };
    expect(legacyRequestFor(sneaky)).toMatchObject({ method: 'POST', path: '/v1/events', body: sneaky });
    expect(legacyRequestFor({ ...envelope(), type: 'toString' })).toMatchObject({ path: '/v1/events' });
  });

  describe('a save refused for some of its rows (400 invalid_rows)', () => {
    const rows = [0, 1, 2].map((floor) => ({ lawdCode: '11680', complexName: '은마', floor }));
    const save = legacyCommand(
      'real-transactions.save',
      'real-transactions.save:chunk-1',
      { rows },
      new Date(),
    );
    const invalid = (...indexes: number[]) => ({
      status: 400,
      body: {
        error: 'invalid_rows',
        message: `${indexes.length} row(s) are invalid; nothing was saved`,
        details: indexes.map((index) => ({ index, problems: ['floor out of range'] })),
      },
    });

    it('saves the other rows under their own Idempotency-Key, then parks the command naming the refused rows', async () => {
      const { failed, parked, requests } = await relayBatch([body(save)], invalid(1), {
        status: 201,
        body: { saved: 2, duplicates: 0 },
      });
      expect(requests.map((request) => request.body)).toEqual([rows, [rows[0], rows[2]]]);
      expect(requests[1]!.headers['idempotency-key']).toBe(`${save.id}:without-invalid`);
      expect(failed).toEqual([]);
      expect(parked).toEqual([
        expect.objectContaining({ failureClass: 'park', status: '400', body: body(save), eventId: save.id }),
      ]);
      expect(parked[0]!.reason).toContain('1 of 3 rows refused (indexes 1)');
    });

    it('parks the command without a second request when every row is named', async () => {
      const { parked, requests } = await relayBatch([body(save)], invalid(0, 1, 2));
      expect(requests).toHaveLength(1);
      expect(parked).toEqual([expect.objectContaining({ failureClass: 'park', status: '400' })]);
    });

    it('retries the whole command, parking nothing, when the other rows cannot be delivered now', async () => {
      const { failed, parked } = await relayBatch([body(save)], invalid(2), { status: 503 });
      expect(failed).toEqual(['sqs-0']);
      expect(parked).toEqual([]);
    });

    it('is the same on a redrive: the other rows come back as duplicates, the named ones are parked again', async () => {
      const { parked, requests } = await relayBatch([body(save)], invalid(1), {
        status: 200,
        body: { saved: 0, duplicates: 2 },
      });
      expect(requests[1]!.headers['idempotency-key']).toBe(`${save.id}:without-invalid`);
      expect(parked).toHaveLength(1);
    });
  });

  it('parks a refused CRM command like a refused event', async () => {
    const { parked } = await relayBatch([body(crm)], { status: 400, body: { error: 'bad_request' } });
    expect(parked).toEqual([
      expect.objectContaining({ failureClass: 'park', status: '400', body: body(crm) }),
    ]);
  });
});

describe('parseEnvelope', () => {
  it('reads an envelope', () => {
    expect(parseEnvelope(body(envelope()))).toEqual(envelope());
  });

  it('is a permanent failure for a body that is not an envelope', () => {
    for (const bad of [
      '',
      '[]',
      'null',
      body({ ...envelope(), payload: 'x' }),
      body({ ...envelope(), occurredAt: 'now' }),
    ]) {
      const parsed = parseEnvelope(bad);
      expect(parsed, bad).toBeInstanceOf(MalformedEnvelopeError);
      expect(parsed).toBeInstanceOf(MalformedRecordError);
    }
  });

  it('unwraps an envelope still in its SNS notification when raw delivery is off', () => {
    const notification = { Type: 'Notification', MessageId: 'sns-1', Message: body(envelope()) };
    expect(parseEnvelope(body(notification))).toEqual(envelope());
  });
});
