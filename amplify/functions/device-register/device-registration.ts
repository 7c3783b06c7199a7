import type { Schema } from '../../data/resource';
import { accept, type Decision, type Refusal, refuse } from '../shared/decision';
import { deviceIdForToken } from '../shared/push/device-id';

/**
 * registerDevice's decisions: what a push token must look like, the row it becomes, and which
 * of the user's devices go when they have too many. One row per token (its id is the token's
 * sha256), so registering a token moves it to the caller: the previous user's row is that same
 * row, and they stop getting its pushes.
 */

export type DevicePlatform = Schema['DevicePlatform']['type'];
/** The schema's DevicePlatform values (test/unit/data/schema-copies.test.ts ties them to it). */
export const DEVICE_PLATFORMS = ['APNS', 'APNS_SANDBOX', 'GCM'] as const satisfies readonly DevicePlatform[];

/** A user with more devices than this loses the least recently seen ones. */
export const MAX_DEVICES_PER_USER = 20;

// APNs tokens are hex, 32 bytes today; Apple says not to rely on the length, so longer even ones pass.
const APNS_TOKEN = /^(?:[0-9a-f]{2}){32,100}$/;
// FCM registration tokens: ~150–300 characters of base64url plus `:`; no length is documented.
const FCM_TOKEN = /^[A-Za-z0-9_:-]{100,4096}$/;
const APP_VERSION = /^\d+(?:\.\d+){0,3}(?:[-+][0-9A-Za-z.+-]+)?$/;
export const APP_VERSION_MAX_LENGTH = 32;
export const LOCALE_MAX_LENGTH = 35;

/** Every field of a Device row, as AppSync returns it. */
export type DeviceRow = Omit<Schema['Device']['type'], 'createdAt' | 'updatedAt'> & {
  createdAt?: string;
  updatedAt?: string;
};

export interface RegisterDeviceArguments {
  platform?: unknown;
  token?: unknown;
  appVersion?: unknown;
  locale?: unknown;
}

export interface DeviceRegistration {
  platform: DevicePlatform;
  /** As APNs / FCM expect it: APNs hex in lower case, so one token has one row. */
  token: string;
  appVersion?: string;
  locale?: string;
}

function isPlatform(value: unknown): value is DevicePlatform {
  return DEVICE_PLATFORMS.includes(value as DevicePlatform);
}

function invalidToken(platform: DevicePlatform): Refusal {
  const expected =
    platform === 'GCM'
      ? 'an FCM registration token (100–4096 characters of A–Z, a–z, 0–9, _, - or :)'
      : 'an APNs device token (64 or more hex digits)';
  // The token itself is never echoed: an error message can end up in a log.
  return refuse(
    'INVALID_DEVICE_TOKEN',
    '푸시 토큰 형식이 올바르지 않습니다.',
    `The token must be ${expected}.`,
  );
}

/** A BCP 47 tag in its canonical form (`ko_kr` → `ko-KR`), or undefined when it is not one. */
export function canonicalLocale(value: string): string | undefined {
  if (value === '' || value.length > LOCALE_MAX_LENGTH) return undefined;
  try {
    // Android's Locale.toString() separates with `_`.
    const [canonical] = Intl.getCanonicalLocales(value.replaceAll('_', '-'));
    return canonical && canonical.length <= LOCALE_MAX_LENGTH ? canonical : undefined;
  } catch {
    return undefined;
  }
}

/** An app version as the app reports it: 3.12.0, optionally -beta.1 or +456, at most 32 characters. */
export function validAppVersion(value: unknown): value is string {
  return typeof value === 'string' && value.length <= APP_VERSION_MAX_LENGTH && APP_VERSION.test(value);
}

export function validateRegistration(args: RegisterDeviceArguments): Decision<DeviceRegistration> {
  const { platform, token, appVersion, locale } = args;
  if (!isPlatform(platform)) {
    return refuse(
      'UNSUPPORTED_PLATFORM',
      `지원하지 않는 플랫폼입니다: ${String(platform).slice(0, 20)}`,
      `Unsupported platform ${String(platform).slice(0, 20)}; use APNS, APNS_SANDBOX or GCM.`,
    );
  }
  if (typeof token !== 'string') return invalidToken(platform);
  const normalizedToken = platform === 'GCM' ? token : token.toLowerCase();
  if (!(platform === 'GCM' ? FCM_TOKEN : APNS_TOKEN).test(normalizedToken)) return invalidToken(platform);

  const registration: DeviceRegistration = { platform, token: normalizedToken };
  if (appVersion !== undefined && appVersion !== null) {
    if (!validAppVersion(appVersion)) {
      return refuse(
        'INVALID_APP_VERSION',
        '앱 버전 형식이 올바르지 않습니다.',
        `appVersion must look like 3.12.0 (optionally -beta.1 or +456), at most ${APP_VERSION_MAX_LENGTH} characters.`,
      );
    }
    registration.appVersion = appVersion;
  }
  if (locale !== undefined && locale !== null) {
    const canonical = typeof locale === 'string' ? canonicalLocale(locale) : undefined;
    if (!canonical) {
      return refuse(
        'INVALID_LOCALE',
        '언어 설정 형식이 올바르지 않습니다.',
        `locale must be a BCP 47 language tag such as ko-KR, at most ${LOCALE_MAX_LENGTH} characters.`,
      );
    }
    registration.locale = canonical;
  }
  return accept(registration);
}

/** The Device id: the token's sha256, hex (the one push-sender derives too). */
export const deviceIdFor = deviceIdForToken;

/**
 * The row after registering: the caller's, seen now, valid again. A field the call leaves out is
 * cleared (null), so the row describes the device as the app last said, not partly as before.
 */
export function plannedDevice(
  registration: DeviceRegistration,
  context: { userId: string; now: Date },
): Omit<DeviceRow, 'createdAt' | 'updatedAt'> {
  return {
    id: deviceIdFor(registration.token),
    userId: context.userId,
    platform: registration.platform,
    token: registration.token,
    appVersion: registration.appVersion ?? null,
    locale: registration.locale ?? null,
    lastSeenAt: context.now.toISOString(),
    invalidatedAt: null,
  };
}

export type DeviceSummary = Pick<DeviceRow, 'id' | 'lastSeenAt' | 'invalidatedAt'>;

function seenAtMs(device: DeviceSummary): number {
  const ms = Date.parse(device.lastSeenAt);
  // An unreadable time sorts as the oldest.
  return Number.isNaN(ms) ? Number.NEGATIVE_INFINITY : ms;
}

/**
 * The devices to remove so the user keeps at most `max`, the registered one (`keepId`) always
 * among them even if the listing does not show it yet: invalidated devices first, then the least
 * recently seen.
 */
export function devicesOverCap(
  devices: readonly DeviceSummary[],
  keepId: string,
  max: number = MAX_DEVICES_PER_USER,
): string[] {
  const others = devices.filter((device) => device.id !== keepId);
  const excess = others.length + 1 - max;
  if (excess <= 0) return [];
  return [...others]
    .sort(
      (a, b) =>
        Number(Boolean(b.invalidatedAt)) - Number(Boolean(a.invalidatedAt)) ||
        seenAtMs(a) - seenAtMs(b) ||
        a.id.localeCompare(b.id),
    )
    .slice(0, excess)
    .map((device) => device.id);
}
