import {
  type ChannelType,
  NotFoundException,
  PinpointClient,
  SendMessagesCommand,
} from '@aws-sdk/client-pinpoint';
import { beforeAll, describe, expect, it } from 'vitest';
import { sendPush } from '../../../amplify/functions/shared/push/push-client';
import { clientConfig, useGateway } from '../gateway/gateway-fixture';

const gateway = useGateway();
const applicationId = 'push-app-local';

function pinpoint() {
  return new PinpointClient(clientConfig(gateway()));
}

beforeAll(() => {
  gateway().push.createApp(applicationId);
});

describe('End User Messaging push (Pinpoint SendMessages)', () => {
  it('acts out the provider answer each token prefix stands for', async () => {
    const { MessageResponse } = await pinpoint().send(
      new SendMessagesCommand({
        ApplicationId: applicationId,
        MessageRequest: {
          Addresses: {
            'ok-token': { ChannelType: 'APNS' },
            'invalid-apns': { ChannelType: 'APNS_SANDBOX' },
            'invalid-fcm': { ChannelType: 'GCM' },
            'throttled-1': { ChannelType: 'GCM' },
            'rotate-abc': { ChannelType: 'APNS' },
          },
          MessageConfiguration: { APNSMessage: { Title: '새 메시지', Body: '안녕하세요', Badge: 3 } },
        },
      }),
    );
    expect(MessageResponse?.ApplicationId).toBe(applicationId);
    expect(MessageResponse?.RequestId).toMatch(/^[0-9a-f-]{36}$/);
    const result = MessageResponse?.Result ?? {};
    expect(result['ok-token']).toMatchObject({
      DeliveryStatus: 'SUCCESSFUL',
      StatusCode: 200,
      MessageId: expect.any(String),
    });
    expect(result['invalid-apns']).toMatchObject({
      DeliveryStatus: 'PERMANENT_FAILURE',
      StatusCode: 410,
      StatusMessage: 'BadDeviceToken',
    });
    expect(result['invalid-fcm']).toMatchObject({
      DeliveryStatus: 'PERMANENT_FAILURE',
      StatusCode: 404,
      StatusMessage: 'NotRegistered',
    });
    expect(result['throttled-1']).toMatchObject({ DeliveryStatus: 'THROTTLED', StatusCode: 429 });
    expect(result['rotate-abc']).toMatchObject({ DeliveryStatus: 'SUCCESSFUL', UpdatedToken: 'rotated-abc' });
  });

  it('captures every delivered push with what the device would show, and nothing that failed', async () => {
    gateway().captures.push.clear();
    await pinpoint().send(
      new SendMessagesCommand({
        ApplicationId: applicationId,
        MessageRequest: {
          Addresses: { 'device-1': { ChannelType: 'APNS' }, 'invalid-2': { ChannelType: 'APNS' } },
          MessageConfiguration: {
            APNSMessage: {
              RawContent: JSON.stringify({
                roomId: 'r1',
                aps: { alert: { title: '부톡', body: '새 매물' }, badge: 2 },
              }),
            },
          },
        },
      }),
    );
    expect(gateway().captures.push.list()).toEqual([
      {
        id: expect.any(String),
        applicationId,
        token: 'device-1',
        channelType: 'APNS',
        title: '부톡',
        body: '새 매물',
        badge: 2,
        data: { roomId: 'r1' },
        status: 'SUCCESSFUL',
        raw: expect.objectContaining({ APNSMessage: expect.any(Object) }),
        at: expect.any(String),
      },
    ]);
  });

  it('classifies the results as the backend push client sees them', async () => {
    gateway().captures.push.clear();
    const results = await sendPush({
      applicationId,
      client: pinpoint(),
      messages: [
        {
          token: 'fcm-ok',
          platform: 'GCM',
          title: '알림',
          body: '관심 매물 가격 변동',
          data: { listingId: 'L1' },
        },
        {
          token: 'invalid-fcm',
          platform: 'GCM',
          title: '알림',
          body: '관심 매물 가격 변동',
          data: { listingId: 'L1' },
        },
        { token: 'rotate-old', platform: 'APNS', title: 't', body: 'b' },
        { token: 'throttled-x', platform: 'APNS', title: 't', body: 'b' },
      ],
    });
    expect(Object.fromEntries(results.map((result) => [result.token, result.outcome]))).toEqual({
      'fcm-ok': 'delivered',
      'invalid-fcm': 'invalid-token',
      'rotate-old': 'token-updated',
      'throttled-x': 'retry',
    });
    expect(
      gateway()
        .captures.push.list()
        .find((push) => push.token === 'fcm-ok'),
    ).toMatchObject({
      channelType: 'GCM',
      title: '알림',
      body: '관심 매물 가격 변동',
      data: { listingId: 'L1' },
    });
  });

  it('refuses a payload over 4 KB as APNs and FCM do, capturing nothing, and delivers one at the limit', async () => {
    gateway().captures.push.clear();
    const apns = (body: string) => JSON.stringify({ aps: { alert: { title: '부톡', body } } });
    const atLimit = 'a'.repeat(4096 - Buffer.byteLength(apns('')));
    const fcm = (body: string) =>
      JSON.stringify({
        fcmV1Message: { message: { notification: { title: '부톡', body }, data: { k: 'v' } } },
      });
    const send = (token: string, ChannelType: ChannelType, RawContent: string) =>
      pinpoint().send(
        new SendMessagesCommand({
          ApplicationId: applicationId,
          MessageRequest: {
            Addresses: { [token]: { ChannelType } },
            MessageConfiguration:
              ChannelType === 'GCM' ? { GCMMessage: { RawContent } } : { APNSMessage: { RawContent } },
          },
        }),
      );
    const result = async (token: string, ChannelType: ChannelType, RawContent: string) =>
      (await send(token, ChannelType, RawContent)).MessageResponse?.Result?.[token];

    expect(await result('apns-big', 'APNS', apns(`${atLimit}a`))).toMatchObject({
      DeliveryStatus: 'PERMANENT_FAILURE',
      StatusCode: 413,
      StatusMessage: 'PayloadTooLarge',
    });
    expect(await result('fcm-big', 'GCM', fcm('가'.repeat(1400)))).toMatchObject({
      DeliveryStatus: 'PERMANENT_FAILURE',
      StatusMessage: 'MessageTooBig',
    });
    expect(gateway().captures.push.list()).toEqual([]);
    expect(await result('apns-limit', 'APNS', apns(atLimit))).toMatchObject({ DeliveryStatus: 'SUCCESSFUL' });
  });

  it('receives from the backend push client only payloads that fit, a long body shortened', async () => {
    gateway().captures.push.clear();
    const results = await sendPush({
      applicationId,
      client: pinpoint(),
      messages: [
        { token: 'apns-long', platform: 'APNS', title: '김민준', body: '가'.repeat(3000) },
        { token: 'fcm-long', platform: 'GCM', title: '김민준', body: '가'.repeat(3000) },
      ],
    });
    expect(results.map((result) => result.outcome)).toEqual(['delivered', 'delivered']);
    for (const push of gateway().captures.push.list()) expect(push.body).toMatch(/^가+…$/);
  });

  it('answers an unknown application with NotFoundException', async () => {
    const sending = pinpoint().send(
      new SendMessagesCommand({
        ApplicationId: 'no-such-app',
        MessageRequest: { Addresses: { t: { ChannelType: 'GCM' } }, MessageConfiguration: {} },
      }),
    );
    await expect(sending).rejects.toBeInstanceOf(NotFoundException);
    await expect(sending).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
  });
});
