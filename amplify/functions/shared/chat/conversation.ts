import { nameBasedUuid } from '../name-based-id';
import type { ConversationMemberRow } from './chat-message';

/** What a conversation is: its row, its kinds and statuses, and the dedupe key and id it is found by. */

export const CONVERSATION_KINDS = ['DIRECT', 'LISTING_INQUIRY', 'SUPPORT'] as const;
export type ConversationKind = (typeof CONVERSATION_KINDS)[number];
export type ConversationStatus = 'OPEN' | 'WAITING_FOR_BROKER' | 'CLOSED';
export type UserRole = 'USER' | 'BROKER' | 'ADMIN';

/** A Conversation row as its table stores it. */
export interface ConversationRow {
  id: string;
  kind: ConversationKind;
  status: ConversationStatus;
  memberIds: string[];
  dedupeKey: string;
  buyerId?: string | null;
  /** The legacy broker id (BrokerProfile.id), which the broker CRM knows; members hold Cognito subs. */
  brokerId?: string | null;
  listingId?: string | null;
  complexId?: string | null;
  lastMessageAt?: string | null;
  lastMessagePreview?: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A BrokerProfile row (synced from the Legacy API by data-sync). */
export interface BrokerProfileRow {
  id: string;
  /** The broker's Cognito sub, once they use the app. */
  userId?: string | null;
  name?: string;
  active: boolean;
}

export type ConversationItem = ConversationRow & { __typename: 'Conversation' };
export type ConversationMemberItem = ConversationMemberRow & {
  __typename: 'ConversationMember';
  createdAt: string;
  updatedAt: string;
};

export interface DedupeSubject {
  /** Defaults to LISTING_INQUIRY when there is a listing, DIRECT otherwise. */
  kind?: ConversationKind;
  buyerId: string;
  brokerId?: string | null;
  listingId?: string | null;
  complexId?: string | null;
}

/**
 * One conversation per buyer, broker and subject. A listing belongs to one complex, so a listing
 * inquiry's key leaves the complex out: a client that sometimes omits complexId still finds the
 * same conversation. An inquiry no broker was chosen for yet keys on an empty broker. A buyer has
 * one SUPPORT conversation, whatever it is about.
 */
export function dedupeKey(subject: DedupeSubject): string {
  const kind = subject.kind ?? (subject.listingId ? 'LISTING_INQUIRY' : 'DIRECT');
  // Encoded, so an id containing the separator can't collide with another pair of ids.
  const part = (name: string, value: string | null | undefined) =>
    `${name}=${encodeURIComponent(value ?? '')}`;
  const buyer = part('buyer', subject.buyerId);
  const broker = part('broker', subject.brokerId);
  switch (kind) {
    case 'LISTING_INQUIRY':
      return ['LISTING_INQUIRY', buyer, broker, part('listing', subject.listingId)].join('#');
    case 'DIRECT':
      return ['DIRECT', buyer, broker, part('complex', subject.complexId)].join('#');
    case 'SUPPORT':
      return ['SUPPORT', buyer].join('#');
  }
}

// Fixed forever: changing it would give existing conversations new ids and break their dedupe.
const CONVERSATION_ID_NAMESPACE = '764c3811-ad19-4c85-b928-8254b1c6c07c';

/** The conversation's id, derived from its dedupe key: concurrent starts race for one row. */
export function conversationIdFor(key: string): string {
  return nameBasedUuid(CONVERSATION_ID_NAMESPACE, key);
}
