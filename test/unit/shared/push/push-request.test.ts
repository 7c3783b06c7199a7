import { SendMessageBatchCommand, type SendMessageBatchCommandInput, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { PermanentRecordError } from '../../../../amplify/functions/shared/errors';
import {
  PushQueueError,
  type PushRequest,
  parsePushRequest,
  queuePushes,
} from '../../../../amplify/functions/shared/push/push-request';

const QUEUE_URL = 'https://sqs.ap-northeast-2.amazonaws.com/123456789012/dev-push';
const sqs = mockClient(SQSClient);
const client = new SQSClient({ region: 'ap-northeast-2' });

function alert(overrides: Partial<PushRequest> = {}): PushRequest {
  return {
    version: 1,
    pushId: 'chat:msg-1:broker-301',
    recipientId: 'broker-301',
    kind: 'alert',
    title: '대치동새댁',
    body: '안녕하세요, 은마 84㎡ 아직 있나요?',
    badge: 3,
    deepLink: 'bootalk://chat/conv-1',
    collapseKey: 'chat-conv-1',
    threadId: 'conv-1',
    data: { type: 'chat.message', conversationId: 'conv-1', messageId: 'msg-1' },
    createdAt: '2026-03-14T02:59:59.000Z',
    ...overrides,
  };
}

/** A valid alert as JSON with `field` replaced by `value`, or removed when `value` is undefined. */
function withField(field: string, value: unknown): string {
  const body: Record<string, unknown> = { ...alert() };
  if (value === undefined) delete body[field];
  else body[field] = value;
  return JSON.stringify(body);
}

describe('parsePushRequest', () => {
  it('reads a valid alert back exactly', () => {
    expect(parsePushRequest(JSON.stringify(alert()))).toEqual(alert());
  });

  it('accepts a silent badge update without title or body', () => {
    const badge: PushRequest = {
      version: 1,
      pushId: 'badge:conv-1:broker-301:2026-03-14T03:00:00.000Z',
      recipientId: 'broker-301',
      kind: 'badge',
      badge: 0,
      data: {},
      createdAt: '2026-03-14T03:00:00.000Z',
    };
    expect(parsePushRequest(JSON.stringify(badge))).toEqual(badge);
  });

  it.each([
    ['a body that is not JSON', '{"version":1,'],
    ['null', 'null'],
    ['a string', '"push"'],
  ])('refuses %s as a permanent failure', (_name, body) => {
    expect(() => parsePushRequest(body)).toThrow(PermanentRecordError);
  });

  it.each([
    ['version', 2, /version must be 1/],
    ['version', undefined, /version must be 1/],
    ['pushId', '', /pushId/],
    ['pushId', undefined, /pushId/],
    ['recipientId', 42, /recipientId/],
    ['recipientId', undefined, /recipientId/],
    ['kind', 'sms', /kind/],
    ['title', 7, /title/],
    ['title', undefined, /an alert needs title and body/],
    ['body', '', /an alert needs title and body/],
    ['body', ['text'], /body/],
    ['deepLink', { url: 'bootalk://chat/conv-1' }, /deepLink/],
    ['collapseKey', 1, /collapseKey/],
    ['threadId', false, /threadId/],
    ['badge', -1, /badge/],
    ['badge', 1.5, /badge/],
    ['badge', '3', /badge/],
    ['data', undefined, /data must map strings to strings/],
    ['data', null, /data must map strings to strings/],
    ['data', { messageId: 1 }, /data must map strings to strings/],
    ['data', ['chat.message'], /data must map strings to strings/],
    ['createdAt', 'yesterday', /createdAt/],
    ['createdAt', undefined, /createdAt/],
  ])('refuses a request whose %s is %j', (field, value, problem) => {
    expect(() => parsePushRequest(withField(field, value))).toThrow(PermanentRecordError);
    expect(() => parsePushRequest(withField(field, value))).toThrow(problem);
  });

  it('names the invalid fields but never their values, which may be message text', () => {
    const body = JSON.stringify({ ...alert(), title: 12345, badge: -9, createdAt: '내일' });
    let message = '';
    try {
      parsePushRequest(body);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe('Invalid push request: title, badge, createdAt');
  });
});

describe('queuePushes', () => {
  beforeEach(() => {
    sqs.reset();
    sqs.on(SendMessageBatchCommand).callsFake((input: SendMessageBatchCommandInput) => ({
      Successful: (input.Entries ?? []).map((entry) => ({
        Id: entry.Id,
        MessageId: `sqs-${entry.Id}`,
        MD5OfMessageBody: 'md5',
      })),
      Failed: [],
    }));
  });

  const requests = (count: number) =>
    Array.from({ length: count }, (_, i) =>
      alert({ pushId: `chat:msg-1:user-${i}`, recipientId: `user-${i}` }),
    );
  const sentBatches = () =>
    sqs
      .commandCalls(SendMessageBatchCommand)
      .map((call) => call.args[0].input as SendMessageBatchCommandInput);

  it.each([
    [0, []],
    [1, [1]],
    [10, [10]],
    [11, [10, 1]],
    [25, [10, 10, 5]],
  ])('queues %i requests in batches of %j', async (count, sizes) => {
    await queuePushes(QUEUE_URL, requests(count), client);
    const batches = sentBatches();
    expect(batches.map((batch) => batch.Entries?.length)).toEqual(sizes);
    expect(batches.every((batch) => batch.QueueUrl === QUEUE_URL)).toBe(true);
    const bodies = batches.flatMap((batch) => batch.Entries!.map((entry) => entry.MessageBody!));
    expect(bodies.map((body) => parsePushRequest(body))).toEqual(requests(count));
  });

  it('labels each message with its kind and gives entries ids unique within the batch', async () => {
    await queuePushes(QUEUE_URL, [alert(), alert({ pushId: 'p-2', kind: 'badge' })], client);
    const [batch] = sentBatches();
    expect(batch!.Entries!.map((entry) => entry.Id)).toEqual(['0', '1']);
    expect(batch!.Entries!.map((entry) => entry.MessageAttributes?.kind?.StringValue)).toEqual([
      'alert',
      'badge',
    ]);
  });

  it('queues every batch and then fails with the pushIds SQS refused', async () => {
    sqs
      .on(SendMessageBatchCommand)
      .resolvesOnce({ Successful: [], Failed: [] })
      .resolvesOnce({
        Failed: [{ Id: '3', SenderFault: false, Code: 'InternalError' }],
      })
      .resolvesOnce({
        Failed: [{ Id: '0', SenderFault: false, Code: 'ServiceUnavailable' }],
      });
    const error = await queuePushes(QUEUE_URL, requests(25), client).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PushQueueError);
    expect((error as PushQueueError).failedPushIds).toEqual(['chat:msg-1:user-13', 'chat:msg-1:user-20']);
    expect(sentBatches()).toHaveLength(3);
  });

  it('fails when SQS cannot be reached', async () => {
    sqs.on(SendMessageBatchCommand).rejects(new Error('socket hang up'));
    await expect(queuePushes(QUEUE_URL, requests(2), client)).rejects.toThrow('socket hang up');
  });
});
