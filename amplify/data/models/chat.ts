import { a } from '@aws-amplify/backend';

/** Conversations, their members and their messages: readable only by the conversation's members. */
export const chatModels = {
  /** What a LISTING_CARD message showed at send time; later price changes don't rewrite it. */
  ListingSnapshot: a.customType({
    listingId: a.string().required(),
    complexId: a.string(),
    title: a.string(),
    priceWon: a.float(),
    exclusiveAreaM2: a.float(),
    address: a.string(),
    thumbnailUrl: a.url(),
  }),

  ImageAttachment: a.customType({
    key: a.string().required(),
    width: a.integer(),
    height: a.integer(),
  }),

  Conversation: a
    .model({
      kind: a.ref('ConversationKind').required(),
      status: a.ref('ConversationStatus').required(),
      memberIds: a.id().required().array().required(),
      /** buyer + broker + listing: startConversation writes conditionally on it. */
      dedupeKey: a.string().required(),
      buyerId: a.id(),
      brokerId: a.id(),
      listingId: a.string(),
      complexId: a.string(),
      lastMessageAt: a.datetime(),
      lastMessagePreview: a.string(),
      members: a.hasMany('ConversationMember', 'conversationId'),
    })
    .secondaryIndexes((index) => [
      // broker-matching: the inquiries still waiting for a broker, and each broker's load.
      index('status').name('conversationsByStatus').queryField('listConversationsByStatus'),
      index('brokerId').name('conversationsByBrokerId').queryField('listConversationsByBrokerId'),
      // rest-legacy-webhook: the conversations about a listing whose status changed.
      index('listingId').name('conversationsByListingId').queryField('listConversationsByListingId'),
    ])
    .authorization((allow) => [
      allow.ownersDefinedIn('memberIds').identityClaim('sub').to(['read']),
      allow.group('ADMINS').to(['read']),
    ]),

  ConversationMember: a
    .model({
      conversationId: a.id().required(),
      userId: a.id().required(),
      /** The conversation's members, so that members see each other's read receipts. */
      memberIds: a.id().required().array().required(),
      role: a.ref('MemberRole').required(),
      unreadCount: a.integer().required().default(0),
      lastReadAt: a.datetime(),
      lastReadMessageId: a.id(),
      muted: a.boolean().default(false),
      mutedUntil: a.datetime(),
      /** Presence heartbeat: while in the future, the member is looking at the conversation. */
      viewingUntil: a.datetime(),
      /** Copied from the conversation so a user's list sorts by it without a join. */
      lastMessageAt: a.datetime().required(),
      lastMessagePreview: a.string(),
      conversation: a.belongsTo('Conversation', 'conversationId'),
    })
    .identifier(['conversationId', 'userId'])
    .secondaryIndexes((index) => [
      index('userId').sortKeys(['lastMessageAt']).queryField('listMembershipsByUser'),
    ])
    .authorization((allow) => [
      allow.ownersDefinedIn('memberIds').identityClaim('sub').to(['read']),
      allow.group('ADMINS').to(['read']),
    ]),

  Message: a
    .model({
      /** Derived from sender + clientMessageId, so a retried send maps to the same row. */
      id: a.id().required(),
      conversationId: a.id().required(),
      createdAt: a.datetime().required(),
      senderId: a.id().required(),
      /** Shown instead of the sender's nickname: '탈퇴한 사용자' once the sender deleted their account. */
      senderLabel: a.string(),
      /** Who may read it: the conversation's members when it was sent. */
      memberIds: a.id().required().array().required(),
      kind: a.ref('MessageKind').required(),
      body: a.string(),
      image: a.ref('ImageAttachment'),
      listing: a.ref('ListingSnapshot'),
      clientMessageId: a.string(),
      /** A SYSTEM message that counts as unread and pushes like a member's (e.g. a broker joined). */
      notify: a.boolean(),
      editedAt: a.datetime(),
      deletedAt: a.datetime(),
    })
    .secondaryIndexes((index) => [
      index('conversationId').sortKeys(['createdAt']).queryField('listMessagesByConversation'),
    ])
    .authorization((allow) => [
      allow.ownersDefinedIn('memberIds').identityClaim('sub').to(['read']),
      allow.group('ADMINS').to(['read']),
    ]),
};
