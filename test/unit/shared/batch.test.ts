import type { SendMessageCommand } from '@aws-sdk/client-sqs';
import { createTransport } from '@sentry/aws-serverless';
import type { DynamoDBRecord, DynamoDBStreamEvent, SQSEvent, SQSRecord } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  byAttributes,
  eachRecordAlone,
  type ParkedStreamRecord,
  processQueueBatch,
  processStreamBatch,
  QUEUE_CONCURRENCY,
  STREAM_CONCURRENCY,
  unmarshallStreamImage,
} from '../../../amplify/functions/shared/batch';
import { MalformedRecordError, PermanentRecordError } from '../../../amplify/functions/shared/errors';
import { LegacyRejectedError, LegacyUnavailableError } from '../../../amplify/functions/shared/legacy-client';
import { logger } from '../../../amplify/functions/shared/logger';
import { initSentry, recordFailureEventId, withSentry } from '../../../amplify/functions/shared/sentry';
import { lambdaContext } from '../../support/lambda-context';

function messageInsert(id: string, sequenceNumber: string, body = '안녕하세요'): DynamoDBRecord {
  return {
    eventID: `evt-${id}`,
    eventName: 'INSERT',
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'ap-northeast-2',
    dynamodb: {
      ApproximateCreationDateTime: 1767225600,
      Keys: { conversationId: { S: 'c1' }, sortKey: { S: `2026-01-01T00:00:00.000Z#${id}` } },
      NewImage: {
        conversationId: { S: 'c1' },
        sortKey: { S: `2026-01-01T00:00:00.000Z#${id}` },
        senderId: { S: 'u1' },
        kind: { S: 'TEXT' },
        body: { S: body },
        memberIds: { L: [{ S: 'u1' }, { S: 'u2' }] },
        unreadCount: { N: '3' },
        deletedAt: { NULL: true },
      },
      SequenceNumber: sequenceNumber,
      SizeBytes: 200,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
    eventSourceARN:
      'arn:aws:dynamodb:ap-northeast-2:123456789012:table/Message-abc-NONE/stream/2026-01-01T00:00:00.000',
  };
}

function queueMessage(id: string, body: unknown, receiveCount = 1): SQSRecord {
  return {
    messageId: id,
    receiptHandle: `handle-${id}`,
    body: JSON.stringify(body),
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: '1767225600000',
      SenderId: 'AIDAEXAMPLE',
      ApproximateFirstReceiveTimestamp: '1767225600001',
    },
    messageAttributes: {},
    md5OfBody: 'd41d8cd98f00b204e9800998ecf8427e',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:ap-northeast-2:123456789012:dev-push',
    awsRegion: 'ap-northeast-2',
  };
}

const DLQ_URL = 'https://sqs.ap-northeast-2.amazonaws.com/123456789012/dev-push-dlq';
const STREAM_FAILURES_URL = 'https://sqs.ap-northeast-2.amazonaws.com/123456789012/dev-stream-failures';

beforeEach(() => {
  process.env.DEAD_LETTER_QUEUE_URL = DLQ_URL;
  process.env.STREAM_FAILURES_QUEUE_URL = STREAM_FAILURES_URL;
});
afterEach(() => {
  delete process.env.DEAD_LETTER_QUEUE_URL;
  delete process.env.STREAM_FAILURES_QUEUE_URL;
});

/** An SQS client that keeps what it is asked to send. */
function sentMessages() {
  const sent: SendMessageCommand['input'][] = [];
  const client = {
    send: async (command: SendMessageCommand) => {
      sent.push(command.input);
      return {};
    },
  } as never;
  return { sent, client };
}

describe('processStreamBatch', () => {
  it('reports only the records that failed with a retryable error, by sequence number', async () => {
    const event: DynamoDBStreamEvent = {
      Records: [messageInsert('a', '100'), messageInsert('b', '200'), messageInsert('c', '300')],
    };
    const handler = vi.fn(async (record: DynamoDBRecord) => {
      if (record.eventID === 'evt-b') throw new LegacyUnavailableError('legacy down', 503);
    });
    const response = await processStreamBatch(event, handler, lambdaContext());
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: '200' }] });
    expect(handler).toHaveBeenCalledTimes(3);
  });

  it('processes stream records in order, one at a time', async () => {
    const seen: string[] = [];
    let running = 0;
    const event: DynamoDBStreamEvent = {
      Records: [messageInsert('a', '1'), messageInsert('b', '2'), messageInsert('c', '3')],
    };
    await processStreamBatch(
      event,
      async (record) => {
        running += 1;
        expect(running).toBe(1);
        await new Promise((resolve) => setTimeout(resolve, 1));
        seen.push(record.eventID!);
        running -= 1;
      },
      lambdaContext(),
    );
    expect(seen).toEqual(['evt-a', 'evt-b', 'evt-c']);
  });

  it('parks records that fail permanently on stream-failures with the record and why, instead of reporting them', async () => {
    const event: DynamoDBStreamEvent = { Records: [messageInsert('a', '100'), messageInsert('b', '200')] };
    const store = sentMessages();
    const response = await processStreamBatch(
      event,
      async (record) => {
        if (record.eventID === 'evt-a') throw new LegacyRejectedError(422, 'invalid listing');
        throw new MalformedRecordError('no NewImage');
      },
      lambdaContext(30_000, 'message-push'),
      { sqs: store.client },
    );
    expect(response).toEqual({ batchItemFailures: [] });
    expect(store.sent.map((message) => message.QueueUrl)).toEqual([STREAM_FAILURES_URL, STREAM_FAILURES_URL]);
    const parked = store.sent.map((message) => JSON.parse(message.MessageBody!) as ParkedStreamRecord);
    expect(parked[0]).toEqual({
      source: 'parked-stream-record',
      functionName: 'message-push',
      failureClass: 'park',
      reason: 'Legacy API rejected the request with 422: invalid listing',
      status: 422,
      record: event.Records[0],
    });
    expect(parked[1]).toMatchObject({ failureClass: 'drop', reason: 'no NewImage', status: null });
    expect(store.sent[0]!.MessageAttributes).toMatchObject({
      failureClass: { StringValue: 'park' },
      status: { StringValue: '422' },
      eventID: { StringValue: 'evt-a' },
    });
  });

  it('reports a permanent failure for retry when the consumer has no failure store, never swallowing it', async () => {
    delete process.env.STREAM_FAILURES_QUEUE_URL;
    const store = sentMessages();
    const response = await processStreamBatch(
      { Records: [messageInsert('a', '100')] },
      async () => {
        throw new PermanentRecordError('cannot be processed');
      },
      lambdaContext(),
      { sqs: store.client },
    );
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: '100' }] });
    expect(store.sent).toEqual([]);
  });

  it('reports a parked record for retry when the failure store refuses it', async () => {
    const logged = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    const response = await processStreamBatch(
      { Records: [messageInsert('a', '100')] },
      async () => {
        throw new PermanentRecordError('cannot be processed');
      },
      lambdaContext(),
      { sqs: { send: async () => Promise.reject(new Error('AccessDenied')) } as never },
    );
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: '100' }] });
    expect(logged).toHaveBeenCalledWith(
      'Could not park a record; leaving it to be retried',
      expect.anything(),
    );
    logged.mockRestore();
  });

  it('reports every record when the whole batch fails, rather than throwing', async () => {
    const event: DynamoDBStreamEvent = { Records: [messageInsert('a', '100'), messageInsert('b', '200')] };
    const response = await processStreamBatch(
      event,
      async () => {
        throw new Error('table throttled');
      },
      lambdaContext(),
    );
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: '100' }, { itemIdentifier: '200' }]);
  });
});

describe('processQueueBatch', () => {
  it('reports failed messages by messageId and parks permanent ones in the DLQ with the original body', async () => {
    const event: SQSEvent = {
      Records: [
        queueMessage('m1', { ok: true }),
        queueMessage('m2', { retry: true }),
        queueMessage('m3', { drop: true }),
      ],
    };
    const store = sentMessages();
    const response = await processQueueBatch(
      event,
      async (record) => {
        const body = JSON.parse(record.body) as Record<string, boolean>;
        if (body.retry) throw new LegacyUnavailableError('429', 429);
        if (body.drop) throw new LegacyRejectedError(400, 'bad request');
      },
      lambdaContext(30_000, 'legacy-event-relay'),
      { sqs: store.client },
    );
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm2' }] });
    expect(store.sent).toEqual([
      {
        QueueUrl: DLQ_URL,
        MessageBody: JSON.stringify({ drop: true }),
        MessageAttributes: {
          failureClass: { DataType: 'String', StringValue: 'park' },
          reason: {
            DataType: 'String',
            StringValue: 'Legacy API rejected the request with 400: bad request',
          },
          function: { DataType: 'String', StringValue: 'legacy-event-relay' },
          status: { DataType: 'Number', StringValue: '400' },
          sourceMessageId: { DataType: 'String', StringValue: 'm3' },
          sourceQueueArn: {
            DataType: 'String',
            StringValue: 'arn:aws:sqs:ap-northeast-2:123456789012:dev-push',
          },
        },
      },
    ]);
  });

  it('scrubs the reason it keeps: no phone number or code reaches the DLQ', async () => {
    const store = sentMessages();
    await processQueueBatch(
      { Records: [queueMessage('m1', {})] },
      async () => {
        throw new PermanentRecordError('refused', { status: 409, detail: 'phone 010-1234-5678 taken' });
      },
      lambdaContext(),
      { sqs: store.client },
    );
    const reason = store.sent[0]!.MessageAttributes!.reason!.StringValue!;
    expect(reason).toContain('refused');
    expect(reason).not.toContain('1234-5678');
  });

  it('passes the Lambda context to the record handler', async () => {
    const context = lambdaContext(12_345);
    const handler = vi.fn(async () => undefined);
    await processQueueBatch({ Records: [queueMessage('m1', {})] }, handler, context);
    expect(handler).toHaveBeenCalledWith(expect.objectContaining({ messageId: 'm1' }), context);
  });
});

describe('unmarshallStreamImage', () => {
  it('turns the new image into a plain object', () => {
    expect(unmarshallStreamImage(messageInsert('a', '1'))).toEqual({
      conversationId: 'c1',
      sortKey: '2026-01-01T00:00:00.000Z#a',
      senderId: 'u1',
      kind: 'TEXT',
      body: '안녕하세요',
      memberIds: ['u1', 'u2'],
      unreadCount: 3,
      deletedAt: null,
    });
  });

  it('returns undefined for an image the stream record does not carry', () => {
    expect(unmarshallStreamImage(messageInsert('a', '1'), 'OldImage')).toBeUndefined();
  });

  it('reads the old image of a MODIFY', () => {
    const record = messageInsert('a', '1');
    record.eventName = 'MODIFY';
    record.dynamodb!.OldImage = { lastReadAt: { S: '2026-01-01T00:00:00.000Z' } };
    expect(unmarshallStreamImage<{ lastReadAt: string }>(record, 'OldImage')).toEqual({
      lastReadAt: '2026-01-01T00:00:00.000Z',
    });
  });
});

type Captured = { event_id?: string; tags?: Record<string, string>; exception?: unknown };

/** Sentry with a transport that keeps the events, decoded. */
function capturedSentry() {
  const events: Captured[] = [];
  initSentry({
    dsn: 'https://public@o1.ingest.sentry.io/1',
    transport: (options) =>
      createTransport(options, async (request) => {
        const body = typeof request.body === 'string' ? request.body : new TextDecoder().decode(request.body);
        const lines = body.split('\n').filter((line) => line.length > 0);
        for (let i = 1; i < lines.length; i += 2) {
          const header = JSON.parse(lines[i]!) as { type?: string };
          if (header.type === 'event') events.push(JSON.parse(lines[i + 1]!) as Captured);
        }
        return { statusCode: 200 };
      }),
  });
  return events;
}

describe('failed records in Sentry', () => {
  const functionName = 'legacy-event-relay';
  const relay = (records: SQSRecord[], handler: (record: SQSRecord) => Promise<void>) =>
    withSentry<SQSEvent, unknown>((event, context) =>
      processQueueBatch(event, handler, context, {
        sqs: sentMessages().client,
        identify: () => ({ eventId: 'message.sent:msg-1' }),
      }),
    )({ Records: records }, lambdaContext(30_000, functionName), () => undefined);

  it('captures a parked message once, tagged with function, class and identity, without its body', async () => {
    const events = capturedSentry();
    const payload = `payload-${Date.now()}`;
    await relay([queueMessage('m1', { body: payload })], async () => {
      throw new LegacyRejectedError(404, 'not found');
    });
    expect(events).toHaveLength(1);
    expect(events[0]!.event_id).toBe(
      recordFailureEventId({ functionName, recordId: 'm1', failureClass: 'park' }),
    );
    expect(events[0]!.tags).toMatchObject({
      function: functionName,
      failureClass: 'park',
      recordId: 'm1',
      eventId: 'message.sent:msg-1',
    });
    expect(JSON.stringify(events[0])).not.toContain(payload);
  });

  it('captures a retried message only on the receive that reaches the queue maxReceiveCount', async () => {
    const events = capturedSentry();
    const unavailable = async () => {
      throw new LegacyUnavailableError('legacy down', 503);
    };
    for (const receive of [1, 2, 3, 4]) await relay([queueMessage('m1', {}, receive)], unavailable);
    expect(events).toEqual([]);
    await relay([queueMessage('m1', {}, 5)], unavailable);
    expect(events).toHaveLength(1);
    expect(events[0]!.tags).toMatchObject({ failureClass: 'retried-out', recordId: 'm1' });
  });

  it('captures a stream record that keeps failing once, with an event id stable across containers', async () => {
    const events = capturedSentry();
    const stream = withSentry<DynamoDBStreamEvent, unknown>((event, context) =>
      processStreamBatch(
        event,
        async () => {
          throw new Error('table throttled');
        },
        context,
      ),
    );
    for (let attempt = 0; attempt < 3; attempt += 1) {
      await stream(
        { Records: [messageInsert('a', '100')] },
        lambdaContext(30_000, 'message-push'),
        () => undefined,
      );
    }
    expect(events).toHaveLength(1);
    expect(events[0]!.event_id).toBe(
      recordFailureEventId({ functionName: 'message-push', recordId: 'evt-a', failureClass: 'retried-out' }),
    );
  });
});

/** A Message INSERT in `conversationId`, sequence number `sequenceNumber`. */
function chatRecord(conversationId: string, id: string, sequenceNumber: string): DynamoDBRecord {
  const record = messageInsert(id, sequenceNumber);
  record.dynamodb!.NewImage!.conversationId = { S: conversationId };
  record.dynamodb!.Keys = { id: { S: id } };
  return record;
}

/** A record handler whose records start when called and finish only when the test says so. */
function gatedHandler() {
  const gates = new Map<string, { resolve: () => void; reject: (error: unknown) => void }>();
  const started: string[] = [];
  const finished: string[] = [];
  let running = 0;
  let mostRunning = 0;
  const handler = (record: DynamoDBRecord | SQSRecord) => {
    const id = 'messageId' in record ? record.messageId : record.eventID!;
    started.push(id);
    running += 1;
    mostRunning = Math.max(mostRunning, running);
    return new Promise<void>((resolve, reject) => gates.set(id, { resolve, reject })).finally(() => {
      running -= 1;
      finished.push(id);
    });
  };
  return {
    handler,
    started,
    finished,
    running: () => running,
    mostRunning: () => mostRunning,
    succeed: (id: string) => gates.get(id)!.resolve(),
    fail: (id: string, error: unknown) => gates.get(id)!.reject(error),
  };
}

/** Lets every promise that can move on do so (a macrotask runs after the microtask queue drains). */
const settled = () => new Promise<void>((resolve) => setImmediate(resolve));

const byConversation = byAttributes('conversationId');

describe('processStreamBatch with an ordering key', () => {
  it('runs the records of one key in stream order, never two at once', async () => {
    const gated = gatedHandler();
    const event: DynamoDBStreamEvent = {
      Records: [chatRecord('c1', 'a', '1'), chatRecord('c1', 'b', '2'), chatRecord('c1', 'c', '3')],
    };
    const batch = processStreamBatch(event, gated.handler, lambdaContext(), { orderBy: byConversation });
    await settled();
    expect(gated.started).toEqual(['evt-a']);
    gated.succeed('evt-a');
    await settled();
    expect(gated.started).toEqual(['evt-a', 'evt-b']);
    gated.succeed('evt-b');
    await settled();
    gated.succeed('evt-c');
    expect(await batch).toEqual({ batchItemFailures: [] });
    expect(gated.finished).toEqual(['evt-a', 'evt-b', 'evt-c']);
    expect(gated.mostRunning()).toBe(1);
  });

  it('runs the records of different keys at the same time', async () => {
    const gated = gatedHandler();
    const event: DynamoDBStreamEvent = {
      Records: [chatRecord('c1', 'a', '1'), chatRecord('c2', 'b', '2'), chatRecord('c1', 'c', '3')],
    };
    const batch = processStreamBatch(event, gated.handler, lambdaContext(), { orderBy: byConversation });
    await settled();
    expect(gated.started).toEqual(['evt-a', 'evt-b']);
    expect(gated.running()).toBe(2);
    // c2 finishing does not let c1's next record overtake c1's first.
    gated.succeed('evt-b');
    await settled();
    expect(gated.started).toEqual(['evt-a', 'evt-b']);
    gated.succeed('evt-a');
    await settled();
    gated.succeed('evt-c');
    expect(await batch).toEqual({ batchItemFailures: [] });
    expect(gated.finished).toEqual(['evt-b', 'evt-a', 'evt-c']);
  });

  it('stops a key at its failed record and reports the later ones of that key, leaving other keys alone', async () => {
    const store = sentMessages();
    const gated = gatedHandler();
    const event: DynamoDBStreamEvent = {
      Records: [
        chatRecord('c1', 'a', '1'),
        chatRecord('c2', 'b', '2'),
        chatRecord('c1', 'c', '3'),
        chatRecord('c2', 'd', '4'),
        chatRecord('c1', 'e', '5'),
      ],
    };
    const batch = processStreamBatch(event, gated.handler, lambdaContext(), {
      orderBy: byConversation,
      sqs: store.client,
    });
    await settled();
    gated.fail('evt-a', new LegacyUnavailableError('legacy down', 503));
    gated.succeed('evt-b');
    await settled();
    expect(gated.started).toEqual(['evt-a', 'evt-b', 'evt-d']);
    gated.succeed('evt-d');
    expect(await batch).toEqual({
      batchItemFailures: [{ itemIdentifier: '1' }, { itemIdentifier: '3' }, { itemIdentifier: '5' }],
    });
    expect(gated.started).toEqual(['evt-a', 'evt-b', 'evt-d']);
    // Held back, not failed: nothing of c1's later records is parked.
    expect(store.sent).toEqual([]);
  });

  it('goes on with a key after a record it parked', async () => {
    const store = sentMessages();
    const seen: string[] = [];
    const event: DynamoDBStreamEvent = {
      Records: [chatRecord('c1', 'a', '1'), chatRecord('c1', 'b', '2')],
    };
    const response = await processStreamBatch(
      event,
      async (record) => {
        seen.push(record.eventID!);
        if (record.eventID === 'evt-a') throw new LegacyRejectedError(422, 'invalid listing');
      },
      lambdaContext(),
      { orderBy: byConversation, sqs: store.client },
    );
    expect(response).toEqual({ batchItemFailures: [] });
    expect(seen).toEqual(['evt-a', 'evt-b']);
    expect(store.sent.map((message) => message.MessageAttributes?.eventID?.StringValue)).toEqual(['evt-a']);
  });

  it(`runs at most ${STREAM_CONCURRENCY} records at once, starting the next as one finishes`, async () => {
    const gated = gatedHandler();
    const records = Array.from({ length: 25 }, (_, index) =>
      chatRecord(`c${index}`, `m${index}`, String(index + 1)),
    );
    const batch = processStreamBatch({ Records: records }, gated.handler, lambdaContext(), {
      orderBy: eachRecordAlone,
    });
    await settled();
    expect(gated.started).toHaveLength(STREAM_CONCURRENCY);
    gated.succeed('evt-m3');
    await settled();
    expect(gated.started).toHaveLength(STREAM_CONCURRENCY + 1);
    expect(gated.started.at(-1)).toBe(`evt-m${STREAM_CONCURRENCY}`);
    for (let index = 0; index < records.length; index += 1) {
      await settled();
      if (!gated.finished.includes(`evt-m${index}`)) gated.succeed(`evt-m${index}`);
    }
    expect(await batch).toEqual({ batchItemFailures: [] });
    expect(gated.mostRunning()).toBe(STREAM_CONCURRENCY);
    expect(gated.finished).toHaveLength(25);
  });

  it('keeps to a smaller bound when the consumer asks for one', async () => {
    const gated = gatedHandler();
    const records = ['a', 'b', 'c'].map((id, index) => chatRecord(`c-${id}`, id, String(index + 1)));
    const batch = processStreamBatch({ Records: records }, gated.handler, lambdaContext(), {
      orderBy: byConversation,
      concurrency: 2,
    });
    await settled();
    expect(gated.started).toEqual(['evt-a', 'evt-b']);
    gated.succeed('evt-a');
    await settled();
    gated.succeed('evt-b');
    gated.succeed('evt-c');
    await batch;
    expect(gated.mostRunning()).toBe(2);
  });

  it('groups a removal by its old image and a record without the attribute on its own', () => {
    const removal = chatRecord('c9', 'r', '1');
    removal.eventName = 'REMOVE';
    removal.dynamodb!.OldImage = removal.dynamodb!.NewImage;
    delete removal.dynamodb!.NewImage;
    const insert = chatRecord('c9', 'i', '2');
    const bare = chatRecord('c9', 'x', '3');
    delete bare.dynamodb!.NewImage;
    expect(byConversation(removal)).toBe(byConversation(insert));
    expect(byConversation(bare)).not.toBe(byConversation(insert));
    expect(byAttributes('conversationId', 'sortKey')(messageInsert('a', '1'))).not.toBe(
      byAttributes('conversationId', 'sortKey')(messageInsert('b', '2')),
    );
  });

  it('captures in Sentry only the record that failed, not the ones held back behind it', async () => {
    const events = capturedSentry();
    const stream = withSentry<DynamoDBStreamEvent, unknown>((event, context) =>
      processStreamBatch(
        event,
        async (record) => {
          if (record.eventID === 'evt-held-a') throw new Error('table throttled');
        },
        context,
        { orderBy: byConversation },
      ),
    );
    const response = await stream(
      { Records: [chatRecord('c1', 'held-a', '1'), chatRecord('c1', 'held-b', '2')] },
      lambdaContext(30_000, 'message-unread-counter'),
      () => undefined,
    );
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: '1' }, { itemIdentifier: '2' }] });
    expect(events).toHaveLength(1);
    expect(events[0]!.tags).toMatchObject({ recordId: 'evt-held-a', failureClass: 'retried-out' });
  });
});

describe('processQueueBatch concurrency', () => {
  it(`runs at most ${QUEUE_CONCURRENCY} messages at once, and each failed message alone`, async () => {
    const gated = gatedHandler();
    const messages = Array.from({ length: 12 }, (_, index) => queueMessage(`m${index}`, {}));
    const batch = processQueueBatch({ Records: messages }, gated.handler, lambdaContext());
    await settled();
    expect(gated.started).toHaveLength(QUEUE_CONCURRENCY);
    gated.fail('m0', new LegacyUnavailableError('legacy down', 503));
    for (let index = 1; index < messages.length; index += 1) {
      await settled();
      gated.succeed(`m${index}`);
    }
    expect(await batch).toEqual({ batchItemFailures: [{ itemIdentifier: 'm0' }] });
    expect(gated.mostRunning()).toBe(QUEUE_CONCURRENCY);
    expect(gated.finished).toHaveLength(12);
  });
});
