import {
  type ConversationMemberRow,
  instantMs,
  type MessageRow,
  messagePreview,
  notifiesMembers,
} from '../shared/chat/chat-message';
import { chatDeepLink, isMuted } from '../shared/chat/chat-push';

export { messagePreview };

/** Title when the sender has no profile (deleted account) or no nickname. */
export const FALLBACK_TITLE = '부톡';

/** One message on the push queue: push-sender finds the recipient's devices and sends it to each. */
export interface PlannedPush {
  recipientId: string;
  /** Stable per (message, recipient): a redelivered message.sent queues the same id, and push-sender drops it. */
  pushId: string;
  title: string;
  body: string;
  /** Unread chats + unread notifications; absent when unknown, so the app keeps its badge. */
  badge?: number;
  deepLink: string;
  /** One notification per conversation on the device: a newer message replaces the older one. */
  collapseKey: string;
  data: Record<string, string>;
}

export interface MessagePushInput {
  message: MessageRow;
  /** The conversation's member rows. */
  members: readonly ConversationMemberRow[];
  /** The sender's profile; undefined when there is none. */
  sender?: { nickname?: string | null } | undefined;
  /** Badge per recipient, computed by the handler. */
  badges: ReadonlyMap<string, number>;
  now: Date;
}

export const chatCollapseKey = (conversationId: string) => `chat-${conversationId}`;
export const chatPushId = (messageId: string, recipientId: string) => `chat:${messageId}:${recipientId}`;

/** The app sends a presence heartbeat while the conversation is on screen. */
export function isViewing(member: Pick<ConversationMemberRow, 'viewingUntil'>, now: Date): boolean {
  const until = instantMs(member.viewingUntil);
  return until !== undefined && until > now.getTime();
}

/**
 * Who gets a push for a new message, and what it says: every member the message was sent to,
 * except its sender, those who muted the conversation and those looking at it right now.
 */
export function planMessagePush(input: MessagePushInput): PlannedPush[] {
  const { message, now } = input;
  if (!notifiesMembers(message)) return [];
  // A member who joined after the message was sent cannot read it.
  const addressees = new Set(message.memberIds);
  const title = input.sender?.nickname?.trim() || FALLBACK_TITLE;
  const body = messagePreview(message);
  const deepLink = chatDeepLink(message.conversationId);
  const collapseKey = chatCollapseKey(message.conversationId);
  return input.members
    .filter(
      (member) =>
        member.userId !== message.senderId &&
        addressees.has(member.userId) &&
        !isMuted(member, now) &&
        !isViewing(member, now),
    )
    .map((member) => {
      const badge = input.badges.get(member.userId);
      return {
        recipientId: member.userId,
        pushId: chatPushId(message.id, member.userId),
        title,
        body,
        ...(badge === undefined ? {} : { badge }),
        deepLink,
        collapseKey,
        data: {
          type: 'chat.message',
          conversationId: message.conversationId,
          messageId: message.id,
          deepLink,
        },
      };
    });
}
