import { describe, expect, it } from 'vitest';
import {
  type DeviceRow,
  devicePush,
  sendableDevices,
} from '../../../amplify/functions/push-sender/device-push';
import type { PushPlatform } from '../../../amplify/functions/shared/push/push-client';
import type { PushRequest } from '../../../amplify/functions/shared/push/push-request';

const device = (overrides: Partial<DeviceRow> = {}): DeviceRow => ({
  id: 'd-1',
  userId: 'user-1',
  platform: 'APNS',
  token: 'token-1',
  lastSeenAt: '2026-03-10T09:00:00.000Z',
  ...overrides,
});

const request = (overrides: Partial<PushRequest> = {}): PushRequest => ({
  version: 1,
  pushId: 'notice:n-1:user-1',
  recipientId: 'user-1',
  kind: 'alert',
  title: '공지',
  body: '서비스 점검 안내',
  data: { type: 'notice' },
  createdAt: '2026-03-14T03:00:00.000Z',
  ...overrides,
});

describe('sendableDevices', () => {
  it('keeps only the user’s rows that are not invalidated and have a known platform and a token', () => {
    const rows = [
      device({ id: 'ok', token: 'token-ok' }),
      device({ id: 'null-invalidated', invalidatedAt: null, token: 'token-null' }),
      device({ id: 'other-user', userId: 'user-2', token: 'token-other' }),
      device({ id: 'invalidated', invalidatedAt: '2026-03-11T00:00:00.000Z', token: 'token-invalid' }),
      device({ id: 'baidu', platform: 'BAIDU' as PushPlatform, token: 'token-baidu' }),
      device({ id: 'no-token', token: '' }),
      device({ id: 'gcm', platform: 'GCM', token: 'token-gcm' }),
      device({ id: 'apns-sandbox', platform: 'APNS_SANDBOX', token: 'token-sandbox' }),
    ];
    expect(sendableDevices(rows, 'user-1').map((row) => row.id)).toEqual([
      'ok',
      'null-invalidated',
      'gcm',
      'apns-sandbox',
    ]);
  });
  it('sends to one row per token: a Gen 1 row and the row its phone re-registered are one phone', () => {
    const rows = [
      device({ id: 'gen1-random-id', token: 'token-1', lastSeenAt: '2025-10-28T22:51:40.116Z' }),
      device({ id: 'sha256-of-token-1', token: 'token-1', lastSeenAt: '2026-01-05T08:00:00.000Z' }),
      device({ id: 'other-phone', token: 'token-2' }),
    ];
    expect(sendableDevices(rows, 'user-1').map((row) => row.id)).toEqual([
      'sha256-of-token-1',
      'other-phone',
    ]);
    expect(sendableDevices([rows[1]!, rows[0]!], 'user-1').map((row) => row.id)).toEqual([
      'sha256-of-token-1',
    ]);
  });
});

describe('devicePush', () => {
  it('makes an alert with the default sound and only the optional fields the request has', () => {
    expect(devicePush(request(), device())).toEqual({
      token: 'token-1',
      platform: 'APNS',
      kind: 'alert',
      title: '공지',
      body: '서비스 점검 안내',
      sound: 'default',
      data: { type: 'notice' },
    });
  });

  it('adds the deep link to the data, over a stale one the producer put there', () => {
    const message = devicePush(
      request({ deepLink: 'bootalk://notices/n-1', data: { type: 'notice', deepLink: 'bootalk://old' } }),
      device(),
    );
    expect(message?.data).toEqual({ type: 'notice', deepLink: 'bootalk://notices/n-1' });
  });

  it('carries badge 0, which clears the icon', () => {
    expect(devicePush(request({ badge: 0 }), device())).toMatchObject({ badge: 0 });
  });

  it('makes a badge update without title, body or sound', () => {
    const message = devicePush(
      request({ kind: 'badge', title: undefined, body: undefined, badge: 4, collapseKey: 'badge' }),
      device({ platform: 'GCM' }),
    );
    expect(message).toEqual({
      token: 'token-1',
      platform: 'GCM',
      kind: 'badge',
      badge: 4,
      data: { type: 'notice' },
      collapseKey: 'badge',
    });
  });

  it.each(['APNS', 'APNS_SANDBOX'] as const)(
    'has nothing for %s when a badge update has no number',
    (platform) => {
      expect(
        devicePush(request({ kind: 'badge', title: undefined, body: undefined }), device({ platform })),
      ).toBe(undefined);
    },
  );
});
