import { a, type ClientSchema, defineData } from '@aws-amplify/backend';
import { currentCdkContext } from '../environment';
import { alertLowestPrice } from '../functions/alert-lowest-price/resource';
import { alertPresale } from '../functions/alert-presale/resource';
import { alertRealTransaction } from '../functions/alert-real-transaction/resource';
import { alertSubscription } from '../functions/alert-subscription/resource';
import { badgeSync } from '../functions/badge-sync/resource';
import { brokerMatching } from '../functions/broker-matching/resource';
import { chatReminder } from '../functions/chat-reminder/resource';
import { conversationCreated } from '../functions/conversation-created/resource';
import { conversationLink } from '../functions/conversation-link/resource';
import { deviceRegister } from '../functions/device-register/resource';
import { messagePush } from '../functions/message-push/resource';
import { messageReadReceipt } from '../functions/message-read-receipt/resource';
import { messageUnreadCounter } from '../functions/message-unread-counter/resource';
import { noticeBroadcast } from '../functions/notice-broadcast/resource';
import { notificationFanout } from '../functions/notification-fanout/resource';
import { restAppApi } from '../functions/rest-app-api/resource';
import { restLegacyWebhook } from '../functions/rest-legacy-webhook/resource';
import { userDeleteCascade } from '../functions/user-delete-cascade/resource';
import {
  adoptionBranchName,
  gen1TableMappings,
  loadGen1Resources,
  schemaAdoptingGen1Tables,
} from '../migration/gen1-resources';

/**
 * The AppSync API and its DynamoDB tables (DESIGN §3).
 *
 * Authorization is the security boundary:
 * - every user id is the Cognito `sub` (`identityClaim('sub')`), so functions can write
 *   rows for a user without knowing the username;
 * - a conversation, its members and its messages are readable only by its members
 *   (`ownersDefinedIn('memberIds')`), which also filters their subscriptions;
 * - counters, previews, memberships and messages are written by functions only (IAM),
 *   never by clients: the custom operations that validate input come with their issues;
 * - a profile is the public card of a user (nickname, role, image) to anyone signed in who asks
 *   for it by id (`get`), never as a list; its phone, consents, regions and deletion are its
 *   owner's (admins read consents and regions, never the phone); its owner changes it only
 *   through updateProfile and updateConsents, which validate and stamp the time.
 */

const userId = () => a.id().required();

const schema = a
  .schema({
    UserRole: a.enum(['USER', 'BROKER', 'ADMIN']),
    DevicePlatform: a.enum(['APNS', 'APNS_SANDBOX', 'GCM']),
    ConversationKind: a.enum(['DIRECT', 'LISTING_INQUIRY', 'SUPPORT']),
    ConversationStatus: a.enum(['OPEN', 'WAITING_FOR_BROKER', 'CLOSED']),
    MemberRole: a.enum(['BUYER', 'BROKER', 'STAFF']),
    MessageKind: a.enum(['TEXT', 'IMAGE', 'LISTING_CARD', 'SYSTEM']),
    AlertKind: a.enum(['LOWEST_PRICE', 'PRESALE', 'REAL_TRANSACTION']),
    ListingStatus: a.enum(['ACTIVE', 'SOLD', 'WITHDRAWN']),
    AccountDeletionStatus: a.enum(['IN_PROGRESS', 'COMPLETED']),
    NotificationType: a.enum([
      'CHAT_REMINDER',
      'LOWEST_PRICE',
      'PRESALE',
      'REAL_TRANSACTION',
      'BROKER_ASSIGNED',
      'NOTICE',
      'MARKETING',
    ]),

    /** Consents under 정보통신망법 (Korea's network act): each with the server time it last changed. */
    Consents: a.customType({
      marketing: a.boolean(),
      marketingAt: a.datetime(),
      nightPush: a.boolean(),
      nightPushAt: a.datetime(),
    }),

    /** One updateConsents that changed something: the proof of when consent was given or withdrawn. */
    ConsentChange: a.customType({
      marketing: a.boolean().required(),
      nightPush: a.boolean().required(),
      /** Server time. */
      at: a.datetime().required(),
      /** Who changed it (the Cognito sub: the profile's owner). */
      by: a.id().required(),
      /** The app version the change was made from, as the app reported it. */
      appVersion: a.string().required(),
    }),

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

    UserProfile: a
      .model({
        /** The Cognito sub. */
        id: a.id().required(),
        /** 2–20 characters, no control or invisible characters (updateProfile). */
        nickname: a.string(),
        role: a.ref('UserRole'),
        phone: a
          .phone()
          .authorization((allow) => [allow.ownerDefinedIn('id').identityClaim('sub').to(['read'])]),
        /** Written only by updateConsents (server time); notification-fanout reads it. */
        consents: a
          .ref('Consents')
          .authorization((allow) => [
            allow.ownerDefinedIn('id').identityClaim('sub').to(['read']),
            allow.group('ADMINS').to(['read']),
          ]),
        /** The latest 100 consent changes, oldest first (docs/notifications.md, "Consents"). */
        consentHistory: a
          .ref('ConsentChange')
          .required()
          .array()
          .authorization((allow) => [
            allow.ownerDefinedIn('id').identityClaim('sub').to(['read']),
            allow.group('ADMINS').to(['read']),
          ]),
        profileImageKey: a.string(),
        /** 법정동 codes of the regions the user follows (2, 5, 8 or 10 digits): notice segments use them. */
        regionCodes: a
          .string()
          .required()
          .array()
          .authorization((allow) => [
            allow.ownerDefinedIn('id').identityClaim('sub').to(['read']),
            allow.group('ADMINS').to(['read']),
          ]),
        deletedAt: a
          .datetime()
          .authorization((allow) => [allow.ownerDefinedIn('id').identityClaim('sub').to(['read'])]),
      })
      .authorization((allow) => [
        // A chat partner's card by id: select id, nickname, role, profileImageKey (README). Only
        // `get`: no field rule here may say `read` for everyone, or the transformer would let
        // everyone list (it authorizes a list for a role that may list any one field).
        allow.authenticated().to(['get']),
        // Listing is the owner's (their own row) and admins' only.
        allow.ownerDefinedIn('id').identityClaim('sub').to(['read']),
        allow.group('ADMINS').to(['read']),
      ]),

    Device: a
      .model({
        /** sha256 of the token: one row per token, so a token belongs to one user (the latest). */
        id: a.id().required(),
        userId: userId(),
        platform: a.ref('DevicePlatform').required(),
        token: a.string().required(),
        appVersion: a.string(),
        locale: a.string(),
        lastSeenAt: a.datetime().required(),
        invalidatedAt: a.datetime(),
      })
      .secondaryIndexes((index) => [index('userId').name('devicesByUserId').queryField('listDevicesByUser')])
      .authorization((allow) => [allow.ownerDefinedIn('userId').identityClaim('sub').to(['read', 'delete'])]),

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
        userId: userId(),
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

    Notification: a
      .model({
        userId: userId(),
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

    AlertSubscription: a
      .model({
        /** Its id is derived from userId, kind and target (alert-subscription): one per user, kind and target. */
        userId: userId(),
        kind: a.ref('AlertKind').required(),
        /** complexId for LOWEST_PRICE and REAL_TRANSACTION; a 시군구 (5-digit) or 법정동 (10-digit) code for PRESALE. */
        target: a.string().required(),
        /** LOWEST_PRICE: alert when a listing's price in won is at or under this. */
        thresholdWon: a.float(),
        label: a.string(),
      })
      .secondaryIndexes((index) => [
        index('kind').sortKeys(['target']).queryField('listAlertSubscriptionsByKindAndTarget'),
        index('userId').queryField('listAlertSubscriptionsByUser'),
      ])
      // Created and edited only through the validating mutations (alert-subscription, IAM).
      .authorization((allow) => [allow.ownerDefinedIn('userId').identityClaim('sub').to(['read', 'delete'])]),

    /** A broker (중개사) synced from the Legacy API. */
    BrokerProfile: a
      .model({
        /** The legacy broker id. */
        id: a.id().required(),
        /** The broker's Cognito sub once they use the app. */
        userId: a.id(),
        name: a.string().required(),
        officeName: a.string(),
        regionCodes: a.string().required().array().required(),
        active: a.boolean().required(),
        openConversations: a.integer().default(0),
        lastAssignedAt: a.datetime(),
        /** The Legacy API's updatedAt of what was synced: an older page never overwrites a newer row. */
        sourceUpdatedAt: a.datetime(),
        syncedAt: a.datetime(),
      })
      .authorization((allow) => [allow.authenticated().to(['read'])]),

    /** An apartment complex (단지), synced from the Legacy API by data-sync. */
    Complex: a
      .model({
        /** The legacy complex id. */
        id: a.id().required(),
        name: a.string().required(),
        /** 10-digit 법정동 (legal-dong) code. */
        regionCode: a.string().required(),
        /** Its first 5 digits: the 시군구 code the public data API uses. */
        lawdCode: a.string().required(),
        dong: a.string(),
        /** 지번 (lot number): with lawdCode and name, how a 실거래 row names its complex. */
        jibun: a.string().required(),
        builtYear: a.integer(),
        households: a.integer(),
        sourceUpdatedAt: a.datetime(),
        syncedAt: a.datetime(),
      })
      .secondaryIndexes((index) => [
        index('lawdCode').name('complexesByLawdCode').queryField('listComplexesByLawdCode'),
      ])
      .authorization((allow) => [allow.authenticated().to(['read'])]),

    /** A listing (매물), synced from the Legacy API by data-sync. */
    Listing: a
      .model({
        /** The legacy listing id. */
        id: a.id().required(),
        complexId: a.string().required(),
        complexName: a.string(),
        regionCode: a.string().required(),
        address: a.string(),
        priceWon: a.float(),
        exclusiveAreaM2: a.float(),
        floor: a.integer(),
        status: a.ref('ListingStatus').required(),
        thumbnailUrl: a.string(),
        sourceUpdatedAt: a.datetime(),
        syncedAt: a.datetime(),
      })
      .secondaryIndexes((index) => [
        index('complexId').name('listingsByComplexId').queryField('listListingsByComplexId'),
      ])
      .authorization((allow) => [allow.authenticated().to(['read'])]),

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

    /**
     * Registers the caller's push token, or refreshes it: the app calls it at every launch. A token
     * belongs to the latest user to register it.
     */
    registerDevice: a
      .mutation()
      .arguments({
        platform: a.ref('DevicePlatform').required(),
        token: a.string().required(),
        appVersion: a.string(),
        locale: a.string(),
      })
      .returns(a.ref('Device'))
      .authorization((allow) => [allow.authenticated()])
      .handler(a.handler.function(deviceRegister)),

    /**
     * The caller's advertising consents (docs/notifications.md, "Consents"), the only way they
     * change: stamped with server time and recorded in consentHistory with the app's version.
     */
    updateConsents: a
      .mutation()
      .arguments({
        marketing: a.boolean().required(),
        nightPush: a.boolean().required(),
        appVersion: a.string().required(),
      })
      .returns(a.ref('Consents'))
      .authorization((allow) => [allow.authenticated()])
      .handler(a.handler.function(deviceRegister)),

    /** The caller's nickname, profile image and regions: an omitted argument is kept, null clears. */
    updateProfile: a
      .mutation()
      .arguments({
        nickname: a.string(),
        profileImageKey: a.string(),
        regionCodes: a.string().required().array(),
      })
      .returns(a.ref('UserProfile'))
      .authorization((allow) => [allow.authenticated()])
      .handler(a.handler.function(deviceRegister)),

    /** Marks the caller's notifications read: some (ids, 1–100) or all (the newest 100 a call). */
    markNotificationsRead: a
      .mutation()
      .arguments({ ids: a.id().required().array(), all: a.boolean() })
      .returns(a.ref('Badge'))
      .authorization((allow) => [allow.authenticated()])
      .handler(a.handler.function(badgeSync)),

    /** The caller's badge now. */
    badge: a
      .query()
      .returns(a.ref('Badge'))
      .authorization((allow) => [allow.authenticated()])
      .handler(a.handler.function(badgeSync)),

    /** Subscribes the caller to an alert; the same kind and target again returns the alert they have. */
    addAlertSubscription: a
      .mutation()
      .arguments({
        kind: a.ref('AlertKind').required(),
        target: a.string().required(),
        thresholdWon: a.float(),
        label: a.string(),
      })
      .returns(a.ref('AlertSubscription'))
      .authorization((allow) => [allow.authenticated()])
      .handler(a.handler.function(alertSubscription)),

    /** Changes the threshold and/or label of one of the caller's alerts (an omitted argument is kept, null clears). */
    editAlertSubscription: a
      .mutation()
      .arguments({ id: a.id().required(), thresholdWon: a.float(), label: a.string() })
      .returns(a.ref('AlertSubscription'))
      .authorization((allow) => [allow.authenticated()])
      .handler(a.handler.function(alertSubscription)),

    /** Removes one of the caller's alerts. */
    removeAlertSubscription: a
      .mutation()
      .arguments({ id: a.id().required() })
      .returns(a.ref('AlertSubscription'))
      .authorization((allow) => [allow.authenticated()])
      .handler(a.handler.function(alertSubscription)),

    /** A buyer opens (or finds again) the conversation with a broker about a listing or complex. */
    startConversation: a
      .mutation()
      .arguments({
        kind: a.ref('ConversationKind').required(),
        /** The legacy broker id (BrokerProfile.id). */
        brokerId: a.id(),
        listingId: a.string(),
        complexId: a.string(),
      })
      .returns(a.ref('Conversation'))
      .authorization((allow) => [allow.authenticated()])
      .handler(a.handler.function(conversationLink)),

    /**
     * Posts into a conversation the caller is a member of; a retry with the same clientMessageId and
     * content is the same message, the same clientMessageId with other content CLIENT_MESSAGE_ID_REUSED.
     */
    sendMessage: a
      .mutation()
      .arguments({
        conversationId: a.id().required(),
        kind: a.ref('MessageKind').required(),
        body: a.string(),
        image: a.ref('ImageAttachment'),
        listing: a.ref('ListingSnapshot'),
        clientMessageId: a.string().required(),
      })
      .returns(a.ref('Message'))
      .authorization((allow) => [allow.authenticated()])
      .handler(a.handler.function(conversationLink)),

    /** The sender rewrites a message; members see the change live (onUpdateMessage). */
    editMessage: a
      .mutation()
      .arguments({ id: a.id().required(), body: a.string().required() })
      .returns(a.ref('Message'))
      .authorization((allow) => [allow.authenticated()])
      .handler(a.handler.function(conversationLink)),

    /** The sender deletes a message: the row stays for the thread, its content is cleared. */
    deleteOwnMessage: a
      .mutation()
      .arguments({ id: a.id().required() })
      .returns(a.ref('Message'))
      .authorization((allow) => [allow.authenticated()])
      .handler(a.handler.function(conversationLink)),

    /** Marks the conversation read up to a message or a time; never moves backwards. */
    markRead: a
      .mutation()
      .arguments({ conversationId: a.id().required(), messageId: a.id(), at: a.datetime() })
      .returns(a.ref('ConversationMember'))
      .authorization((allow) => [allow.authenticated()])
      .handler(a.handler.function(conversationLink)),

    /** Presence: "I am looking at this conversation" for the next 30 seconds (no pushes meanwhile). */
    setViewing: a
      .mutation()
      .arguments({ conversationId: a.id().required() })
      .returns(a.ref('ConversationMember'))
      .authorization((allow) => [allow.authenticated()])
      .handler(a.handler.function(conversationLink)),

    /** Mutes (optionally until a time) or unmutes a conversation's pushes for the caller. */
    muteConversation: a
      .mutation()
      .arguments({ conversationId: a.id().required(), muted: a.boolean().required(), until: a.datetime() })
      .returns(a.ref('ConversationMember'))
      .authorization((allow) => [allow.authenticated()])
      .handler(a.handler.function(conversationLink)),

    /** A member links the conversation to a legacy listing and/or complex; members see it via onUpdate. */
    linkConversation: a
      .mutation()
      .arguments({ conversationId: a.id().required(), listingId: a.string(), complexId: a.string() })
      .returns(a.ref('Conversation'))
      .authorization((allow) => [allow.authenticated()])
      .handler(a.handler.function(conversationLink)),

    /**
     * A buyer asks for a broker for their listing inquiry (LISTING_INQUIRY without one): matched now
     * when a broker covers the listing's region, else it stays WAITING_FOR_BROKER and is matched
     * when a broker becomes available (docs/reference-data.md, "Broker matching").
     */
    requestBroker: a
      .mutation()
      .arguments({ conversationId: a.id().required() })
      .returns(a.ref('Conversation'))
      .authorization((allow) => [allow.authenticated()])
      .handler(a.handler.function(brokerMatching)),

    /**
     * Deletes the caller's account (docs/accounts.md): sign-in is blocked at once, then the cascade
     * removes everything of theirs; their messages stay for the others as 탈퇴한 사용자. Calling
     * again answers where the deletion stands.
     */
    deleteAccount: a
      .mutation()
      .returns(a.ref('AccountDeletion'))
      .authorization((allow) => [allow.authenticated()])
      .handler(a.handler.function(userDeleteCascade)),

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

    createShareLink: a
      .mutation()
      .arguments({ conversationId: a.id().required() })
      .returns(a.ref('ShareLink'))
      .authorization((allow) => [allow.authenticated()])
      .handler(a.handler.function(conversationLink)),

    /** Any signed-in user opens a share link: the listing to show, then startConversation if they ask. */
    resolveShareLink: a
      .query()
      .arguments({ token: a.string().required() })
      .returns(a.ref('ResolvedShareLink'))
      .authorization((allow) => [allow.authenticated()])
      .handler(a.handler.function(conversationLink)),
  })
  // Functions write through AppSync with IAM, so subscribers see what they write.
  .authorization((allow) => [
    allow.resource(conversationLink),
    allow.resource(conversationCreated),
    allow.resource(messageUnreadCounter).to(['query', 'mutate']),
    // Reads memberships, profiles and the badge; writes nothing.
    allow.resource(messagePush).to(['query']),
    allow.resource(messageReadReceipt).to(['query', 'mutate']),
    // Reads consents, notifications and memberships for the badge; writes nothing.
    allow.resource(notificationFanout).to(['query']),
    // Creates NOTICE rows; reads nothing through AppSync.
    allow.resource(noticeBroadcast).to(['mutate']),
    // Lists a conversation's messages; creates CHAT_REMINDER rows.
    allow.resource(chatReminder).to(['query', 'mutate']),
    // Writes Device rows (a registration, the per-user cap) and reads the caller's devices;
    // reads and writes the caller's UserProfile (updateProfile, updateConsents).
    allow.resource(deviceRegister).to(['query', 'mutate']),
    // Sets readAt on notifications and reads memberships and notifications for the badge.
    allow.resource(badgeSync).to(['query', 'mutate']),
    // Read subscriptions by kind and target, create Notification rows.
    allow.resource(alertLowestPrice).to(['query', 'mutate']),
    allow.resource(alertPresale).to(['query', 'mutate']),
    allow.resource(alertRealTransaction).to(['query', 'mutate']),
    allow.resource(alertSubscription).to(['query', 'mutate']),
    // Reads listings, complexes and conversations; adds the broker, the system message, the notification.
    allow.resource(brokerMatching).to(['query', 'mutate']),
    // broker.assigned adds the broker; listing.status_changed posts system messages.
    allow.resource(restLegacyWebhook).to(['query', 'mutate']),
    // GET /v1/me/badge reads memberships and notifications, like the badge query.
    allow.resource(restAppApi).to(['query']),
    // Removes memberships, anonymizes messages, posts the "left" message.
    allow.resource(userDeleteCascade).to(['query', 'mutate']),
  ]);

export type Schema = ClientSchema<typeof schema>;

// Branches that adopt a live Gen 1 app's tables (amplify/migration/gen1-resources.json, docs/migration.md).
const synthContext = currentCdkContext();
const gen1Resources = loadGen1Resources(synthContext);
const adoptedModels = Object.keys(gen1Resources[adoptionBranchName(synthContext) ?? '']?.tables ?? {});

export const data = defineData({
  // Typed schemas are never imported by backend-data: see schemaAdoptingGen1Tables.
  schema: schemaAdoptingGen1Tables(schema, adoptedModels),
  authorizationModes: {
    defaultAuthorizationMode: 'userPool',
  },
  migratedAmplifyGen1DynamoDbTableMappings: gen1TableMappings(gen1Resources),
});
