import {
  type LegacyOperation,
  optionalString,
  parseInstant,
  requireObject,
  requireString,
} from '../operation';

/**
 * `POST /v1/crm/conversations`: a buyer started a conversation with a broker; the broker CRM opens
 * a ticket. Repeating the same conversationId returns the ticket already opened.
 */
export const postCrmConversation: LegacyOperation = (request, store) => {
  const body = requireObject(request.body, 'the request body');
  const conversationId = requireString(body, 'conversationId');
  const existing = store.crmConversations.get(conversationId);
  if (existing) {
    return { status: 200, body: { conversationId, crmTicketId: existing.crmTicketId, duplicate: true } };
  }
  const buyerId = requireString(body, 'buyerId');
  const brokerId = requireString(body, 'brokerId');
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
