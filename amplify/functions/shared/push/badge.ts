import { allPages, type DataClient, dataClient } from '../data-client';

/**
 * The app icon's badge: unread chat messages (the user's memberships' unreadCount) plus unread
 * notifications (no readAt). Read through AppSync with the function's role, so it sees exactly
 * what the user's own queries see.
 */

export interface BadgeCount {
  unreadChats: number;
  unreadNotifications: number;
  /** Unread messages per conversation, as read. */
  byConversation: Map<string, number>;
  total: number;
}

/** The GraphQL Badge type. */
export interface Badge {
  unreadChats: number;
  unreadNotifications: number;
  total: number;
}

export function badgeOf(count: BadgeCount): Badge {
  return {
    unreadChats: count.unreadChats,
    unreadNotifications: count.unreadNotifications,
    total: count.total,
  };
}

export interface BadgeCountOptions {
  /**
   * Notifications the caller has just marked read: the user index may not show that write yet,
   * so these count as read whatever it says.
   */
  readNotificationIds?: ReadonlySet<string>;
}

export async function badgeCount(
  userId: string,
  client?: DataClient,
  options: BadgeCountOptions = {},
): Promise<BadgeCount> {
  const { models } = client ?? (await dataClient());
  const [memberships, notifications] = await Promise.all([
    allPages('BadgeMemberships', (nextToken) =>
      models.ConversationMember.listMembershipsByUser(
        { userId },
        { limit: 1000, nextToken, selectionSet: ['conversationId', 'unreadCount'] },
      ),
    ),
    // Filtered here rather than with `attributeExists: false`: a row written with `readAt: null`
    // stores a NULL attribute, which exists, and would never count.
    allPages('BadgeNotifications', (nextToken) =>
      models.Notification.listNotificationsByUser(
        { userId },
        { limit: 1000, nextToken, selectionSet: ['id', 'readAt'] },
      ),
    ),
  ]);
  const unreadNotifications = notifications.filter(
    (notification) => !notification.readAt && !options.readNotificationIds?.has(notification.id),
  ).length;
  const byConversation = new Map<string, number>();
  let unreadChats = 0;
  for (const membership of memberships) {
    // A negative or missing count (a row mid-repair) never lowers the others'.
    const unread = Math.max(0, membership.unreadCount ?? 0);
    byConversation.set(membership.conversationId, unread);
    unreadChats += unread;
  }
  return {
    unreadChats,
    unreadNotifications,
    byConversation,
    total: unreadChats + unreadNotifications,
  };
}
