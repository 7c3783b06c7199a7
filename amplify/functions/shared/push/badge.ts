import { type AppSyncClient, appSyncClient } from '../appsync-client';

/**
 * The app icon's badge: unread chat messages (the user's memberships' unreadCount) plus unread
 * notifications (no readAt). Read through AppSync with the function's role, so it sees exactly
 * what the user's own queries see.
 */

const MEMBERSHIPS = `query BadgeMemberships($userId: ID!, $nextToken: String) {
  listMembershipsByUser(userId: $userId, limit: 1000, nextToken: $nextToken) {
    items { conversationId unreadCount } nextToken } }`;

// Filtered here rather than with `attributeExists: false`: a row written with `readAt: null`
// stores a NULL attribute, which exists, and would never count.
const NOTIFICATIONS = `query BadgeNotifications($userId: ID!, $nextToken: String) {
  listNotificationsByUser(userId: $userId, limit: 1000, nextToken: $nextToken) {
    items { id readAt } nextToken } }`;

interface Page<T> {
  items: (T | null)[];
  nextToken?: string | null;
}

async function everyPage<T>(
  client: AppSyncClient,
  query: string,
  variables: Record<string, unknown>,
): Promise<T[]> {
  const items: T[] = [];
  let nextToken: string | null | undefined;
  do {
    const data = await client.graphql<Record<string, Page<T> | null>>(query, { ...variables, nextToken });
    const page = Object.values(data ?? {})[0];
    for (const item of page?.items ?? []) if (item) items.push(item);
    nextToken = page?.nextToken;
  } while (nextToken);
  return items;
}

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
  client: AppSyncClient = appSyncClient(),
  options: BadgeCountOptions = {},
): Promise<BadgeCount> {
  const [memberships, notifications] = await Promise.all([
    everyPage<{ conversationId: string; unreadCount: number | null }>(client, MEMBERSHIPS, { userId }),
    everyPage<{ id: string; readAt?: string | null }>(client, NOTIFICATIONS, { userId }),
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
