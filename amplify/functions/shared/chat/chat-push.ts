import { type ConversationMemberRow, instantMs } from './chat-message';

/** What every push about a conversation shares: where it opens the app, and whether the member muted it. */

export const chatDeepLink = (conversationId: string) => `bootalk://chat/${conversationId}`;

/** `muted` alone mutes for good; with `mutedUntil`, only until then. */
export function isMuted(member: Pick<ConversationMemberRow, 'muted' | 'mutedUntil'>, now: Date): boolean {
  if (member.muted !== true) return false;
  if (!member.mutedUntil) return true;
  const until = instantMs(member.mutedUntil);
  // An unreadable time keeps the member's wish for silence.
  return until === undefined || until > now.getTime();
}
