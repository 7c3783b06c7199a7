import { PinpointClient, SendMessagesCommand } from '@aws-sdk/client-pinpoint';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  apnsMessage,
  chunkAddresses,
  classifyDelivery,
  classifyPushResult,
  deviceIdForToken,
  fcmMessage,
  fitPushPayload,
  MAX_PUSH_PAYLOAD_BYTES,
  type PushMessage,
  type PushPayload,
  sendPush,
} from '../../../../amplify/functions/shared/push/push-client';

const pinpoint = mockClient(PinpointClient);
const client = new PinpointClient({ region: 'ap-northeast-2' });

describe('chunkAddresses', () => {
  const tokens = (n: number) => Array.from({ length: n }, (_, i) => `t${i}`);

  it.each([
    [100, [100]],
    [101, [100, 1]],
    [250, [100, 100, 50]],
    [0, []],
  ])('splits %i tokens into chunks of %j', (count, sizes) => {
    const chunks = chunkAddresses(tokens(count), 100);
    expect(chunks.map((chunk) => chunk.length)).toEqual(sizes);
    expect(chunks.flat()).toEqual(tokens(count));
  });
});

describe('classifyPushResult', () => {
  it.each([
    [{ DeliveryStatus: 'SUCCESSFUL' }, 'delivered'],
    [{ DeliveryStatus: 'SUCCESSFUL', UpdatedToken: 'new' }, 'token-updated'],
    [{ DeliveryStatus: 'PERMANENT_FAILURE', StatusMessage: 'BadDeviceToken' }, 'invalid-token'],
    [{ DeliveryStatus: 'PERMANENT_FAILURE', StatusMessage: '{"reason":"Unregistered"}' }, 'invalid-token'],
    [{ DeliveryStatus: 'PERMANENT_FAILURE', StatusMessage: 'DeviceTokenNotForTopic' }, 'invalid-token'],
    [{ DeliveryStatus: 'PERMANENT_FAILURE', StatusMessage: 'error: NotRegistered' }, 'invalid-token'],
    [{ DeliveryStatus: 'PERMANENT_FAILURE', StatusMessage: 'invalidregistration' }, 'invalid-token'],
    [{ DeliveryStatus: 'PERMANENT_FAILURE', StatusMessage: 'MISMATCHSENDERID' }, 'invalid-token'],
    [{ DeliveryStatus: 'PERMANENT_FAILURE', reason: 'Unregistered' }, 'invalid-token'],
    [{ DeliveryStatus: 'PERMANENT_FAILURE', StatusMessage: 'PayloadTooLarge' }, 'too-large'],
    [{ DeliveryStatus: 'PERMANENT_FAILURE', StatusMessage: 'MessageTooBig' }, 'too-large'],
    [{ DeliveryStatus: 'PERMANENT_FAILURE', StatusMessage: 'TopicDisallowed' }, 'keep-failed'],
    [{ DeliveryStatus: 'PERMANENT_FAILURE', UpdatedToken: 'new' }, 'token-updated'],
    [{ DeliveryStatus: 'THROTTLED' }, 'retry'],
    [{ DeliveryStatus: 'TEMPORARY_FAILURE' }, 'retry'],
    [{ DeliveryStatus: 'TIMEOUT' }, 'retry'],
    [{ DeliveryStatus: 'UNKNOWN_FAILURE' }, 'retry'],
    [{ DeliveryStatus: undefined }, 'retry'],
    [{ DeliveryStatus: 'OPT_OUT' }, 'keep-failed'],
    [{ DeliveryStatus: 'DUPLICATE' }, 'keep-failed'],
  ] as const)('classifies %j as %s', (result, outcome) => {
    expect(classifyPushResult(result as Parameters<typeof classifyPushResult>[0])).toBe(outcome);
  });
});

describe('classifyDelivery', () => {
  it.each([
    [{ DeliveryStatus: 'SUCCESSFUL', UpdatedToken: 'new' }, 'delivered'],
    [{ DeliveryStatus: 'THROTTLED', UpdatedToken: 'new' }, 'retry'],
    [
      { DeliveryStatus: 'PERMANENT_FAILURE', StatusMessage: 'Unregistered', UpdatedToken: 'new' },
      'invalid-token',
    ],
    [
      { DeliveryStatus: 'PERMANENT_FAILURE', StatusMessage: 'PayloadTooLarge', UpdatedToken: 'new' },
      'too-large',
    ],
  ] as const)('classifies the send of %j as %s, whatever the updated token', (result, delivery) => {
    expect(classifyDelivery(result as Parameters<typeof classifyDelivery>[0])).toBe(delivery);
  });
});

describe('deviceIdForToken', () => {
  it('is the sha256 of the token in hex', () => {
    expect(deviceIdForToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('payloads', () => {
  const payload = {
    title: '새 메시지',
    body: '중개사님이 답장했어요',
    badge: 3,
    sound: 'default',
    data: { conversationId: 'c1' },
    collapseKey: 'conversation-c1',
    threadId: 'c1',
  };

  it('builds an APNs payload with aps alert, badge, sound, thread-id and the collapse id', () => {
    const message = apnsMessage(payload);
    expect(message.CollapseId).toBe('conversation-c1');
    expect(message.APNSPushType).toBe('alert');
    expect(JSON.parse(message.RawContent!)).toEqual({
      conversationId: 'c1',
      aps: {
        alert: { title: '새 메시지', body: '중개사님이 답장했어요' },
        badge: 3,
        sound: 'default',
        'thread-id': 'c1',
      },
    });
  });

  it('builds an FCM v1 payload with notification, data, collapse_key and tag', () => {
    const message = fcmMessage(payload);
    expect(message.PreferredAuthenticationMethod).toBe('TOKEN');
    expect(JSON.parse(message.RawContent!)).toEqual({
      fcmV1Message: {
        message: {
          notification: { title: '새 메시지', body: '중개사님이 답장했어요' },
          data: { conversationId: 'c1' },
          android: {
            priority: 'high',
            collapse_key: 'conversation-c1',
            notification: { tag: 'conversation-c1', sound: 'default', notification_count: 3 },
          },
        },
      },
    });
  });
});

describe('badge payloads', () => {
  const badge = { kind: 'badge' as const, badge: 5, data: { type: 'badge' }, collapseKey: 'badge' };

  it('makes APNs a badge-only alert push: no alert, no sound, no content-available', () => {
    const message = apnsMessage(badge);
    expect(message).toMatchObject({ APNSPushType: 'alert', Priority: '5', CollapseId: 'badge' });
    expect(JSON.parse(message.RawContent!)).toEqual({ type: 'badge', aps: { badge: 5 } });
  });

  it('makes FCM a data message with the badge as a string and no notification', () => {
    expect(JSON.parse(fcmMessage(badge).RawContent!)).toEqual({
      fcmV1Message: {
        message: {
          data: { type: 'badge', badge: '5' },
          android: { priority: 'normal', collapse_key: 'badge' },
        },
      },
    });
  });

  it('ignores title, body and sound smuggled into a badge update', () => {
    const smuggled = { ...badge, title: 'x', body: 'y', sound: 'default' } as typeof badge;
    expect(JSON.parse(apnsMessage(smuggled).RawContent!).aps).toEqual({ badge: 5 });
    expect(JSON.parse(fcmMessage(smuggled).RawContent!).fcmV1Message.message.notification).toBeUndefined();
  });
});

describe("payloads over the providers' 4 KB limit", () => {
  const bytes = (payload: PushPayload, platform: 'APNS' | 'GCM') =>
    Buffer.byteLength((platform === 'GCM' ? fcmMessage(payload) : apnsMessage(payload)).RawContent!, 'utf8');
  const alert = (title: string, body: string): PushPayload => ({
    title,
    body,
    sound: 'default',
    badge: 12,
    data: {
      type: 'chat',
      conversationId: 'c0f3a9d2-1111-5222-8333-444455556666',
      deepLink: 'bootalk://chat/c0f3a9d2',
    },
    collapseKey: 'chat-c0f3a9d2-1111-5222-8333-444455556666',
    threadId: 'chat-c0f3a9d2-1111-5222-8333-444455556666',
  });

  it.each(['APNS', 'GCM'] as const)('leaves a payload that fits as it is (%s)', (platform) => {
    const payload = alert('김민준', '안녕하세요');
    expect(fitPushPayload(payload, platform)).toBe(payload);
  });

  it.each(['APNS', 'GCM'] as const)(
    'shortens a long Korean body to the longest that fits in 4,096 bytes of the final JSON, ending with … (%s)',
    (platform) => {
      const fitted = fitPushPayload(alert('김민준', '가'.repeat(2_000)), platform) as Extract<
        PushPayload,
        { body: string }
      >;
      expect(bytes(fitted, platform)).toBeLessThanOrEqual(MAX_PUSH_PAYLOAD_BYTES);
      expect(fitted.body).toMatch(/^가+…$/);
      // One more syllable (3 bytes in UTF-8, 3 more as JSON) would not fit.
      const longer = { ...fitted, body: `가${fitted.body}` };
      expect(bytes(longer, platform)).toBeGreaterThan(MAX_PUSH_PAYLOAD_BYTES);
      expect(fitted.title).toBe('김민준');
    },
  );

  it('shortens a 120 KB nickname used as the title, after the body', () => {
    const fitted = fitPushPayload(alert('닉'.repeat(40_000), '안녕하세요'), 'APNS') as Extract<
      PushPayload,
      { body: string }
    >;
    expect(bytes(fitted, 'APNS')).toBeLessThanOrEqual(MAX_PUSH_PAYLOAD_BYTES);
    expect(fitted.body).toBe('…');
    expect(fitted.title).toMatch(/^닉+…$/);
  });

  it('never cuts an emoji sequence in half', () => {
    const family = '👨‍👩‍👧';
    const fitted = fitPushPayload(alert('김민준', family.repeat(400)), 'GCM') as Extract<
      PushPayload,
      { body: string }
    >;
    expect(fitted.body.endsWith(`${family}…`)).toBe(true);
  });

  it('gives up when the data alone is over the limit', () => {
    const payload = { ...alert('김민준', '안녕'), data: { deepLink: `bootalk://x/${'a'.repeat(5_000)}` } };
    expect(fitPushPayload(payload, 'APNS')).toBeUndefined();
    expect(fitPushPayload({ kind: 'badge', badge: 1, data: payload.data }, 'GCM')).toBeUndefined();
  });
});

describe('sendPush', () => {
  beforeEach(() => pinpoint.reset());

  it('sends a long push shortened, and fails one that cannot fit without sending it', async () => {
    pinpoint.on(SendMessagesCommand).callsFake((input) => ({
      MessageResponse: {
        Result: Object.fromEntries(
          Object.keys(input.MessageRequest.Addresses).map((token) => [
            token,
            { DeliveryStatus: 'SUCCESSFUL' },
          ]),
        ),
      },
    }));
    const results = await sendPush({
      applicationId: 'app-1',
      client,
      messages: [
        { token: 'long', platform: 'APNS', title: '김민준', body: '가'.repeat(5_000) },
        { token: 'huge', platform: 'GCM', title: '김민준', body: '안녕', data: { blob: 'a'.repeat(5_000) } },
      ],
    });
    expect(results.map((result) => [result.token, result.delivery])).toEqual([
      ['long', 'delivered'],
      ['huge', 'too-large'],
    ]);
    const calls = pinpoint.commandCalls(SendMessagesCommand).map((call) => call.args[0].input);
    expect(calls).toHaveLength(1);
    const raw = calls[0]!.MessageRequest!.MessageConfiguration!.APNSMessage!.RawContent!;
    expect(Buffer.byteLength(raw, 'utf8')).toBeLessThanOrEqual(MAX_PUSH_PAYLOAD_BYTES);
  });

  const message = (
    token: string,
    platform: PushMessage['platform'] = 'GCM',
  ): Extract<PushMessage, { title: string }> => ({
    token,
    platform,
    title: '알림',
    body: '관심 단지에 새 매물이 있어요',
  });

  it('sends one call per payload and platform, ≤ 100 addresses each, and classifies each token', async () => {
    pinpoint.on(SendMessagesCommand).callsFake((input) => {
      const tokens = Object.keys(input.MessageRequest.Addresses);
      const Result = Object.fromEntries(
        tokens.map((token) => [
          token,
          token === 'gcm-dead'
            ? { DeliveryStatus: 'PERMANENT_FAILURE', StatusCode: 400, StatusMessage: 'NotRegistered' }
            : token === 'apns-old'
              ? { DeliveryStatus: 'SUCCESSFUL', StatusCode: 200, UpdatedToken: 'apns-new' }
              : { DeliveryStatus: 'SUCCESSFUL', StatusCode: 200 },
        ]),
      );
      return { MessageResponse: { ApplicationId: input.ApplicationId, Result } };
    });
    const gcm = Array.from({ length: 150 }, (_, i) => message(i === 7 ? 'gcm-dead' : `gcm-${i}`));
    const results = await sendPush({
      applicationId: 'app-1',
      client,
      messages: [...gcm, message('apns-old', 'APNS')],
    });

    const calls = pinpoint.commandCalls(SendMessagesCommand).map((call) => call.args[0].input);
    expect(calls.map((input) => Object.keys(input.MessageRequest!.Addresses!).length)).toEqual([100, 50, 1]);
    expect(calls.every((input) => input.ApplicationId === 'app-1')).toBe(true);
    expect(calls[0]?.MessageRequest?.Addresses?.['gcm-0']).toEqual({ ChannelType: 'GCM' });
    expect(calls[0]?.MessageRequest?.MessageConfiguration?.GCMMessage).toBeDefined();
    expect(calls[2]?.MessageRequest?.Addresses).toEqual({ 'apns-old': { ChannelType: 'APNS' } });
    expect(calls[2]?.MessageRequest?.MessageConfiguration?.APNSMessage).toBeDefined();

    expect(results).toHaveLength(151);
    expect(results.find((r) => r.token === 'gcm-dead')).toMatchObject({
      outcome: 'invalid-token',
      statusCode: 400,
    });
    expect(results.find((r) => r.token === 'apns-old')).toMatchObject({
      outcome: 'token-updated',
      updatedToken: 'apns-new',
    });
    expect(results.filter((r) => r.outcome === 'delivered')).toHaveLength(149);
  });

  it('sends different payloads in different calls', async () => {
    pinpoint.on(SendMessagesCommand).resolves({ MessageResponse: { ApplicationId: 'app-1', Result: {} } });
    await sendPush({
      applicationId: 'app-1',
      client,
      messages: [message('a'), { ...message('b'), body: '다른 내용' }, message('c')],
    });
    const addresses = pinpoint
      .commandCalls(SendMessagesCommand)
      .map((call) => Object.keys(call.args[0].input.MessageRequest!.Addresses!));
    expect(addresses).toEqual([['a', 'c'], ['b']]);
  });

  it('marks tokens missing from the response, and every token of a failed call, for retry', async () => {
    pinpoint
      .on(SendMessagesCommand)
      .resolvesOnce({ MessageResponse: { ApplicationId: 'app-1', Result: {} } })
      .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' }));
    const results = await sendPush({
      applicationId: 'app-1',
      client,
      messages: [message('a', 'GCM'), message('b', 'APNS_SANDBOX')],
    });
    expect(results).toEqual([
      expect.objectContaining({ token: 'a', outcome: 'retry' }),
      { token: 'b', platform: 'APNS_SANDBOX', outcome: 'retry', delivery: 'retry' },
    ]);
  });

  it('returns the results in the order of the messages, across calls', async () => {
    pinpoint.on(SendMessagesCommand).callsFake((input) => ({
      MessageResponse: {
        Result: Object.fromEntries(
          Object.keys(input.MessageRequest.Addresses).map((token) => [
            token,
            {
              DeliveryStatus: token.startsWith('dead') ? 'PERMANENT_FAILURE' : 'SUCCESSFUL',
              StatusMessage: 'NotRegistered',
            },
          ]),
        ),
      },
    }));
    const results = await sendPush({
      applicationId: 'app-1',
      client,
      messages: [
        message('ok-1', 'APNS'),
        message('dead-1', 'GCM'),
        message('ok-2', 'APNS'),
        message('ok-3', 'GCM'),
      ],
    });
    expect(results.map((result) => [result.token, result.delivery])).toEqual([
      ['ok-1', 'delivered'],
      ['dead-1', 'invalid-token'],
      ['ok-2', 'delivered'],
      ['ok-3', 'delivered'],
    ]);
  });

  it('makes no call for no messages', async () => {
    expect(await sendPush({ applicationId: 'app-1', client, messages: [] })).toEqual([]);
    expect(pinpoint.commandCalls(SendMessagesCommand)).toHaveLength(0);
  });
});
