import type { chatStore } from '../../shared/chat/chat-store';

/** What every conversation-link operation receives: the field's arguments, who calls, and its I/O. */

export type Arguments = Record<string, unknown>;

export interface Caller {
  userId: string;
  role: 'ADMIN' | 'BROKER' | 'USER';
}

/** The chat store's reads and writes these operations use. */
export type ConversationLinkStore = Pick<
  ReturnType<typeof chatStore>,
  | 'brokerProfile'
  | 'conversation'
  | 'createConversation'
  | 'updateConversation'
  | 'createMember'
  | 'message'
  | 'createMessage'
  | 'updateMessage'
  | 'member'
  | 'updateMember'
>;

export interface ConversationLinkDeps {
  store: ConversationLinkStore;
  /** Counts one send against the caller's rate limit, or throws RATE_LIMITED. */
  countSend(userId: string): Promise<void>;
  /** Read when a share link is made or opened, so a missing secret fails only those. */
  shareLinks: { secret(): string; baseUrl(): string };
  now(): Date;
}

export type Operation = (args: Arguments, caller: Caller, deps: ConversationLinkDeps) => Promise<unknown>;

// The operations beside this file take it from here, with the rest of what they share.
export { accepted } from '../../shared/decision';
