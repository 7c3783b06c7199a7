import type { ConversationRow } from '../shared/chat/conversation';
import { type MessageItem, planMessage, validateSendMessage } from '../shared/chat/send-message';
import { SYSTEM_SENDER } from '../shared/chat/system-message';
import type { Decision } from '../shared/decision';

/** What a new conversation gets: a welcome SYSTEM message and the broker CRM's record of it. */

export function welcomeText(conversation: Pick<ConversationRow, 'status'>): string {
  return conversation.status === 'WAITING_FOR_BROKER'
    ? '문의가 접수되었습니다. 담당 중개사를 배정하고 있어요. 잠시만 기다려주세요.'
    : '대화가 시작되었습니다. 중개사가 곧 답변드릴 거예요.';
}

/** The welcome message; its id is fixed per conversation, so a retried record writes it once. */
export function welcomeMessage(conversation: ConversationRow, now: Date): Decision<MessageItem> {
  const validated = validateSendMessage(
    {
      conversationId: conversation.id,
      kind: 'SYSTEM',
      body: welcomeText(conversation),
      clientMessageId: `welcome-${conversation.id}`,
    },
    { userId: SYSTEM_SENDER, isFunction: true },
  );
  if (!validated.ok) return validated;
  return {
    ok: true,
    value: planMessage(validated.value, { senderId: SYSTEM_SENDER, memberIds: conversation.memberIds, now }),
  };
}

/** `POST /v1/crm/conversations` (docs/legacy-api.md). */
export function crmConversation(conversation: ConversationRow) {
  return {
    conversationId: conversation.id,
    buyerId: conversation.buyerId ?? null,
    brokerId: conversation.brokerId ?? null,
    listingId: conversation.listingId ?? null,
    complexId: conversation.complexId ?? null,
    createdAt: conversation.createdAt,
  };
}
