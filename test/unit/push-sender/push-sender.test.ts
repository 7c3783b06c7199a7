import { type MessageConfiguration, PinpointClient, SendMessagesCommand } from '@aws-sdk/client-pinpoint';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CLAIM_SECONDS, deliveryKey, deliveryLog } from '../../../amplify/functions/push-sender/delivery-log';
import { deviceStore } from '../../../amplify/functions/push-sender/device-store';
import { createHandler, handler as deployedHandler } from '../../../amplify/functions/push-sender/handler';
import type { PushSenderDeps } from '../../../amplify/functions/push-sender/send-pushes';
import { logger } from '../../../amplify/functions/shared/logger';
import {
  deviceIdForToken,
  type PushPlatform,
  sendPush,
} from '../../../amplify/functions/shared/push/push-client';
import type { PushRequest } from '../../../amplify/functions/shared/push/push-request';
import { lambdaContext } from '../../support/lambda-context';
import { DEVICE_TABLE, FakePushTables, IDEMPOTENCY_TABLE } from './fake-tables';

const pinpoint = mockClient(PinpointClient);
const ddb = mockClient(DynamoDBDocumentClient);

const NOW = '2026-03-14T03:00:00.000Z';
const ALICE = 'user-alice';
const BOB = 'user-bob';
const TITLE = '김중개';
const BODY = '은마 84㎡ 아직 있어요';

let tables: FakePushTables;
let now: Date;
/** One token's MessageResult, as End User Messaging answers it. */
type Answer = { DeliveryStatus?: string; StatusCode?: number; StatusMessage?: string; UpdatedToken?: string };
/** Token → the result End User Messaging answers; null leaves the token out of the response. */
let answers: Map<string, Answer | null>;
let sent: { platform: string; tokens: string[]; configuration: MessageConfiguration }[];

function deps(): PushSenderDeps {
  const clock = () => now;
  return {
    devices: deviceStore({ tableName: () => DEVICE_TABLE, now: clock, sleep: async () => undefined }),
    deliveries: deliveryLog({ tableName: () => IDEMPOTENCY_TABLE, now: clock }),
    send: (messages) => sendPush({ applicationId: 'app-1', client: new PinpointClient({}), messages }),
  };
}

const handler = createHandler(deps);

beforeEach(() => {
  ddb.reset();
  pinpoint.reset();
  tables = new FakePushTables();
  tables.install(ddb);
  now = new Date(NOW);
  answers = new Map();
  sent = [];
  pinpoint.on(SendMessagesCommand).callsFake((input) => {
    const addresses = input.MessageRequest.Addresses as Record<string, { ChannelType: string }>;
    const tokens = Object.keys(addresses);
    const platforms = new Set(Object.values(addresses).map((address) => address.ChannelType));
    expect(platforms.size).toBe(1);
    sent.push({
      platform: [...platforms][0]!,
      tokens,
      configuration: input.MessageRequest.MessageConfiguration,
    });
    const Result: Record<string, Answer> = {};
    for (const token of tokens) {
      const answer = answers.has(token)
        ? answers.get(token)
        : { DeliveryStatus: 'SUCCESSFUL', StatusCode: 200 };
      if (answer) Result[token] = answer;
    }
    return { MessageResponse: { ApplicationId: input.ApplicationId, Result } };
  });
});

afterEach(() => vi.restoreAllMocks());

function alert(overrides: Partial<PushRequest> = {}): PushRequest {
  return {
    version: 1,
    pushId: `chat:msg-1:${ALICE}`,
    recipientId: ALICE,
    kind: 'alert',
    title: TITLE,
    body: BODY,
    badge: 3,
    deepLink: 'bootalk://chat/conv-1',
    collapseKey: 'chat-conv-1',
    threadId: 'conv-1',
    data: { type: 'chat.message', conversationId: 'conv-1', messageId: 'msg-1' },
    createdAt: NOW,
    ...overrides,
  };
}

function badgeUpdate(overrides: Partial<PushRequest> = {}): PushRequest {
  return {
    version: 1,
    pushId: `badge:${ALICE}:conv-1:${NOW}`,
    recipientId: ALICE,
    kind: 'badge',
    badge: 2,
    data: { type: 'badge', conversationId: 'conv-1' },
    createdAt: NOW,
    ...overrides,
  };
}

let sequence = 0;
function queued(body: PushRequest | string, messageId = `msg-${++sequence}`): SQSRecord {
  return {
    messageId,
    receiptHandle: `receipt-${messageId}`,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1773457200000',
      SenderId: 'AROAEXAMPLE',
      ApproximateFirstReceiveTimestamp: '1773457200000',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:ap-northeast-2:123456789012:sandbox-push',
    awsRegion: 'ap-northeast-2',
  };
}

/** Runs one invocation; returns the ids of the messages reported for redelivery. */
async function run(...records: SQSRecord[]): Promise<string[]> {
  const event: SQSEvent = { Records: records };
  const response = await handler(event, lambdaContext());
  return response.batchItemFailures.map((failure) => failure.itemIdentifier);
}

const sentTokens = () => sent.flatMap((call) => call.tokens);
const raw = (call: { configuration: MessageConfiguration }) =>
  JSON.parse((call.configuration.APNSMessage ?? call.configuration.GCMMessage)!.RawContent!);

describe('push-sender: what a device receives', () => {
  it('sends an alert to each device of the recipient, and to nobody else', async () => {
    tables.addDevice(ALICE, 'apns-alice', 'APNS');
    tables.addDevice(ALICE, 'fcm-alice', 'GCM');
    tables.addDevice(BOB, 'apns-bob', 'APNS');
    expect(await run(queued(alert()))).toEqual([]);
    expect(sentTokens().sort()).toEqual(['apns-alice', 'fcm-alice']);
  });

  it('gives APNs the title, body, badge, default sound, data with the deep link, collapse id and thread id', async () => {
    tables.addDevice(ALICE, 'apns-alice', 'APNS');
    await run(queued(alert()));
    const [call] = sent;
    expect(call?.configuration.APNSMessage).toMatchObject({
      APNSPushType: 'alert',
      Priority: '10',
      CollapseId: 'chat-conv-1',
    });
    expect(raw(call!)).toEqual({
      type: 'chat.message',
      conversationId: 'conv-1',
      messageId: 'msg-1',
      deepLink: 'bootalk://chat/conv-1',
      aps: { alert: { title: TITLE, body: BODY }, badge: 3, sound: 'default', 'thread-id': 'conv-1' },
    });
  });

  it('gives FCM the notification, string data with the deep link, collapse key and tag', async () => {
    tables.addDevice(ALICE, 'fcm-alice', 'GCM');
    await run(queued(alert()));
    expect(raw(sent[0]!)).toEqual({
      fcmV1Message: {
        message: {
          notification: { title: TITLE, body: BODY },
          data: {
            type: 'chat.message',
            conversationId: 'conv-1',
            messageId: 'msg-1',
            deepLink: 'bootalk://chat/conv-1',
          },
          android: {
            priority: 'high',
            collapse_key: 'chat-conv-1',
            notification: { tag: 'chat-conv-1', sound: 'default', notification_count: 3 },
          },
        },
      },
    });
  });

  it('updates the badge silently: APNs gets only aps.badge, FCM a data message', async () => {
    tables.addDevice(ALICE, 'apns-alice', 'APNS');
    tables.addDevice(ALICE, 'fcm-alice', 'GCM');
    expect(await run(queued(badgeUpdate()))).toEqual([]);
    const apns = sent.find((call) => call.platform === 'APNS')!;
    const fcm = sent.find((call) => call.platform === 'GCM')!;
    expect(apns.configuration.APNSMessage).toMatchObject({ APNSPushType: 'alert', Priority: '5' });
    expect(raw(apns)).toEqual({ type: 'badge', conversationId: 'conv-1', aps: { badge: 2 } });
    expect(raw(fcm)).toEqual({
      fcmV1Message: {
        message: {
          data: { type: 'badge', conversationId: 'conv-1', badge: '2' },
          android: { priority: 'normal' },
        },
      },
    });
  });

  it('sends a badge update without a number to FCM only: an empty aps changes nothing on iOS', async () => {
    tables.addDevice(ALICE, 'apns-alice', 'APNS');
    tables.addDevice(ALICE, 'fcm-alice', 'GCM');
    const { badge: _badge, ...withoutBadge } = badgeUpdate();
    expect(await run(queued(withoutBadge as PushRequest))).toEqual([]);
    expect(sentTokens()).toEqual(['fcm-alice']);
    expect(raw(sent[0]!).fcmV1Message.message.data).toEqual({ type: 'badge', conversationId: 'conv-1' });
  });

  it('skips devices marked invalid and rows it cannot send to', async () => {
    tables.addDevice(ALICE, 'apns-ok', 'APNS');
    tables.addDevice(ALICE, 'apns-invalidated', 'APNS', { invalidatedAt: '2026-03-13T00:00:00.000Z' });
    tables.addDevice(ALICE, 'baidu-token', 'BAIDU' as PushPlatform);
    tables.addDevice(ALICE, 'apns-null-invalidated', 'APNS', { invalidatedAt: null });
    await run(queued(alert()));
    expect(sentTokens().sort()).toEqual(['apns-null-invalidated', 'apns-ok']);
  });

  it('does not reach a token that moved to another user, even while the index still lists it', async () => {
    const moved = tables.addDevice(BOB, 'apns-moved', 'APNS');
    tables.staleIndex.set(moved.id, ALICE);
    tables.addDevice(ALICE, 'apns-alice', 'APNS');
    expect(await run(queued(alert()))).toEqual([]);
    expect(sentTokens()).toEqual(['apns-alice']);
  });

  it('finishes a push for a user without devices without calling End User Messaging', async () => {
    expect(await run(queued(alert()))).toEqual([]);
    expect(sent).toEqual([]);
  });
});

describe('push-sender: SendMessages calls', () => {
  /** `count` APNs devices spread over ten recipients, each sent the same notice. */
  function sameNoticeTo(count: number): SQSRecord[] {
    const users = Array.from({ length: 10 }, (_, i) => `user-${i}`);
    for (let i = 0; i < count; i++) tables.addDevice(users[i % 10]!, `apns-${i}`, 'APNS');
    return users.map((userId) =>
      queued(
        alert({
          pushId: `notice:n-1:${userId}`,
          recipientId: userId,
          title: '공지',
          body: '서비스 점검 안내',
          badge: undefined,
          deepLink: 'bootalk://notices/n-1',
          collapseKey: undefined,
          threadId: undefined,
          data: { type: 'notice', noticeId: 'n-1' },
        }),
      ),
    );
  }

  it.each([
    [100, [100]],
    [101, [100, 1]],
    [250, [100, 100, 50]],
  ])('sends the same payload to %i addresses in calls of %j', async (count, sizes) => {
    expect(await run(...sameNoticeTo(count))).toEqual([]);
    expect(sent.map((call) => call.tokens.length)).toEqual(sizes);
    expect(new Set(sentTokens()).size).toBe(count);
  });

  it('never mixes platforms or payloads in one call', async () => {
    tables.addDevice(ALICE, 'apns-alice', 'APNS');
    tables.addDevice(ALICE, 'sandbox-alice', 'APNS_SANDBOX');
    tables.addDevice(ALICE, 'fcm-alice', 'GCM');
    tables.addDevice(BOB, 'apns-bob', 'APNS');
    await run(queued(alert()), queued(alert({ pushId: `chat:msg-1:${BOB}`, recipientId: BOB, badge: 7 })));
    expect(sent.map((call) => [call.platform, call.tokens]).sort()).toEqual([
      ['APNS', ['apns-alice']],
      ['APNS', ['apns-bob']],
      ['APNS_SANDBOX', ['sandbox-alice']],
      ['GCM', ['fcm-alice']],
    ]);
  });
});

describe('push-sender: each token result', () => {
  beforeEach(() => {
    tables.addDevice(ALICE, 'apns-ok', 'APNS');
    tables.addDevice(ALICE, 'fcm-under-test', 'GCM', { appVersion: '3.11.2', locale: 'en-US' });
  });

  const underTest = () => tables.deviceWithToken('fcm-under-test');
  const record = () => tables.deliveries.get(deliveryKey(alert().pushId, deviceIdForToken('fcm-under-test')));

  it.each([
    'BadDeviceToken',
    'Unregistered',
    'DeviceTokenNotForTopic',
    'NotRegistered',
    'InvalidRegistration',
    'MismatchSenderId',
    'unregistered',
    'INVALIDREGISTRATION',
    '{"error":"NotRegistered"}',
  ])('deletes the device on PERMANENT_FAILURE %s, and is done', async (reason) => {
    answers.set('fcm-under-test', {
      DeliveryStatus: 'PERMANENT_FAILURE',
      StatusCode: 410,
      StatusMessage: reason,
    });
    expect(await run(queued(alert()))).toEqual([]);
    expect(underTest()).toBeUndefined();
    expect(tables.deviceWithToken('apns-ok')).toBeDefined();
    expect(record()).toMatchObject({ status: 'SENT' });
  });

  it.each([
    ['PERMANENT_FAILURE', 'TopicDisallowed'],
    ['PERMANENT_FAILURE', undefined],
    ['OPT_OUT', undefined],
    ['DUPLICATE', undefined],
  ])('keeps the device on %s %s, and does not retry', async (status, reason) => {
    answers.set('fcm-under-test', { DeliveryStatus: status, StatusCode: 400, StatusMessage: reason });
    expect(await run(queued(alert()))).toEqual([]);
    expect(underTest()).toBeDefined();
    expect(record()).toMatchObject({ status: 'SENT' });
  });

  it('keeps the device on PayloadTooLarge and fails the message, so it ends in push-dlq rather than counting as sent', async () => {
    answers.set('fcm-under-test', {
      DeliveryStatus: 'PERMANENT_FAILURE',
      StatusCode: 413,
      StatusMessage: 'PayloadTooLarge',
    });
    const message = queued(alert());
    expect(await run(message)).toEqual([message.messageId]);
    expect(underTest()).toBeDefined();
    expect(record()).toBeUndefined();
  });

  it.each(['THROTTLED', 'TEMPORARY_FAILURE', 'TIMEOUT', 'UNKNOWN_FAILURE'])(
    'keeps the device on %s and reports the message for redelivery',
    async (status) => {
      answers.set('fcm-under-test', { DeliveryStatus: status, StatusCode: 429 });
      const message = queued(alert());
      expect(await run(message)).toEqual([message.messageId]);
      expect(underTest()).toBeDefined();
      // Released, so the redelivery sends it.
      expect(record()).toBeUndefined();
    },
  );

  it('retries a token missing from the response', async () => {
    answers.set('fcm-under-test', null);
    const message = queued(alert());
    expect(await run(message)).toEqual([message.messageId]);
    expect(underTest()).toBeDefined();
  });

  it('retries every token of a SendMessages call that failed', async () => {
    pinpoint
      .on(SendMessagesCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' }));
    const message = queued(alert());
    expect(await run(message)).toEqual([message.messageId]);
    expect(tables.deliveries.size).toBe(0);
    expect(tables.devices.size).toBe(2);
  });

  it('moves the device to an updated token, keeping its user, platform, app version, locale and lastSeenAt', async () => {
    const before = underTest()!;
    answers.set('fcm-under-test', {
      DeliveryStatus: 'SUCCESSFUL',
      StatusCode: 200,
      UpdatedToken: 'fcm-updated',
    });
    expect(await run(queued(alert()))).toEqual([]);
    expect(underTest()).toBeUndefined();
    expect(tables.deviceWithToken('fcm-updated')).toEqual({
      ...before,
      id: deviceIdForToken('fcm-updated'),
      token: 'fcm-updated',
      createdAt: NOW,
      updatedAt: NOW,
    });
    expect(record()).toMatchObject({ status: 'SENT' });
  });

  it('keeps the row the app already registered for the updated token, and removes the old one', async () => {
    const registered = tables.addDevice(ALICE, 'fcm-updated', 'GCM', {
      lastSeenAt: NOW,
      appVersion: '3.13.0',
    });
    answers.set('fcm-under-test', { DeliveryStatus: 'SUCCESSFUL', UpdatedToken: 'fcm-updated' });
    await run(queued(alert()));
    expect(underTest()).toBeUndefined();
    expect(tables.deviceWithToken('fcm-updated')).toEqual(registered);
  });

  it('does not give an updated token to a user the old token has left meanwhile', async () => {
    answers.set('fcm-under-test', { DeliveryStatus: 'SUCCESSFUL', UpdatedToken: 'fcm-updated' });
    // The app registered the token for Bob between the read and the result.
    const original = deps();
    const movingHandler = createHandler(() => ({
      ...original,
      send: async (messages) => {
        tables.devices.set(deviceIdForToken('fcm-under-test'), { ...underTest()!, userId: BOB });
        return original.send(messages);
      },
    }));
    await movingHandler({ Records: [queued(alert())] }, lambdaContext());
    expect(underTest()).toMatchObject({ userId: BOB });
    expect(tables.deviceWithToken('fcm-updated')).toBeUndefined();
  });

  it('does not send again to a moved token when the message is redelivered for another device', async () => {
    tables.addDevice(ALICE, 'fcm-throttled', 'GCM');
    answers.set('fcm-under-test', { DeliveryStatus: 'SUCCESSFUL', UpdatedToken: 'fcm-updated' });
    answers.set('fcm-throttled', { DeliveryStatus: 'THROTTLED', StatusCode: 429 });
    const message = queued(alert());
    expect(await run(message)).toEqual([message.messageId]);
    expect(tables.deviceWithToken('fcm-updated')).toBeDefined();
    sent = [];
    // The redelivery: the throttled device is tried again; the phone that got it under its old token is not.
    expect(await run(message)).toEqual([message.messageId]);
    expect(sentTokens()).toEqual(['fcm-throttled']);
  });

  it('moves a throttled token that carries an update, and sends to the new token on redelivery', async () => {
    answers.set('fcm-under-test', { DeliveryStatus: 'THROTTLED', UpdatedToken: 'fcm-updated' });
    const message = queued(alert());
    expect(await run(message)).toEqual([message.messageId]);
    expect(tables.deviceWithToken('fcm-updated')).toBeDefined();
    sent = [];
    expect(await run(message)).toEqual([]);
    expect(sentTokens()).toEqual(['fcm-updated']);
  });
});

describe('push-sender: idempotency by pushId', () => {
  it('sends nothing twice when a message is redelivered', async () => {
    tables.addDevice(ALICE, 'apns-alice', 'APNS');
    tables.addDevice(ALICE, 'fcm-alice', 'GCM');
    const message = queued(alert());
    expect(await run(message)).toEqual([]);
    expect(sent).toHaveLength(2);
    expect(await run(message)).toEqual([]);
    expect(sent).toHaveLength(2);
  });

  it('sends nothing twice when a producer queues the same pushId again', async () => {
    tables.addDevice(ALICE, 'apns-alice', 'APNS');
    await run(queued(alert()));
    expect(await run(queued(alert()))).toEqual([]);
    expect(sentTokens()).toEqual(['apns-alice']);
  });

  it('sends a pushId once when two copies arrive in one batch, and finishes both', async () => {
    tables.addDevice(ALICE, 'apns-alice', 'APNS');
    expect(await run(queued(alert()), queued(alert()))).toEqual([]);
    expect(sentTokens()).toEqual(['apns-alice']);
  });

  it('resends only to the devices that failed temporarily', async () => {
    tables.addDevice(ALICE, 'apns-alice', 'APNS');
    tables.addDevice(ALICE, 'fcm-alice', 'GCM');
    answers.set('fcm-alice', { DeliveryStatus: 'TEMPORARY_FAILURE', StatusCode: 503 });
    const message = queued(alert());
    expect(await run(message)).toEqual([message.messageId]);
    answers.clear();
    sent = [];
    expect(await run(message)).toEqual([]);
    expect(sentTokens()).toEqual(['fcm-alice']);
  });

  it('leaves a device another invocation is sending to, retries the message, and sends once the claim has expired', async () => {
    const device = tables.addDevice(ALICE, 'apns-alice', 'APNS');
    const key = deliveryKey(alert().pushId, device.id);
    const nowSeconds = Math.floor(now.getTime() / 1000);
    tables.deliveries.set(key, {
      id: key,
      status: 'SENDING',
      owner: 'other',
      expiration: nowSeconds + CLAIM_SECONDS,
    });
    const message = queued(alert());
    expect(await run(message)).toEqual([message.messageId]);
    expect(sent).toEqual([]);
    // Its holder died without sending; the redelivery comes after the claim ran out.
    now = new Date(now.getTime() + (CLAIM_SECONDS + 1) * 1000);
    expect(await run(message)).toEqual([]);
    expect(sentTokens()).toEqual(['apns-alice']);
    expect(tables.deliveries.get(key)).toMatchObject({ status: 'SENT' });
  });

  it('sends again once the SENT record has expired (TTL deletes late, the condition does not)', async () => {
    const device = tables.addDevice(ALICE, 'apns-alice', 'APNS');
    const key = deliveryKey(alert().pushId, device.id);
    tables.deliveries.set(key, { id: key, status: 'SENT', expiration: Math.floor(now.getTime() / 1000) - 1 });
    expect(await run(queued(alert()))).toEqual([]);
    expect(sentTokens()).toEqual(['apns-alice']);
  });

  it('does not retry a message whose SENT record failed: the push went out, a retry would repeat it', async () => {
    tables.addDevice(ALICE, 'apns-alice', 'APNS');
    tables.failures.push({
      call: `Put:${IDEMPOTENCY_TABLE}`,
      error: new Error('ProvisionedThroughputExceeded'),
      when: (input) => (input.Item as { status: string }).status === 'SENT',
    });
    const warned = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    expect(await run(queued(alert()))).toEqual([]);
    expect(sentTokens()).toEqual(['apns-alice']);
    expect(warned).toHaveBeenCalledWith('Could not record a delivery', expect.anything());
  });
});

describe('push-sender: bad input and failures', () => {
  it("fails a body that is not a push request for the queue's DLQ, and sends the rest of the batch", async () => {
    tables.addDevice(ALICE, 'apns-alice', 'APNS');
    const failed = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const { title: _title, ...untitled } = alert({ pushId: 'chat:msg-2:alice' });
    const failures = await run(
      queued('not json'),
      queued(JSON.stringify({ ...alert(), version: 2 })),
      queued(JSON.stringify(untitled)),
      queued(alert()),
    );
    // push-sender has no DEAD_LETTER_QUEUE_URL: the queue's redrive keeps them in push-dlq.
    expect(failures).toHaveLength(3);
    expect(sentTokens()).toEqual(['apns-alice']);
    expect(
      failed.mock.calls.filter(([message]) => message === 'Record failed; reporting it for retry'),
    ).toHaveLength(3);
  });

  it('retries only the pushes whose recipient’s devices could not be read', async () => {
    tables.addDevice(ALICE, 'apns-alice', 'APNS');
    tables.addDevice(BOB, 'apns-bob', 'APNS');
    tables.failures.push({
      call: `Query:${DEVICE_TABLE}`,
      error: new Error('ServiceUnavailable'),
      when: (input) => (input.ExpressionAttributeValues as Record<string, string>)[':userId'] === BOB,
    });
    const forBob = queued(alert({ pushId: `chat:msg-1:${BOB}`, recipientId: BOB }));
    expect(await run(queued(alert()), forBob)).toEqual([forBob.messageId]);
    expect(sentTokens()).toEqual(['apns-alice']);
  });

  it('does not send to a device it could not claim, and retries that push', async () => {
    tables.addDevice(ALICE, 'apns-alice', 'APNS');
    tables.failures.push({ call: `Put:${IDEMPOTENCY_TABLE}`, error: new Error('ServiceUnavailable') });
    const message = queued(alert());
    expect(await run(message)).toEqual([message.messageId]);
    expect(sent).toEqual([]);
  });

  it('finishes the push when a dead token could not be deleted: its next push meets it again', async () => {
    tables.addDevice(ALICE, 'invalid-alice', 'APNS');
    answers.set('invalid-alice', { DeliveryStatus: 'PERMANENT_FAILURE', StatusMessage: 'BadDeviceToken' });
    tables.failures.push({ call: `Delete:${DEVICE_TABLE}`, error: new Error('ServiceUnavailable') });
    vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    expect(await run(queued(alert()))).toEqual([]);
    expect(tables.deviceWithToken('invalid-alice')).toBeDefined();
  });

  it('fails the invocation and releases its claims when sending is impossible', async () => {
    tables.addDevice(ALICE, 'apns-alice', 'APNS');
    const broken = createHandler(() => ({
      ...deps(),
      send: async () => {
        throw new Error('Environment variable PUSH_APPLICATION_ID is not set');
      },
    }));
    await expect(broken({ Records: [queued(alert())] }, lambdaContext())).rejects.toThrow(
      'PUSH_APPLICATION_ID',
    );
    expect(tables.deliveries.size).toBe(0);
  });

  it('never logs tokens, titles or bodies', async () => {
    const written: unknown[] = [];
    for (const level of ['debug', 'info', 'warn', 'error'] as const)
      vi.spyOn(logger, level).mockImplementation((...args: unknown[]) => {
        written.push(args);
      });
    tables.addDevice(ALICE, 'apns-secret-token', 'APNS');
    tables.addDevice(ALICE, 'invalid-secret-token', 'GCM');
    tables.addDevice(ALICE, 'throttled-secret-token', 'GCM');
    answers.set('invalid-secret-token', {
      DeliveryStatus: 'PERMANENT_FAILURE',
      StatusMessage: 'NotRegistered',
    });
    answers.set('throttled-secret-token', { DeliveryStatus: 'THROTTLED' });
    await run(queued(alert()), queued('{"title":"김중개"}'));
    expect(written.length).toBeGreaterThan(0);
    const text = JSON.stringify(written);
    expect(text).not.toContain('secret-token');
    expect(text).not.toContain(TITLE);
    expect(text).not.toContain('은마');
  });
});

describe('push-sender: the deployed handler', () => {
  it('reads its tables and application from the environment', async () => {
    vi.stubEnv('DEVICE_TABLE_NAME', DEVICE_TABLE);
    vi.stubEnv('IDEMPOTENCY_TABLE_NAME', IDEMPOTENCY_TABLE);
    vi.stubEnv('PUSH_APPLICATION_ID', 'app-from-env');
    vi.stubEnv('AWS_REGION', 'ap-northeast-2');
    try {
      tables.addDevice(ALICE, 'apns-alice', 'APNS');
      const response = await deployedHandler(
        { Records: [queued(alert())] },
        lambdaContext(),
        () => undefined,
      );
      expect(response).toEqual({ batchItemFailures: [] });
      expect(pinpoint.commandCalls(SendMessagesCommand)[0]?.args[0].input.ApplicationId).toBe('app-from-env');
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
