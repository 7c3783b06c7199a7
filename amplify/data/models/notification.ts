import { a } from '@aws-amplify/backend';

/** A user's inbox (docs/notifications.md): written by functions, read and deleted by its owner. */
export const notificationModels = {
  Notification: a
    .model({
      userId: a.id().required(),
      type: a.ref('NotificationType').required(),
      title: a.string().required(),
      body: a.string().required(),
      deepLink: a.string(),
      /** What the notification is about, for dedupe (listing, announcement, transaction id). */
      subjectId: a.string(),
      createdAt: a.datetime().required(),
      readAt: a.datetime(),
      /** TTL (epoch seconds): the inbox keeps notifications for a limited time. */
      expiresAt: a.timestamp(),
    })
    .secondaryIndexes((index) => [
      index('userId').sortKeys(['createdAt']).queryField('listNotificationsByUser'),
    ])
    .authorization((allow) => [allow.ownerDefinedIn('userId').identityClaim('sub').to(['read', 'delete'])]),
};
