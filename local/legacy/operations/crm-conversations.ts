import {
  type LegacyOperation,
  optionalString,
  parseInstant,
  requireObject,
  requireString,
} from '../operation';

/**
 * `POST /v1/crm/conversations`: a buyer's conversation has a broker; the broker CRM opens a
 * ticket. The same conversationId with the same broker returns the ticket already opened; with
 * another broker (a reassignment) it moves the ticket to that broker.
 */
export const postCrmConversation: LegacyOperation = (request, store) => {
  const body = requireObject(request.body, 'the request body');
  const conversationId = requireString(body, 'conversationId');
  const brokerId = requireString(body, 'brokerId');
  const existing = store.crmConversations.get(conversationId);
  if (existing && existing.brokerId !== brokerId) {
    existing.brokerId = brokerId;
    return { status: 200, body: { conversationId, crmTicketId: existing.crmTicketId, reassigned: true } };
  }
  if (existing) {
    return { status: 200, body: { conversationId, crmTicketId: existing.crmTicketId, duplicate: true } };
  }
  const buyerId = requireString(body, 'buyerId');
  const listingId = optionalString(body, 'listingId');
  const complexId = optionalString(body, 'complexId');
  parseInstant(body.createdAt, 'createdAt');
  const crmTicketId = `CRM-${String(store.crmConversations.size + 1).padStart(6, '0')}`;
  store.crmConversations.set(conversationId, {
    conversationId,
    buyerId,
    brokerId,
    listingId,
    complexId,
    createdAt: body.createdAt as string,
    crmTicketId,
    receivedAt: new Date(request.nowMs).toISOString(),
  });
  return { status: 201, body: { conversationId, crmTicketId } };
};
