import type { ConversationMemberRow } from '../../shared/chat/chat-message';
import { type Decision, refuse } from '../../shared/decision';
import { type MemberChange, planHeartbeat, planMarkRead, planMute } from '../message-edits';
import { accepted, type Caller, type ConversationLinkDeps, type Operation } from './operation';

/** markRead, setViewing and muteConversation: changes to the caller's own membership row. */

/** The plan refuses a conversation the caller is not in; an unchanged row is returned unwritten. */
async function changeOwnMembership(
  conversationId: unknown,
  caller: Caller,
  { store, now }: ConversationLinkDeps,
  plan: (
    member: ConversationMemberRow | undefined,
    now: Date,
  ) => Promise<Decision<MemberChange>> | Decision<MemberChange>,
) {
  const member = await store.member(String(conversationId), caller.userId);
  const change = accepted(await plan(member, now()));
  return change.update ? store.updateMember(change.update) : change.member;
}

export const markRead: Operation = (args, caller, deps) =>
  changeOwnMembership(args.conversationId, caller, deps, async (member, now) => {
    const messageId = args.messageId as string | null | undefined;
    // Read up to a message means up to the time it was sent.
    const message = messageId ? await deps.store.message(messageId) : undefined;
    if (messageId && message?.conversationId !== args.conversationId) {
      return refuse('MESSAGE_NOT_FOUND', '메시지를 찾을 수 없습니다.', 'Message not found.');
    }
    const at = message?.createdAt ?? (args.at as string | null | undefined) ?? null;
    return planMarkRead(member, { upTo: { messageId: messageId ?? null, at }, now });
  });

export const setViewing: Operation = (args, caller, deps) =>
  changeOwnMembership(args.conversationId, caller, deps, (member, now) => planHeartbeat(member, now));

export const muteConversation: Operation = (args, caller, deps) =>
  changeOwnMembership(args.conversationId, caller, deps, (member, now) =>
    planMute(member, {
      muted: args.muted === true,
      until: (args.until as string | null | undefined) ?? null,
      now,
    }),
  );
