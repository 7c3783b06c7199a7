import type { PushMessage, PushPlatform } from '../shared/push/push-client';
import type { PushRequest } from '../shared/push/push-request';

/** A Device model row as stored (DESIGN §3); `id` is deviceIdForToken(token). */
export interface DeviceRow {
  id: string;
  userId: string;
  platform: PushPlatform;
  token: string;
  appVersion?: string | null;
  locale?: string | null;
  lastSeenAt: string;
  invalidatedAt?: string | null;
  /** Amplify's own attributes (createdAt, updatedAt, __typename) and any added later. */
  [attribute: string]: unknown;
}

const PLATFORMS: readonly string[] = ['APNS', 'APNS_SANDBOX', 'GCM'] satisfies PushPlatform[];

/**
 * The rows that may receive the user's pushes: theirs now, not marked invalid, sendable at all,
 * and one per token. A Gen 1 row (random id) and the row the phone re-registered since (the
 * token's id) are one phone until gen1:backfill merges them (docs/migration.md): the most
 * recently seen row is sent to, so the phone gets each push once.
 */
export function sendableDevices(rows: readonly DeviceRow[], userId: string): DeviceRow[] {
  const byToken = new Map<string, DeviceRow>();
  for (const row of rows) {
    if (
      row.userId !== userId ||
      row.invalidatedAt ||
      !PLATFORMS.includes(row.platform) ||
      typeof row.token !== 'string' ||
      row.token === ''
    )
      continue;
    const seen = byToken.get(row.token);
    if (!seen || Date.parse(row.lastSeenAt) > Date.parse(seen.lastSeenAt)) byToken.set(row.token, row);
  }
  return [...byToken.values()];
}

/**
 * What one device receives for a push request, or undefined when there is nothing for it:
 * a badge update without a badge number shows nothing on iOS, so APNs devices are skipped
 * (an FCM data message still tells the app to refresh its counters).
 */
export function devicePush(request: PushRequest, device: DeviceRow): PushMessage | undefined {
  const data = { ...request.data, ...(request.deepLink ? { deepLink: request.deepLink } : {}) };
  const address = { token: device.token, platform: device.platform };
  const badge = request.badge === undefined ? {} : { badge: request.badge };
  const collapse = request.collapseKey ? { collapseKey: request.collapseKey } : {};
  if (request.kind === 'badge') {
    if (request.badge === undefined && device.platform !== 'GCM') return undefined;
    return { ...address, kind: 'badge', ...badge, data, ...collapse };
  }
  return {
    ...address,
    kind: 'alert',
    // parsePushRequest refuses an alert without both.
    title: request.title ?? '',
    body: request.body ?? '',
    sound: 'default',
    ...badge,
    data,
    ...collapse,
    ...(request.threadId ? { threadId: request.threadId } : {}),
  };
}
