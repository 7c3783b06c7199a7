import type { AppSyncClient } from '../shared/appsync-client';
import { badgeCount } from '../shared/push/badge';
import type { RecipientProfile } from './fanout-decision';
import type { NotificationRow } from './notification-push';

/** What notification-fanout reads, through AppSync with the function's IAM role (query only). */

const GET_PROFILE = `query GetFanoutProfile($id: ID!) {
  getUserProfile(id: $id) { id deletedAt consents { marketing nightPush } } }`;

// Same key as the row (userId, createdAt): a handful of rows at most, even for a broadcast.
const LIST_SAME_INSTANT = `query NotificationListed(
  $userId: ID!, $createdAt: ModelStringKeyConditionInput, $nextToken: String) {
  listNotificationsByUser(userId: $userId, createdAt: $createdAt, limit: 100, nextToken: $nextToken) {
    items { id } nextToken } }`;

interface ListedPage {
  listNotificationsByUser: { items: ({ id: string } | null)[]; nextToken?: string | null } | null;
}

export interface FanoutStore {
  /** The recipient's consents and deletion mark; undefined when there is no profile. */
  profile(userId: string): Promise<RecipientProfile | undefined>;
  /** Whether the user's notification index lists the row yet (the badge query reads that index). */
  isListed(notification: Pick<NotificationRow, 'id' | 'userId' | 'createdAt'>): Promise<boolean>;
  /** The app badge as stored now: unread chats + unread notifications. */
  badge(userId: string): Promise<number>;
}

export function fanoutStore(options: { appSync: () => AppSyncClient }): FanoutStore {
  return {
    async profile(userId) {
      const data = await options
        .appSync()
        .graphql<{ getUserProfile: RecipientProfile | null }>(GET_PROFILE, { id: userId });
      return data.getUserProfile ?? undefined;
    },

    async isListed(notification) {
      let nextToken: string | null | undefined;
      do {
        const data = await options.appSync().graphql<ListedPage>(LIST_SAME_INSTANT, {
          userId: notification.userId,
          createdAt: { eq: notification.createdAt },
          nextToken,
        });
        const items = data.listNotificationsByUser?.items ?? [];
        if (items.some((item) => item?.id === notification.id)) return true;
        nextToken = data.listNotificationsByUser?.nextToken;
      } while (nextToken);
      return false;
    },

    async badge(userId) {
      return (await badgeCount(userId, options.appSync())).total;
    },
  };
}
