import type { MessageRow } from '../shared/chat/chat-message';
import type { ConversationRow } from '../shared/chat/conversation';
import { isMember, type SendMessageCaller } from '../shared/chat/send-message';
import { accept, conversationNotFound, type Decision, refuse } from '../shared/decision';

/** sendMessage's checks against what is stored: may the caller post here, and is this a retry of a send. */

/** Members post into open conversations; a function (welcome, system notices) posts anywhere. */
export function checkCanPost(
  conversation: ConversationRow | undefined,
  caller: SendMessageCaller,
): Decision<ConversationRow> {
  if (!conversation || (!caller.isFunction && !isMember(conversation, caller.userId))) {
    return conversationNotFound();
  }
  if (conversation.status === 'CLOSED' && !caller.isFunction) {
    return refuse('CONVERSATION_CLOSED', '종료된 대화입니다.', 'This conversation is closed.');
  }
  return accept(conversation);
}

/**
 * When the planned id already exists: the same send retried returns the stored row. A
 * clientMessageId reused for another conversation, kind or content is refused rather than
 * answered with another message. A message edited or deleted since keeps only its new content,
 * so a retry of it is recognised by conversation and kind alone.
 */
export function matchRetriedSend(existing: MessageRow, planned: MessageRow): Decision<MessageRow> {
  const changedSince = Boolean(existing.editedAt || existing.deletedAt);
  if (
    existing.conversationId !== planned.conversationId ||
    existing.senderId !== planned.senderId ||
    existing.kind !== planned.kind ||
    (!changedSince && contentOf(existing) !== contentOf(planned))
  ) {
    return refuse(
      'CLIENT_MESSAGE_ID_REUSED',
      '이미 다른 메시지에 쓰인 clientMessageId입니다.',
      'This clientMessageId was already used for another message; use a new one per message.',
    );
  }
  return accept(existing);
}

/** What the sender wrote, comparable: body, image and listing snapshot (absent and null alike). */
function contentOf(message: MessageRow): string {
  const { body, image, listing } = message;
  const sorted = (value: object | null | undefined) =>
    value
      ? Object.fromEntries(
          Object.entries(value)
            .filter(([, v]) => v !== null && v !== undefined)
            .sort(),
        )
      : null;
  return JSON.stringify([body ?? null, sorted(image), sorted(listing)]);
}
