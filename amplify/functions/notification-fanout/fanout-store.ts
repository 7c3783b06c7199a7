import { type DataClient, dataOf, pageOf } from '../shared/data-client';
import { badgeCount } from '../shared/push/badge';
import type { RecipientProfile } from './fanout-decision';
import type { NotificationRow } from './notification-push';

/** What notification-fanout reads, through AppSync with the function's IAM role (query only). */

export interface FanoutStore {
  /** The recipient's consents and deletion mark; undefined when there is no profile. */
  profile(userId: string): Promise<RecipientProfile | undefined>;
  /** Whether the user's notification index lists the row yet (the badge query reads that index). */
  isListed(notification: Pick<NotificationRow, 'id' | 'userId' | 'createdAt'>): Promise<boolean>;
  /** The app badge as stored now: unread chats + unread notifications. */
  badge(userId: string): Promise<number>;
}

export function fanoutStore(options: { data: () => Promise<DataClient> }): FanoutStore {
  return {
    async profile(userId) {
      const { models } = await options.data();
      const profile = await dataOf(
        'GetFanoutProfile',
        models.UserProfile.get(
          { id: userId },
          { selectionSet: ['id', 'deletedAt', 'consents.marketing', 'consents.nightPush'] },
        ),
      );
      return profile ?? undefined;
    },

    async isListed(notification) {
      const { models } = await options.data();
      let nextToken: string | undefined;
      do {
        // Same key as the row (userId, createdAt): a handful of rows at most, even for a broadcast.
        const page = await pageOf(
          'NotificationListed',
          models.Notification.listNotificationsByUser(
            { userId: notification.userId, createdAt: { eq: notification.createdAt } },
            { limit: 100, nextToken, selectionSet: ['id'] },
          ),
        );
        if (page.items.some((item) => item.id === notification.id)) return true;
        nextToken = page.nextToken;
      } while (nextToken);
      return false;
    },

    async badge(userId) {
      return (await badgeCount(userId, await options.data())).total;
    },
  };
}
