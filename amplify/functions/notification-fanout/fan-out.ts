import type { DynamoDBRecord } from 'aws-lambda';
import { AppSyncGraphQLError } from '../shared/appsync-client';
import { unmarshallStreamImage } from '../shared/batch';
import { PermanentRecordError } from '../shared/errors';
import { logger } from '../shared/logger';
import type { PushRequest } from '../shared/push/push-request';
import { decideForRecipient, NOTIFICATION_TYPES } from './fanout-decision';
import type { FanoutStore } from './fanout-store';
import { type NotificationRow, notificationBadge, notificationPushRequest } from './notification-push';

export interface FanoutDeps {
  store: FanoutStore;
  /** Puts the requests on the push queue; throws if any was not queued. */
  queue: (requests: readonly PushRequest[]) => Promise<void>;
  now: () => Date;
  /** Read per record: a bad setting fails the record (retried, then kept) rather than dropping it. */
  advertisingTypes: () => ReadonlySet<string>;
}

/** The inserted Notification row; a record without a readable one can never be pushed. */
export function insertedNotification(record: DynamoDBRecord): NotificationRow {
  const row = unmarshallStreamImage<Partial<NotificationRow>>(record, 'NewImage');
  const readable =
    row !== undefined &&
    (['id', 'userId', 'type', 'title', 'body', 'createdAt'] as const).every(
      (field) => typeof row[field] === 'string' && row[field] !== '',
    );
  if (!readable) throw new PermanentRecordError('A Notification stream record without a readable NewImage');
  return row as NotificationRow;
}

/** The recipient's badge with this notification, or undefined (the app keeps its own) when AppSync refused. */
async function badgeWith(store: FanoutStore, notification: NotificationRow): Promise<number | undefined> {
  try {
    // Before the total: see notificationBadge.
    const listed = await store.isListed(notification);
    const total = await store.badge(notification.userId);
    return notificationBadge({ total, listed, notification });
  } catch (error) {
    // A resolver error repeats on every retry: push without a badge rather than not at all.
    if (!(error instanceof AppSyncGraphQLError)) throw error;
    logger.warn('Badge unavailable; pushing without one', { notificationId: notification.id, error });
    return undefined;
  }
}

/**
 * Push or inbox only for a new notification. Safe to repeat: a retried record queues the same
 * pushId, which push-sender sends once.
 */
export async function fanOutNotification(
  notification: NotificationRow,
  deps: FanoutDeps,
): Promise<PushRequest | undefined> {
  const advertisingTypes = deps.advertisingTypes();
  const profile = await deps.store.profile(notification.userId);
  const decision = decideForRecipient({
    type: notification.type,
    profile,
    now: deps.now(),
    advertisingTypes,
  });
  // Ids and the decision only: titles and bodies are user-facing text.
  const facts = {
    notificationId: notification.id,
    recipientId: notification.userId,
    notificationType: notification.type,
    ...decision,
  };
  if (!(NOTIFICATION_TYPES as readonly string[]).includes(notification.type))
    logger.warn('Unknown notification type; treated as advertising', facts);
  if (!decision.push) {
    logger.info('Notification kept in the inbox only', facts);
    return undefined;
  }
  const badge = await badgeWith(deps.store, notification);
  const request = notificationPushRequest(notification, { advertising: decision.advertising, badge });
  await deps.queue([request]);
  logger.info('Queued a notification push', facts);
  return request;
}
