/**
 * Which Device rows the daily cleanup removes: tokens push-sender marked invalid, and tokens no
 * app has registered (refreshed) for UNSEEN_DAYS. The app calls registerDevice at every launch,
 * so an active device is never that old.
 */

export const UNSEEN_DAYS = 60;
const DAY_MS = 24 * 60 * 60 * 1000;

/** What the cleanup reads of a row (never the token). */
export interface ScannedDevice {
  id: string;
  lastSeenAt?: unknown;
  invalidatedAt?: unknown;
}

export type CleanupReason = 'invalidated' | 'unseen';

export function cleanupReason(
  device: ScannedDevice,
  now: Date,
  unseenDays: number = UNSEEN_DAYS,
): CleanupReason | undefined {
  // A NULL attribute (a row written with invalidatedAt: null) is not an invalidation.
  if (typeof device.invalidatedAt === 'string' && device.invalidatedAt !== '') return 'invalidated';
  const seenAt = typeof device.lastSeenAt === 'string' ? Date.parse(device.lastSeenAt) : Number.NaN;
  // No readable lastSeenAt: nothing can show the device is alive, and registering again rewrites it.
  if (Number.isNaN(seenAt)) return 'unseen';
  return seenAt < now.getTime() - unseenDays * DAY_MS ? 'unseen' : undefined;
}
