import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  canonicalLocale,
  type DeviceRegistration,
  type DeviceSummary,
  deviceIdFor,
  devicesOverCap,
  MAX_DEVICES_PER_USER,
  plannedDevice,
  type RegisterDeviceArguments,
  validateRegistration,
} from '../../../amplify/functions/device-register/device-registration';
import { UserFacingError } from '../../../amplify/functions/shared/errors';

const APNS_TOKEN = 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90';
const FCM_TOKEN = `dGVzdC1pbnN0YW5jZS1pZA:APA91b${'Hk3_xQ-9zT'.repeat(14)}`;
const NOW = new Date('2026-03-14T03:00:00.000Z');

function accepted(args: RegisterDeviceArguments): DeviceRegistration {
  const decision = validateRegistration(args);
  if (!decision.ok) throw new Error(`refused: ${decision.error.message}`);
  return decision.value;
}

function refusal(args: RegisterDeviceArguments): UserFacingError {
  const decision = validateRegistration(args);
  if (decision.ok) throw new Error(`accepted ${JSON.stringify(decision.value)}`);
  expect(decision.error).toBeInstanceOf(UserFacingError);
  return decision.error;
}

describe('validateRegistration: platform', () => {
  it.each([['WNS'], ['apns'], ['FCM'], [undefined], [null], [3]])('refuses the platform %s', (platform) => {
    expect(refusal({ platform, token: APNS_TOKEN }).message).toMatch(
      /^UNSUPPORTED_PLATFORM: .+\(Unsupported platform .+; use APNS, APNS_SANDBOX or GCM\.\)$/,
    );
  });

  it('cuts a long platform value short in the message', () => {
    expect(refusal({ platform: 'X'.repeat(500), token: APNS_TOKEN }).message.length).toBeLessThan(200);
  });
});

describe('validateRegistration: APNs tokens', () => {
  it.each(['APNS', 'APNS_SANDBOX'] as const)('accepts 64 hex digits for %s, in lower case', (platform) => {
    expect(accepted({ platform, token: APNS_TOKEN.toUpperCase() })).toEqual({ platform, token: APNS_TOKEN });
  });

  it('accepts a longer even-length hex token (Apple does not promise 32 bytes)', () => {
    expect(accepted({ platform: 'APNS', token: `${APNS_TOKEN}abcd` }).token).toBe(`${APNS_TOKEN}abcd`);
  });

  it.each([
    ['63 digits', APNS_TOKEN.slice(1)],
    ['an odd length', `${APNS_TOKEN}a`],
    ['a non-hex digit', `g${APNS_TOKEN.slice(1)}`],
    ['a space', ` ${APNS_TOKEN.slice(1)}`],
    ['angle brackets as NSData prints them', `<${APNS_TOKEN}>`],
    ['an FCM token', FCM_TOKEN],
    ['a local test token', `invalid-${'a'.repeat(140)}`],
    ['201+ digits', 'ab'.repeat(101)],
  ])('refuses %s without echoing the token', (_case, token) => {
    const message = refusal({ platform: 'APNS', token }).message;
    expect(message).toMatch(/^INVALID_DEVICE_TOKEN: .+\(The token must be an APNs device token/);
    expect(message).not.toContain(token);
  });
});

describe('validateRegistration: FCM tokens', () => {
  it('accepts a registration token as FCM issues it, unchanged', () => {
    expect(accepted({ platform: 'GCM', token: FCM_TOKEN })).toEqual({ platform: 'GCM', token: FCM_TOKEN });
  });

  it.each(['invalid-', 'throttled-', 'rotate-'])(
    'accepts the local sandbox test token %s… when it is 100+ characters long',
    (prefix) => {
      const token = `${prefix}${'x'.repeat(140)}`;
      expect(accepted({ platform: 'GCM', token }).token).toBe(token);
    },
  );

  it('keeps the case of an FCM token (it is case-sensitive)', () => {
    const token = `AbC${'d'.repeat(120)}`;
    expect(accepted({ platform: 'GCM', token }).token).toBe(token);
  });

  it.each([
    ['99 characters', 'a'.repeat(99)],
    ['4097 characters', 'a'.repeat(4097)],
    ['a slash', `${'a'.repeat(120)}/b`],
    ['base64 padding', `${'a'.repeat(120)}==`],
    ['a newline', `${'a'.repeat(120)}\n`],
    ['hangul', `${'a'.repeat(120)}토큰`],
  ])('refuses %s', (_case, token) => {
    const message = refusal({ platform: 'GCM', token }).message;
    expect(message).toMatch(/^INVALID_DEVICE_TOKEN: .+\(The token must be an FCM registration token/);
    expect(message).not.toContain(token);
  });

  it.each([[undefined], [null], [12345], [['a'.repeat(120)]]])('refuses a token that is %s', (token) => {
    expect(refusal({ platform: 'GCM', token }).message).toMatch(/^INVALID_DEVICE_TOKEN: /);
  });
});

describe('validateRegistration: appVersion and locale', () => {
  it.each(['3.12.0', '10', '3.12', '1.2.3.4', '3.12.0-beta.1', '3.12.0+456', '3.12.0-rc.1+build.7'])(
    'accepts the app version %s',
    (appVersion) => {
      expect(accepted({ platform: 'GCM', token: FCM_TOKEN, appVersion }).appVersion).toBe(appVersion);
    },
  );

  it.each([
    ['a leading v', 'v3.12.0'],
    ['an empty string', ''],
    ['a build number in parentheses', '3.12.0 (456)'],
    ['five numbers', '1.2.3.4.5'],
    ['33 characters', `1.0.0-${'a'.repeat(27)}`],
    ['a number', 3.12],
  ])('refuses an app version with %s', (_case, appVersion) => {
    expect(refusal({ platform: 'GCM', token: FCM_TOKEN, appVersion }).message).toMatch(
      /^INVALID_APP_VERSION: .+at most 32 characters/,
    );
  });

  it.each([
    ['ko-KR', 'ko-KR'],
    ['ko_KR', 'ko-KR'],
    ['ko-kr', 'ko-KR'],
    ['en', 'en'],
    ['zh-hant-tw', 'zh-Hant-TW'],
  ])('accepts the locale %s as %s', (locale, canonical) => {
    expect(accepted({ platform: 'GCM', token: FCM_TOKEN, locale }).locale).toBe(canonical);
  });

  it.each([
    ['not a tag', 'not a locale'],
    ['an empty string', ''],
    ['an empty subtag', 'ko--KR'],
    ['36 characters', `en-US-x-${'a'.repeat(8)}-${'b'.repeat(8)}-${'c'.repeat(8)}-d`],
    ['a number', 82],
  ])('refuses a locale that is %s', (_case, locale) => {
    expect(refusal({ platform: 'GCM', token: FCM_TOKEN, locale }).message).toMatch(
      /^INVALID_LOCALE: .+ko-KR/,
    );
  });

  it('leaves out an appVersion and locale that are absent or null', () => {
    expect(accepted({ platform: 'GCM', token: FCM_TOKEN, appVersion: null, locale: undefined })).toEqual({
      platform: 'GCM',
      token: FCM_TOKEN,
    });
  });

  it('canonicalLocale never lengthens past 35 characters', () => {
    expect(canonicalLocale('a'.repeat(36))).toBeUndefined();
  });
});

describe('deviceIdFor and plannedDevice', () => {
  it('names a device by the sha256 of its token, so an APNs token in any case is one row', () => {
    const upper = accepted({ platform: 'APNS', token: APNS_TOKEN.toUpperCase() });
    expect(deviceIdFor(upper.token)).toBe(createHash('sha256').update(APNS_TOKEN).digest('hex'));
    expect(deviceIdFor(upper.token)).toBe(deviceIdFor(APNS_TOKEN));
    expect(deviceIdFor(APNS_TOKEN)).not.toBe(deviceIdFor(FCM_TOKEN));
  });

  it("is the caller's, seen now, valid again, with what the call left out cleared", () => {
    expect(
      plannedDevice({ platform: 'GCM', token: FCM_TOKEN, locale: 'ko-KR' }, { userId: 'user-1', now: NOW }),
    ).toEqual({
      id: deviceIdFor(FCM_TOKEN),
      userId: 'user-1',
      platform: 'GCM',
      token: FCM_TOKEN,
      appVersion: null,
      locale: 'ko-KR',
      lastSeenAt: '2026-03-14T03:00:00.000Z',
      invalidatedAt: null,
    });
  });
});

describe('devicesOverCap', () => {
  const seen = (id: string, daysAgo: number, invalidatedAt?: string): DeviceSummary => ({
    id,
    lastSeenAt: new Date(NOW.getTime() - daysAgo * 86_400_000).toISOString(),
    ...(invalidatedAt ? { invalidatedAt } : {}),
  });
  const devices = (count: number) => Array.from({ length: count }, (_, i) => seen(`d${i}`, i));

  it('removes nothing up to the cap, counting the registered device', () => {
    expect(devicesOverCap(devices(MAX_DEVICES_PER_USER - 1), 'new')).toEqual([]);
    expect(devicesOverCap([...devices(MAX_DEVICES_PER_USER - 1), seen('new', 0)], 'new')).toEqual([]);
  });

  it('counts the registered device even when the listing does not show it yet', () => {
    expect(devicesOverCap(devices(MAX_DEVICES_PER_USER), 'new')).toEqual([`d${MAX_DEVICES_PER_USER - 1}`]);
  });

  it('removes the least recently seen first, never the registered one', () => {
    const list = [...devices(5), seen('registered', 400)];
    expect(devicesOverCap(list, 'registered', 3)).toEqual(['d4', 'd3', 'd2']);
  });

  it('removes invalidated devices before old valid ones', () => {
    const list = [seen('old', 50), seen('dead', 1, '2026-03-13T00:00:00.000Z'), seen('fresh', 0)];
    expect(devicesOverCap(list, 'fresh', 2)).toEqual(['dead']);
  });

  it('treats an unreadable lastSeenAt as the oldest', () => {
    const list = [seen('old', 50), { id: 'broken', lastSeenAt: 'yesterday' }, seen('fresh', 0)];
    expect(devicesOverCap(list, 'fresh', 2)).toEqual(['broken']);
  });
});
