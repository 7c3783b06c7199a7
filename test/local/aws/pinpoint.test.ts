import { NotFoundException, PinpointClient, SendMessagesCommand } from '@aws-sdk/client-pinpoint';
import { beforeAll, describe, expect, it } from 'vitest';
import { sendPush } from '../../../amplify/functions/shared/push-client';
import { clientConfig, useGateway } from './gateway-fixture';

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
