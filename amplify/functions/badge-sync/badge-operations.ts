import type { DataClient } from '../shared/data-client';
import { logger } from '../shared/logger';
import { type Badge, badgeCount, badgeOf } from '../shared/push/badge';
import type { PushRequest } from '../shared/push/push-request';
import {
  MARK_ALL_LIMIT,
  type MarkReadArguments,
  notificationsReadBadgePush,
  unreadOwnIds,
  validateMarkRead,
} from './notification-reads';
import type { NotificationStore } from './notification-store';

export interface BadgeSyncDeps {
  data: () => Promise<DataClient>;
  store: NotificationStore;
  /** Queues on the push queue. */
  queue: (requests: PushRequest[]) => Promise<void>;
  now: () => Date;
}

/** Query badge: unread chat messages + unread notifications, as a push would carry it. */
export async function currentBadge(userId: string, deps: BadgeSyncDeps): Promise<Badge> {
  return badgeOf(await badgeCount(userId, await deps.data()));
}

/**
 * Mutation markNotificationsRead: sets readAt on the named notifications (all of them the
 * caller's, or nothing is marked) or on the caller's newest MARK_ALL_LIMIT unread ones, then
 * answers with the badge and sends it to the user's devices in a silent push.
 */
export async function markNotificationsRead(
  args: MarkReadArguments,
  userId: string,
  deps: BadgeSyncDeps,
): Promise<Badge> {
  const target = validateMarkRead(args);
  if (!target.ok) throw target.error;
  let known: readonly string[];
  let unread: string[];
  if ('ids' in target.value) {
    const decision = unreadOwnIds(target.value.ids, await deps.store.states(target.value.ids), userId);
    if (!decision.ok) throw decision.error;
    known = target.value.ids;
    unread = decision.value;
  } else {
    unread = await deps.store.newestUnreadIds(userId, MARK_ALL_LIMIT);
    known = unread;
  }
  const readAt = deps.now().toISOString();
  const marked = unread.length > 0 ? await deps.store.markRead(unread, userId, readAt) : [];
  // The user index may lag the writes just made: what is known read counts as read.
  const badge = badgeOf(await badgeCount(userId, await deps.data(), { readNotificationIds: new Set(known) }));
  logger.info('Notifications marked read', {
    mode: 'ids' in target.value ? 'ids' : 'all',
    marked: marked.length,
    badge: badge.total,
  });
  if (marked.length > 0) {
    try {
      await deps.queue([notificationsReadBadgePush(userId, badge.total, readAt)]);
    } catch (error) {
      // The reads are saved and the caller gets the badge; the other devices catch up on the next push.
      logger.error('The badge push could not be queued', { error });
    }
  }
  return badge;
}
