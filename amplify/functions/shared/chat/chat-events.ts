import { PermanentRecordError } from '../errors';
import { type EventEnvelope, eventEnvelope } from '../events';
import type { ConversationKind, MessageKind, MessageRow } from './chat-message';

/**
 * The chat events the Legacy API (broker CRM) consumes from `chat-events`; docs/events.md is their
 * contract. Message bodies are included because the CRM shows brokers the conversation; they are
 * the sender's own words, kept as written. Account data (phone numbers, nicknames) never is.
 */

export interface MessageSentPayload {
  messageId: string;
  conversationId: string;
  senderId: string;
  kind: MessageKind;
  createdAt: string;
  /** The text as sent: a TEXT or SYSTEM message's, an IMAGE or LISTING_CARD's caption; null without. */
  body: string | null;
  /** IMAGE: where the picture is stored, not the picture. */
  image: { key: string; width: number | null; height: number | null } | null;
  /** LISTING_CARD: the legacy ids of what was shared. */
  listing: { listingId: string; complexId: string | null } | null;
}

export interface MessageEditedPayload {
  messageId: string;
  conversationId: string;
  senderId: string;
  kind: MessageKind;
  editedAt: string;
  /** The text (or caption) after the edit. */
  body: string | null;
}

/** No body: the consumer removes its copy. */
export interface MessageDeletedPayload {
  messageId: string;
  conversationId: string;
  senderId: string;
  deletedAt: string;
}

export interface ConversationCreatedPayload {
  conversationId: string;
  kind: ConversationKind;
  memberIds: string[];
  buyerId: string | null;
  brokerId: string | null;
  listingId: string | null;
  complexId: string | null;
  createdAt: string;
}

/** A member read the conversation up to a point (published by message-read-receipt). */
export interface ConversationReadPayload {
  conversationId: string;
  readerId: string;
  /** How far the member has read: every message created at or before it. */
  lastReadAt: string;
  /** The message the member read up to, when the app named one. */
  lastReadMessageId: string | null;
}

export type ChatEvent =
  | EventEnvelope<'message.sent', MessageSentPayload>
  | EventEnvelope<'message.edited', MessageEditedPayload>
  | EventEnvelope<'message.deleted', MessageDeletedPayload>
  | EventEnvelope<'conversation.created', ConversationCreatedPayload>
  | EventEnvelope<'conversation.read', ConversationReadPayload>;

export type ChatEventType = ChatEvent['type'];

/** A stream record of the Message table, its images unmarshalled. */
export interface MessageStreamChange {
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE' | undefined;
  oldImage?: MessageRow | undefined;
  newImage?: MessageRow | undefined;
}

/** An instant from a row; a row without a readable one can never become an event. */
function instant(value: string | null | undefined, what: string): Date {
  const date = new Date(value ?? Number.NaN);
  if (Number.isNaN(date.getTime())) {
    throw new PermanentRecordError(`${what} is not a readable instant: ${JSON.stringify(value)}`);
  }
  return date;
}

export function messageSentEvent(message: MessageRow) {
  return eventEnvelope(
    'message.sent',
    `message.sent:${message.id}`,
    {
      messageId: message.id,
      conversationId: message.conversationId,
      senderId: message.senderId,
      kind: message.kind,
      createdAt: message.createdAt,
      body: message.body ?? null,
      image:
        message.kind === 'IMAGE' && message.image
          ? {
              key: message.image.key,
              width: message.image.width ?? null,
              height: message.image.height ?? null,
            }
          : null,
      listing:
        message.kind === 'LISTING_CARD' && message.listing
          ? { listingId: message.listing.listingId, complexId: message.listing.complexId ?? null }
          : null,
    } satisfies MessageSentPayload,
    instant(message.createdAt, `createdAt of message ${message.id}`),
  );
}

export function messageEditedEvent(message: MessageRow & { editedAt: string }) {
  return eventEnvelope(
    'message.edited',
    // One edit is one fact: a second edit of the same message is a new event.
    `message.edited:${message.id}:${message.editedAt}`,
    {
      messageId: message.id,
      conversationId: message.conversationId,
      senderId: message.senderId,
      kind: message.kind,
      editedAt: message.editedAt,
      body: message.body ?? null,
    } satisfies MessageEditedPayload,
    instant(message.editedAt, `editedAt of message ${message.id}`),
  );
}

export function messageDeletedEvent(message: MessageRow & { deletedAt: string }) {
  return eventEnvelope(
    'message.deleted',
    `message.deleted:${message.id}`,
    {
      messageId: message.id,
      conversationId: message.conversationId,
      senderId: message.senderId,
      deletedAt: message.deletedAt,
    } satisfies MessageDeletedPayload,
    instant(message.deletedAt, `deletedAt of message ${message.id}`),
  );
}

/** For the conversation-created function (Conversation INSERT). */
export function conversationCreatedEvent(conversation: {
  id: string;
  kind: ConversationKind;
  memberIds: string[];
  buyerId?: string | null;
  brokerId?: string | null;
  listingId?: string | null;
  complexId?: string | null;
  createdAt: string;
}) {
  return eventEnvelope(
    'conversation.created',
    `conversation.created:${conversation.id}`,
    {
      conversationId: conversation.id,
      kind: conversation.kind,
      memberIds: conversation.memberIds,
      buyerId: conversation.buyerId ?? null,
      brokerId: conversation.brokerId ?? null,
      listingId: conversation.listingId ?? null,
      complexId: conversation.complexId ?? null,
      createdAt: conversation.createdAt,
    } satisfies ConversationCreatedPayload,
    instant(conversation.createdAt, `createdAt of conversation ${conversation.id}`),
  );
}

/** For the message-read-receipt function (ConversationMember MODIFY that advanced lastReadAt). */
export function conversationReadEvent(receipt: {
  conversationId: string;
  readerId: string;
  lastReadAt: string;
  lastReadMessageId?: string | null;
}) {
  return eventEnvelope(
    'conversation.read',
    // One read position is one fact: reading further is a new event.
    `conversation.read:${receipt.conversationId}:${receipt.readerId}:${receipt.lastReadAt}`,
    {
      conversationId: receipt.conversationId,
      readerId: receipt.readerId,
      lastReadAt: receipt.lastReadAt,
      lastReadMessageId: receipt.lastReadMessageId ?? null,
    } satisfies ConversationReadPayload,
    instant(receipt.lastReadAt, `lastReadAt of a member of conversation ${receipt.conversationId}`),
  );
}

/**
 * The events one Message stream record stands for:
 * - INSERT → message.sent
 * - MODIFY that sets deletedAt → message.deleted (an edit in the same change is moot)
 * - MODIFY with a new editedAt on a message not deleted → message.edited
 * - any other MODIFY (read markers, anonymization without a new editedAt), REMOVE → nothing
 */
export function chatEventsFor(change: MessageStreamChange): ChatEvent[] {
  const { eventName, oldImage, newImage } = change;
  if (!newImage) return [];
  if (eventName === 'INSERT') return [messageSentEvent(newImage)];
  if (eventName !== 'MODIFY') return [];
  if (oldImage?.deletedAt) return [];
  const { deletedAt, editedAt } = newImage;
  if (deletedAt) return [messageDeletedEvent({ ...newImage, deletedAt })];
  if (editedAt && editedAt !== oldImage?.editedAt) return [messageEditedEvent({ ...newImage, editedAt })];
  return [];
}
