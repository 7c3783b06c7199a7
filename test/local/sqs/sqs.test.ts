import { createHash } from 'node:crypto';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  QueueDoesNotExist,
  ReceiptHandleIsInvalid,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { md5OfMessageAttributes } from '../../../local/sqs/md5';
import { clientConfig, useGateway } from '../gateway/gateway-fixture';

const gateway = useGateway();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let queueCounter = 0;
/** A fresh queue per test, so tests never see each other's messages. */
function newQueue(options: Parameters<ReturnType<typeof gateway>['sqs']['createQueue']>[1] = {}) {
  queueCounter += 1;
  const name = `test-queue-${queueCounter}`;
  return { name, ...gateway().sqs.createQueue(name, options) };
}

function sqsClient() {
  return new SQSClient(clientConfig(gateway()));
}

describe('SQS through the real SDK client', () => {
  it('sends, receives and deletes a message, with body MD5s the SDK accepts', async () => {
    const sqs = sqsClient();
    const { queueUrl } = newQueue();
    // The SDK checks MD5OfMessageBody on send and MD5OfBody on receive and throws on a mismatch.
    const body = '{"kind":"매물.created","id":"42"}';
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
    expect(sent.MD5OfMessageBody).toBe(createHash('md5').update(body).digest('hex'));

    const received = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }),
    );
    expect(received.Messages).toHaveLength(1);
    expect(received.Messages?.[0]).toMatchObject({ MessageId: sent.MessageId, Body: body });

    await sqs.send(
      new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: received.Messages![0]!.ReceiptHandle }),
    );
    expect(gateway().sqs.listMessages(queueUrl.split('/').at(-1)!)).toEqual([]);
  });

  it('returns message attributes with the MD5 SQS computes for them', async () => {
    const sqs = sqsClient();
    const { queueUrl } = newQueue();
    const sent = await sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: 'with attributes',
        MessageAttributes: {
          ordinal: { DataType: 'Number', StringValue: '1' },
          category: { DataType: 'String', StringValue: 'test' },
        },
      }),
    );
    // The value published for this pair of attributes by another SQS implementation's tests.
    expect(sent.MD5OfMessageAttributes).toBe('d21ae90c49061e927f57df5f5d72be1f');

    const received = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MessageAttributeNames: ['All'] }),
    );
    expect(received.Messages?.[0]?.MessageAttributes).toEqual({
      ordinal: { DataType: 'Number', StringValue: '1' },
      category: { DataType: 'String', StringValue: 'test' },
    });
    expect(received.Messages?.[0]?.MD5OfMessageAttributes).toBe('d21ae90c49061e927f57df5f5d72be1f');
  });

  it('computes the attribute MD5 other SQS implementations publish, and tells binary from string values', () => {
    expect(md5OfMessageAttributes({ SellerName: { DataType: 'String', StringValue: 'Example Store' } })).toBe(
      'cd28f3b68aeee4b2eac9c66f2f694b58',
    );
    const binary = md5OfMessageAttributes({ b: { DataType: 'Binary', BinaryValue: new Uint8Array([1, 2]) } });
    const asString = md5OfMessageAttributes({ b: { DataType: 'String', StringValue: '\u0001\u0002' } });
    expect(binary).not.toBe(asString);
    expect(md5OfMessageAttributes({})).toBeUndefined();
  });

  it('hides a received message for its visibility timeout and then delivers it again with a higher receive count', async () => {
    const sqs = sqsClient();
    const { queueUrl } = newQueue();
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'retry me' }));

    const first = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        VisibilityTimeout: 1,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    expect(first.Messages?.[0]?.Attributes?.ApproximateReceiveCount).toBe('1');
    const whileHidden = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl }));
    expect(whileHidden.Messages).toBeUndefined();

    await sleep(1100);
    const second = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MessageSystemAttributeNames: [
          'ApproximateReceiveCount',
          'SentTimestamp',
          'ApproximateFirstReceiveTimestamp',
        ],
      }),
    );
    const attributes = second.Messages?.[0]?.Attributes;
    expect(second.Messages?.[0]?.Body).toBe('retry me');
    expect(attributes?.ApproximateReceiveCount).toBe('2');
    expect(attributes?.ApproximateFirstReceiveTimestamp).toBe(
      first.Messages?.[0]?.Attributes?.ApproximateFirstReceiveTimestamp,
    );
    expect(Number(attributes?.SentTimestamp)).toBeLessThanOrEqual(
      Number(attributes?.ApproximateFirstReceiveTimestamp),
    );
  });

  it('refuses the receipt handle of an earlier receive once the message was delivered again', async () => {
    const sqs = sqsClient();
    const { queueUrl } = newQueue();
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'twice' }));
    const first = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, VisibilityTimeout: 0 }));
    const second = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, VisibilityTimeout: 30 }));
    expect(second.Messages?.[0]?.MessageId).toBe(first.Messages?.[0]?.MessageId);

    const stale = sqs.send(
      new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: first.Messages![0]!.ReceiptHandle }),
    );
    await expect(stale).rejects.toBeInstanceOf(ReceiptHandleIsInvalid);
    await expect(
      sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: 'not-a-handle' })),
    ).rejects.toThrow(/not a valid receipt handle/);

    await sqs.send(
      new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: second.Messages![0]!.ReceiptHandle }),
    );
    expect(gateway().sqs.listMessages(queueUrl.split('/').at(-1)!)).toEqual([]);
  });

  it('makes a message visible again at once when its visibility is changed to zero', async () => {
    const sqs = sqsClient();
    const { queueUrl } = newQueue();
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'back' }));
    const first = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, VisibilityTimeout: 600 }));
    await sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: queueUrl,
        ReceiptHandle: first.Messages![0]!.ReceiptHandle,
        VisibilityTimeout: 0,
      }),
    );
    const again = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl }));
    expect(again.Messages?.[0]?.Body).toBe('back');
  });

  it('moves a message to the dead-letter queue after maxReceiveCount receives and records the move', async () => {
    const sqs = sqsClient();
    const dlq = newQueue();
    const { name, queueUrl } = newQueue({ redrive: { deadLetterQueueName: dlq.name, maxReceiveCount: 2 } });
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'poison' }));

    for (const expectedCount of ['1', '2']) {
      const received = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          VisibilityTimeout: 0,
          MessageSystemAttributeNames: ['All'],
        }),
      );
      expect(received.Messages?.[0]?.Attributes?.ApproximateReceiveCount).toBe(expectedCount);
    }
    const third = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl }));
    expect(third.Messages).toBeUndefined();

    const dead = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: dlq.queueUrl, MessageSystemAttributeNames: ['All'] }),
    );
    expect(dead.Messages?.[0]).toMatchObject({ MessageId: sent.MessageId, Body: 'poison' });
    expect(dead.Messages?.[0]?.Attributes?.DeadLetterQueueSourceArn).toBe(gateway().sqs.queueArn(name));
    expect(gateway().captures.deadLetters.list()).toContainEqual(
      expect.objectContaining({
        id: sent.MessageId,
        source: name,
        reason: expect.stringContaining('maxReceiveCount 2'),
        queueName: name,
        dlqName: dlq.name,
        messageId: sent.MessageId,
        body: 'poison',
        receiveCount: 2,
      }),
    );
  });

  it('lists a message a consumer parks in its queue DLQ as a dead letter with the reason it gave', async () => {
    const sqs = sqsClient();
    const dlq = newQueue();
    const { name } = newQueue({ redrive: { deadLetterQueueName: dlq.name, maxReceiveCount: 5 } });
    const parked = await sqs.send(
      new SendMessageCommand({
        QueueUrl: dlq.queueUrl,
        MessageBody: '{"type":"message.sent"}',
        MessageAttributes: {
          failureClass: { DataType: 'String', StringValue: 'park' },
          status: { DataType: 'Number', StringValue: '404' },
          reason: { DataType: 'String', StringValue: 'Legacy API rejected the request with 404' },
          function: { DataType: 'String', StringValue: 'legacy-event-relay' },
        },
      }),
    );
    const plain = await sqs.send(
      new SendMessageCommand({ QueueUrl: dlq.queueUrl, MessageBody: 'no reason' }),
    );
    const listed = gateway().captures.deadLetters.list();
    expect(listed).toContainEqual(
      expect.objectContaining({
        id: parked.MessageId,
        source: name,
        dlqName: dlq.name,
        reason: 'park (404) by legacy-event-relay: Legacy API rejected the request with 404',
        body: '{"type":"message.sent"}',
      }),
    );
    expect(listed.some((letter) => letter.id === plain.MessageId)).toBe(false);
  });

  it('answers a long poll as soon as a message arrives instead of waiting out WaitTimeSeconds', async () => {
    const sqs = sqsClient();
    const { queueUrl } = newQueue();
    const started = Date.now();
    const polling = sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 10 }));
    await sleep(300);
    await sqsClient().send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'wake up' }));
    const received = await polling;
    const elapsed = Date.now() - started;
    expect(received.Messages?.[0]?.Body).toBe('wake up');
    expect(elapsed).toBeGreaterThanOrEqual(300);
    expect(elapsed).toBeLessThan(3000);
  });

  it('waits out WaitTimeSeconds and returns no messages when none arrive', async () => {
    const sqs = sqsClient();
    const { queueUrl } = newQueue();
    const started = Date.now();
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1 }));
    expect(received.Messages).toBeUndefined();
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('holds back a delayed message until its DelaySeconds have passed', async () => {
    const sqs = sqsClient();
    const { queueUrl } = newQueue();
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'later', DelaySeconds: 1 }));
    expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl }))).Messages).toBeUndefined();
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 3 }));
    expect(received.Messages?.[0]?.Body).toBe('later');
  });

  it('sends and deletes in batches, reporting each entry', async () => {
    const sqs = sqsClient();
    const { queueUrl } = newQueue();
    const sent = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: [
          { Id: 'a', MessageBody: 'first' },
          {
            Id: 'b',
            MessageBody: 'second',
            MessageAttributes: { k: { DataType: 'String', StringValue: 'v' } },
          },
        ],
      }),
    );
    expect(sent.Successful?.map((entry) => entry.Id).sort()).toEqual(['a', 'b']);
    expect(sent.Failed ?? []).toEqual([]);

    const received = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }),
    );
    expect(received.Messages?.map((message) => message.Body).sort()).toEqual(['first', 'second']);
    const deleted = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: [
          ...received.Messages!.map((message, index) => ({
            Id: `m${index}`,
            ReceiptHandle: message.ReceiptHandle!,
          })),
          { Id: 'bogus', ReceiptHandle: 'bogus' },
        ],
      }),
    );
    expect(deleted.Successful?.map((entry) => entry.Id).sort()).toEqual(['m0', 'm1']);
    expect(deleted.Failed).toEqual([
      expect.objectContaining({ Id: 'bogus', Code: 'ReceiptHandleIsInvalid', SenderFault: true }),
    ]);
  });

  it('resolves queue URLs and reports queue attributes', async () => {
    const sqs = sqsClient();
    const { name, queueUrl, queueArn } = newQueue({ visibilityTimeoutSeconds: 45 });
    expect(queueUrl).toBe(`${gateway().url}/123456789012/${name}`);
    expect(queueArn).toBe(`arn:aws:sqs:ap-northeast-2:123456789012:${name}`);
    expect((await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl).toBe(queueUrl);

    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'one' }));
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['All'] }),
    );
    expect(Attributes).toMatchObject({
      QueueArn: queueArn,
      VisibilityTimeout: '45',
      ApproximateNumberOfMessages: '1',
    });
  });

  it('rejects a queue that does not exist with the SDK QueueDoesNotExist error', async () => {
    const sqs = sqsClient();
    await expect(
      sqs.send(new SendMessageCommand({ QueueUrl: `${gateway().url}/123456789012/nope`, MessageBody: 'x' })),
    ).rejects.toBeInstanceOf(QueueDoesNotExist);
    await expect(sqs.send(new GetQueueUrlCommand({ QueueName: 'nope' }))).rejects.toBeInstanceOf(
      QueueDoesNotExist,
    );
  });

  it('refuses a message body with characters SQS does not allow', async () => {
    const { queueUrl } = newQueue();
    await expect(
      sqsClient().send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'bell \u0007' })),
    ).rejects.toMatchObject({ name: 'InvalidMessageContents' });
  });

  it('refuses a message over 256 KB, as SQS does, and keeps one at the limit', async () => {
    const { queueUrl, name } = newQueue();
    const sqs = sqsClient();
    await expect(
      sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: '가'.repeat(87_382) })),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue' });
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'a'.repeat(262_144) }));
    expect(gateway().sqs.listMessages(name)).toHaveLength(1);
  });

  it('refuses a whole batch whose bodies add up to more than 256 KB, sending none of it', async () => {
    const { queueUrl, name } = newQueue();
    const entries = ['1', '2', '3'].map((Id) => ({ Id, MessageBody: 'a'.repeat(100_000) }));
    await expect(
      sqsClient().send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries })),
    ).rejects.toMatchObject({ name: 'BatchRequestTooLong' });
    expect(gateway().sqs.listMessages(name)).toEqual([]);
  });
});

describe('SQS in-process API for the local pollers', () => {
  it('receives, extends and deletes without HTTP', async () => {
    const { name } = newQueue();
    const service = gateway().sqs;
    service.send(name, 'in-process', {
      messageAttributes: { kind: { DataType: 'String', StringValue: 'k' } },
    });
    const [message] = await service.receive(name, { maxMessages: 10, visibilityTimeoutSeconds: 5 });
    expect(message).toMatchObject({ body: 'in-process', attributes: { ApproximateReceiveCount: '1' } });
    expect(service.listMessages(name)).toEqual([
      expect.objectContaining({ state: 'in-flight', receiveCount: 1 }),
    ]);

    service.changeVisibility(name, message!.receiptHandle, 0);
    expect(service.listMessages(name)[0]?.state).toBe('visible');
    const [again] = await service.receive(name);
    expect(() => service.delete(name, message!.receiptHandle)).toThrow(/not a valid receipt handle/);
    service.delete(name, again!.receiptHandle);
    expect(service.listMessages(name)).toEqual([]);
  });

  it('ends a waiting receive when the caller aborts it', async () => {
    const { name } = newQueue();
    const abort = new AbortController();
    const started = Date.now();
    const waiting = gateway().sqs.receive(name, { waitTimeSeconds: 20, signal: abort.signal });
    setTimeout(() => abort.abort(), 100);
    expect(await waiting).toEqual([]);
    expect(Date.now() - started).toBeLessThan(2000);
    gateway().sqs.send(name, 'still here');
    expect(await gateway().sqs.receive(name)).toHaveLength(1);
  });
});
