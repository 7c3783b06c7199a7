import type { DynamoDBRecord, DynamoDBStreamEvent, SQSEvent, SQSRecord } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import {
  processQueueBatch,
  processStreamBatch,
  unmarshallStreamImage,
} from '../../../amplify/functions/shared/batch';
import { PermanentRecordError } from '../../../amplify/functions/shared/errors';
import { LegacyRejectedError, LegacyUnavailableError } from '../../../amplify/functions/shared/legacy-client';
import { lambdaContext } from './lambda-context';

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

function queueMessage(id: string, body: unknown): SQSRecord {
  return {
    messageId: id,
    receiptHandle: `handle-${id}`,
    body: JSON.stringify(body),
    attributes: {
      ApproximateReceiveCount: '1',
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

  it('drops records that fail permanently instead of reporting them, and hands them to onPermanentFailure', async () => {
    const event: DynamoDBStreamEvent = { Records: [messageInsert('a', '100'), messageInsert('b', '200')] };
    const dropped: string[] = [];
    const response = await processStreamBatch(
      event,
      async (record) => {
        if (record.eventID === 'evt-a') throw new LegacyRejectedError(422, 'invalid listing');
        throw new PermanentRecordError('malformed image');
      },
      lambdaContext(),
      { onPermanentFailure: (record) => void dropped.push(record.eventID!) },
    );
    expect(response).toEqual({ batchItemFailures: [] });
    expect(dropped).toEqual(['evt-a', 'evt-b']);
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
  it('reports failed messages by messageId and drops permanent ones', async () => {
    const event: SQSEvent = {
      Records: [
        queueMessage('m1', { ok: true }),
        queueMessage('m2', { retry: true }),
        queueMessage('m3', { drop: true }),
      ],
    };
    const response = await processQueueBatch(
      event,
      async (record) => {
        const body = JSON.parse(record.body) as Record<string, boolean>;
        if (body.retry) throw new LegacyUnavailableError('429', 429);
        if (body.drop) throw new LegacyRejectedError(400, 'bad request');
      },
      lambdaContext(),
    );
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm2' }] });
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
