import { a } from '@aws-amplify/backend';

/** What custom operations return that is not a model. */
export const operationResults = {
  /** Where the caller's account deletion stands (deleteAccount). */
  AccountDeletion: a.customType({
    userId: a.id().required(),
    status: a.ref('AccountDeletionStatus').required(),
    requestedAt: a.datetime().required(),
    completedAt: a.datetime(),
  }),

  /** The app icon's badge: unread chat messages + unread notifications (what pushes carry). */
  Badge: a.customType({
    unreadChats: a.integer().required(),
    unreadNotifications: a.integer().required(),
    total: a.integer().required(),
  }),

  /** A signed link to the listing a conversation is about; it grants no access to the conversation. */
  ShareLink: a.customType({
    token: a.string().required(),
    url: a.url().required(),
    listingId: a.string().required(),
    expiresAt: a.datetime().required(),
  }),

  ResolvedShareLink: a.customType({
    listingId: a.string().required(),
    complexId: a.string(),
    expiresAt: a.datetime().required(),
  }),
};
