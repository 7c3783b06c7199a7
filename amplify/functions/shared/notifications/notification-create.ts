import { createHash } from 'node:crypto';
import type { Schema } from '../../../data/resource';
import { unlessConditionFailed } from '../appsync-client';
import { type DataClient, dataOf } from '../data-client';

/**
 * Notification rows written by functions, through AppSync with the function's IAM role so the
 * user's inbox subscription sees them (and the Notification stream starts notification-fanout).
 */

export type NotificationType = Schema['NotificationType']['type'];

/** The schema's NotificationType values (test/unit/data/schema-copies.test.ts ties them to it). */
export const NOTIFICATION_TYPES = [
  'CHAT_REMINDER',
  'LOWEST_PRICE',
  'PRESALE',
  'REAL_TRANSACTION',
  'BROKER_ASSIGNED',
  'NOTICE',
  'MARKETING',
] as const satisfies readonly NotificationType[];

/** A row to create; its id derives from what the notification is about, so the same fact is one row. */
export type NewNotification = Pick<
  Schema['Notification']['type'],
  'id' | 'userId' | 'type' | 'title' | 'body' | 'deepLink' | 'subjectId' | 'createdAt'
> & {
  /** TTL, epoch seconds. */
  expiresAt: number;
};

// Every field of the Notification model (test/unit/data/schema-copies.test.ts): AppSync sends
// subscribers only what the mutation selected. For badge-sync's conditional read marks, a document.
export const NOTIFICATION_FIELDS =
  'id userId type title body deepLink subjectId createdAt readAt expiresAt updatedAt';

/** A Notification id from a name (`notice:<noticeId>:<userId>`, …): sha256, hex. */
export function notificationId(name: string): string {
  return createHash('sha256').update(name, 'utf8').digest('hex');
}

/** Epoch seconds `days` after `from`, for `expiresAt`. */
export function expiresAfterDays(from: Date, days: number): number {
  return Math.floor(from.getTime() / 1000) + days * 24 * 60 * 60;
}

/**
 * Creates the row unless its id exists: Amplify's create resolver is conditional on the id's
 * absence, so `exists` means an earlier run (or a concurrent one) already wrote it. No selection
 * set: the typed client selects every field, which the inbox subscription receives.
 */
export async function createNotificationOnce(
  client: Pick<DataClient, 'models'>,
  notification: NewNotification,
): Promise<'created' | 'exists'> {
  const created = await unlessConditionFailed(
    dataOf('CreateNotification', client.models.Notification.create(notification)),
  );
  return created === undefined ? 'exists' : 'created';
}
