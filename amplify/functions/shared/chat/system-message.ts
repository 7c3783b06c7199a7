import { createHash } from 'node:crypto';
import type { Decision } from '../decision';
import type { MessageRow } from './chat-message';
import { chatStore } from './chat-store';
import { type MessageItem, planMessage, validateSendMessage } from './send-message';

/**
 * SYSTEM messages the service posts into a conversation (welcome, a broker joined, a member left,
 * a listing was sold). Each is named by the fact it reports (`key`): the same fact posted again —
 * a retried stream record, a repeated webhook — lands on the same message id and is written once.
 */

export const SYSTEM_SENDER = 'system';

export interface SystemMessage {
  conversationId: string;
  /** Who may read it: the conversation's members now. */
  memberIds: readonly string[];
  body: string;
  /** The fact it reports, e.g. `broker-assigned:<conversationId>:<brokerId>`. */
  key: string;
  /** Counts as unread and pushes like a member's message (e.g. a broker joined). */
  notify?: boolean;
}

/** clientMessageId allows 64 characters of [A-Za-z0-9_-]: a digest of the key fits any key. */
export function systemClientMessageId(key: string): string {
  return `sys-${createHash('sha256').update(key).digest('base64url').slice(0, 43)}`;
}

export function systemMessageItem(message: SystemMessage, now: Date): Decision<MessageItem> {
  const validated = validateSendMessage(
    {
      conversationId: message.conversationId,
      kind: 'SYSTEM',
      body: message.body,
      clientMessageId: systemClientMessageId(message.key),
    },
    { userId: SYSTEM_SENDER, isFunction: true },
  );
  if (!validated.ok) return validated;
  const item = planMessage(validated.value, { senderId: SYSTEM_SENDER, memberIds: message.memberIds, now });
  return { ok: true, value: message.notify ? { ...item, notify: true } : item };
}

/**
 * Posts the message through AppSync (members see it live). Returns the new row, or undefined when
 * the same fact was already posted. Throws the validation error for a body that cannot be sent.
 */
export async function postSystemMessage(
  message: SystemMessage,
  now: Date,
  store: Pick<ReturnType<typeof chatStore>, 'createMessage'> = chatStore(),
): Promise<MessageRow | undefined> {
  const item = systemMessageItem(message, now);
  if (!item.ok) throw item.error;
  return store.createMessage(item.value);
}
