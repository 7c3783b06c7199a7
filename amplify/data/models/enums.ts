import { a } from '@aws-amplify/backend';

/**
 * The schema's enums in one place: models and custom operations share them (ConversationKind is a
 * Conversation's and startConversation's), and functions derive their types from them through `Schema`.
 */
export const enums = {
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
};
