import { conversationCreatedEvent } from '../shared/chat/chat-events';
import type { ConversationRow } from '../shared/chat/conversation';
import { PermanentRecordError } from '../shared/errors';
import { type EventEnvelope, eventEnvelope } from '../shared/events';
import { legacyCommand } from '../shared/legacy-commands';
import { crmConversation } from './welcome';

/**
 * What one Conversation stream record tells the Legacy side (docs/events.md):
 * - INSERT → `conversation.created`; with a broker (and a buyer), the CRM command;
 * - MODIFY that sets or changes listingId/complexId → `conversation.linked`;
 * - MODIFY that sets or changes brokerId → `broker.assigned`, and the CRM command, so the CRM hears
 *   of an inquiry once it has a broker and of every reassignment.
 * Ids name the fact: a replayed record gives the same ids (the relay's Idempotency-Key), a new
 * assignment (updatedAt moves) a new one, even back to an earlier broker.
 */

export interface ConversationChange {
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE' | undefined;
  oldImage?: ConversationRow | undefined;
  newImage?: ConversationRow | undefined;
}

export interface BrokerAssignedPayload {
  conversationId: string;
  brokerId: string;
  /** The broker before, null when the inquiry had none. */
  previousBrokerId: string | null;
  buyerId: string | null;
  memberIds: string[];
  assignedAt: string;
}

export interface ConversationLinkedPayload {
  conversationId: string;
  listingId: string | null;
  complexId: string | null;
  previousListingId: string | null;
  previousComplexId: string | null;
  linkedAt: string;
}

export interface ConversationFacts {
  /** For SNS chat-events. */
  events: EventEnvelope<string, unknown>[];
  /** For the legacy-relay queue. */
  commands: EventEnvelope<string, unknown>[];
}

/** An instant from the row; a row without one can never become a fact. */
function instant(value: string | null | undefined, what: string): Date {
  const date = new Date(value ?? Number.NaN);
  if (Number.isNaN(date.getTime())) {
    throw new PermanentRecordError(`${what} is not a readable instant: ${JSON.stringify(value)}`);
  }
  return date;
}

export function brokerAssignedEvent(
  conversation: ConversationRow & { brokerId: string },
  previous: string | null,
) {
  return eventEnvelope(
    'broker.assigned',
    `broker.assigned:${conversation.id}:${conversation.brokerId}:${conversation.updatedAt}`,
    {
      conversationId: conversation.id,
      brokerId: conversation.brokerId,
      previousBrokerId: previous,
      buyerId: conversation.buyerId ?? null,
      memberIds: conversation.memberIds,
      assignedAt: conversation.updatedAt,
    } satisfies BrokerAssignedPayload,
    instant(conversation.updatedAt, `updatedAt of conversation ${conversation.id}`),
  );
}

export function conversationLinkedEvent(conversation: ConversationRow, previous: ConversationRow) {
  return eventEnvelope(
    'conversation.linked',
    `conversation.linked:${conversation.id}:${conversation.updatedAt}`,
    {
      conversationId: conversation.id,
      listingId: conversation.listingId ?? null,
      complexId: conversation.complexId ?? null,
      previousListingId: previous.listingId ?? null,
      previousComplexId: previous.complexId ?? null,
      linkedAt: conversation.updatedAt,
    } satisfies ConversationLinkedPayload,
    instant(conversation.updatedAt, `updatedAt of conversation ${conversation.id}`),
  );
}

/**
 * The CRM's record of the inquiry with its broker (docs/legacy-api.md); one per assignment, so
 * the id carries the broker and when it was assigned (createdAt for a broker chosen at start).
 */
export function crmConversationCommand(
  conversation: ConversationRow & { brokerId: string },
  assignedAt: string,
) {
  return legacyCommand(
    'crm.conversation',
    `crm.conversation:${conversation.id}:${conversation.brokerId}:${assignedAt}`,
    crmConversation(conversation),
    instant(assignedAt, `assignment time of conversation ${conversation.id}`),
  );
}

/** The CRM needs a buyer and a broker (docs/legacy-api.md); a conversation without either waits. */
const crmReady = (conversation: ConversationRow): conversation is ConversationRow & { brokerId: string } =>
  Boolean(conversation.brokerId) && Boolean(conversation.buyerId);

export function conversationFacts(change: ConversationChange): ConversationFacts {
  const { eventName, oldImage, newImage } = change;
  const facts: ConversationFacts = { events: [], commands: [] };
  if (!newImage) return facts;
  if (eventName === 'INSERT') {
    facts.events.push(conversationCreatedEvent(newImage));
    if (crmReady(newImage)) facts.commands.push(crmConversationCommand(newImage, newImage.createdAt));
    return facts;
  }
  if (eventName !== 'MODIFY' || !oldImage) return facts;
  const linkChanged =
    (newImage.listingId ?? null) !== (oldImage.listingId ?? null) ||
    (newImage.complexId ?? null) !== (oldImage.complexId ?? null);
  if (linkChanged && (newImage.listingId || newImage.complexId)) {
    facts.events.push(conversationLinkedEvent(newImage, oldImage));
  }
  const previousBroker = oldImage.brokerId ?? null;
  if (newImage.brokerId && newImage.brokerId !== previousBroker) {
    const assigned = newImage as ConversationRow & { brokerId: string };
    facts.events.push(brokerAssignedEvent(assigned, previousBroker));
    if (crmReady(assigned)) facts.commands.push(crmConversationCommand(assigned, assigned.updatedAt));
  }
  return facts;
}
