import { unlessConditionFailed } from '../shared/appsync-client';
import { type DataClient, graphqlOf, pageOf } from '../shared/data-client';
import { NOTIFICATION_FIELDS } from '../shared/notifications/notification-create';
import type { NotificationState } from './notification-reads';

/**
 * Notifications through AppSync (IAM): a read is an updateNotification, so the user's other
 * devices see it live (it selects NOTIFICATION_FIELDS: subscribers get only what a mutation selected).
 */

export { NOTIFICATION_FIELDS };

/** Rows one aliased query reads. */
const GET_CHUNK = 50;
/** Writes in flight at once. */
const WRITE_CONCURRENCY = 10;

/**
 * One query for many ids (`n0: getNotification(id: $id0) { … } n1: …`): the typed client cannot
 * alias, and a get per id would make a 100-id call 100 round trips instead of 2.
 */
export function getNotificationsQuery(count: number): string {
  const variables = Array.from({ length: count }, (_, i) => `$id${i}: ID!`).join(', ');
  const fields = Array.from(
    { length: count },
    (_, i) => `n${i}: getNotification(id: $id${i}) { id userId readAt }`,
  ).join(' ');
  return `query GetNotificationStates(${variables}) { ${fields} }`;
}

// A document: the typed client's update takes no condition, and a read must never mark another user's row.
export const MARK_NOTIFICATION_READ = `mutation MarkNotificationRead(
  $input: UpdateNotificationInput!, $condition: ModelNotificationConditionInput) {
  updateNotification(input: $input, condition: $condition) { ${NOTIFICATION_FIELDS} } }`;

export interface NotificationStore {
  /** The rows that exist among these ids (any owner), by id. */
  states(ids: readonly string[]): Promise<Map<string, NotificationState>>;
  /** The user's unread notifications, newest first, at most `limit`. */
  newestUnreadIds(userId: string, limit: number): Promise<string[]>;
  /** Sets readAt on the user's notifications; returns the ids it marked (a row gone meanwhile is not). */
  markRead(ids: readonly string[], userId: string, readAt: string): Promise<string[]>;
}

export function notificationStore(data: () => Promise<DataClient>): NotificationStore {
  return {
    async states(ids) {
      const found = new Map<string, NotificationState>();
      const client = await data();
      for (let start = 0; start < ids.length; start += GET_CHUNK) {
        const chunk = ids.slice(start, start + GET_CHUNK);
        const rows = await graphqlOf<Record<string, NotificationState | null>>(
          client,
          'GetNotificationStates',
          getNotificationsQuery(chunk.length),
          Object.fromEntries(chunk.map((id, i) => [`id${i}`, id])),
        );
        for (const row of Object.values(rows ?? {})) if (row) found.set(row.id, row);
      }
      return found;
    },

    async newestUnreadIds(userId, limit) {
      const { models } = await data();
      const ids: string[] = [];
      let nextToken: string | undefined;
      do {
        const page = await pageOf(
          'ListNewestNotifications',
          models.Notification.listNotificationsByUser(
            { userId },
            { sortDirection: 'DESC', limit: 100, nextToken, selectionSet: ['id', 'readAt'] },
          ),
        );
        for (const item of page.items) if (!item.readAt && ids.length < limit) ids.push(item.id);
        nextToken = page.nextToken;
      } while (nextToken && ids.length < limit);
      return ids;
    },

    async markRead(ids, userId, readAt) {
      const client = await data();
      const marked: string[] = [];
      for (let start = 0; start < ids.length; start += WRITE_CONCURRENCY) {
        const chunk = ids.slice(start, start + WRITE_CONCURRENCY);
        const results = await Promise.all(
          chunk.map(async (id) => {
            // Deleted or expired since it was read (the condition failed): nothing left to mark.
            const written = await unlessConditionFailed(
              graphqlOf(client, 'MarkNotificationRead', MARK_NOTIFICATION_READ, {
                input: { id, readAt },
                // Never another user's row, whatever id reaches this point.
                condition: { userId: { eq: userId } },
              }),
            );
            return written !== undefined;
          }),
        );
        chunk.forEach((id, index) => {
          if (results[index]) marked.push(id);
        });
      }
      return marked;
    },
  };
}
