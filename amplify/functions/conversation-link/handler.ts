import type { AppSyncIdentityCognito, AppSyncResolverEvent } from 'aws-lambda';
import type { ConversationMemberRow } from '../shared/chat/chat-message';
import { chatStore } from '../shared/chat/chat-store';
import { messageIdFor, planMessage, validateSendMessage } from '../shared/chat/send-message';
import { config } from '../shared/config';
import { type Decision, refuse } from '../shared/decision';
import { logger } from '../shared/logger';
import { withSentry } from '../shared/sentry';
import { planLinkConversation, planShareLink, resolvedShareLink } from './conversation-links';
import { planStartConversation } from './conversation-plan';
import {
  type MemberChange,
  planEdit,
  planHeartbeat,
  planMarkRead,
  planMute,
  planSoftDelete,
} from './message-edits';
import { checkCanPost, matchRetriedSend } from './send-message';
import { countSend } from './send-rate-store';
import { verifyShareToken } from './share-link';

type Arguments = Record<string, unknown>;

function accepted<T>(decision: Decision<T>): T {
  if (!decision.ok) throw decision.error;
  return decision.value;
}

function callerOf(event: AppSyncResolverEvent<Arguments>) {
  const identity = event.identity as AppSyncIdentityCognito | null;
  if (!identity?.sub) throw new Error('Unauthorized: a signed-in user is required');
  const groups = (identity.groups ??
    (identity.claims?.['cognito:groups'] as string[] | undefined) ??
    []) as string[];
  return {
    userId: identity.sub,
    role: groups.includes('ADMINS')
      ? ('ADMIN' as const)
      : groups.includes('BROKERS')
        ? ('BROKER' as const)
        : ('USER' as const),
  };
}

async function startConversation(event: AppSyncResolverEvent<Arguments>) {
  const caller = callerOf(event);
  const args = event.arguments;
  const store = chatStore();
  const brokerId = typeof args.brokerId === 'string' ? args.brokerId : undefined;
  const plan = accepted(
    planStartConversation({
      callerId: caller.userId,
      callerRole: caller.role,
      kind: String(args.kind),
      brokerId,
      listingId: (args.listingId as string | null | undefined) ?? null,
      complexId: (args.complexId as string | null | undefined) ?? null,
      now: new Date(),
      broker: brokerId ? await store.brokerProfile(brokerId) : undefined,
    }),
  );
  // Concurrent calls plan the same id: the first create wins, the others read it back.
  const conversation =
    (await store.createConversation(plan.conversation)) ?? (await store.conversation(plan.conversation.id));
  for (const member of plan.members) await store.createMember(member);
  return conversation;
}

async function sendMessage(event: AppSyncResolverEvent<Arguments>) {
  const caller = callerOf(event);
  const input = event.arguments as unknown as Parameters<typeof validateSendMessage>[0];
  const validated = accepted(validateSendMessage(input, { userId: caller.userId, isFunction: false }));
  const store = chatStore();
  const conversation = accepted(
    checkCanPost(await store.conversation(input.conversationId), {
      userId: caller.userId,
      isFunction: false,
    }),
  );
  const planned = planMessage(validated, {
    senderId: caller.userId,
    memberIds: conversation.memberIds,
    now: new Date(),
  });
  // The same clientMessageId again: that message, nothing new, and not counted against the limit.
  const earlier = await store.message(messageIdFor(caller.userId, input.clientMessageId));
  if (earlier) return accepted(matchRetriedSend(earlier, planned));
  await countSend(caller.userId);
  const created = await store.createMessage(planned);
  if (created) return created;
  // A concurrent retry created it first.
  return accepted(matchRetriedSend((await store.message(planned.id))!, planned));
}

async function changeOwnMessage(event: AppSyncResolverEvent<Arguments>, edit: boolean) {
  const caller = callerOf(event);
  const store = chatStore();
  const message = await store.message(String(event.arguments.id));
  const now = new Date();
  const change = accepted(
    edit
      ? planEdit(message, { callerId: caller.userId, body: event.arguments.body, now })
      : planSoftDelete(message, { callerId: caller.userId, now }),
  );
  // Nothing changed (the same text, or deleted already): no write, no event.
  return change.update ? store.updateMessage(change.update) : change.message;
}

/** A change to the caller's own membership row; the plan refuses a conversation they are not in. */
async function changeOwnMembership(
  event: AppSyncResolverEvent<Arguments>,
  plan: (
    member: ConversationMemberRow | undefined,
    now: Date,
  ) => Promise<Decision<MemberChange>> | Decision<MemberChange>,
) {
  const caller = callerOf(event);
  const store = chatStore();
  const member = await store.member(String(event.arguments.conversationId), caller.userId);
  const change = accepted(await plan(member, new Date()));
  return change.update ? store.updateMember(change.update) : change.member;
}

async function linkConversation(event: AppSyncResolverEvent<Arguments>) {
  const caller = callerOf(event);
  const store = chatStore();
  const change = accepted(
    planLinkConversation(await store.conversation(String(event.arguments.conversationId)), {
      callerId: caller.userId,
      listingId: event.arguments.listingId,
      complexId: event.arguments.complexId,
    }),
  );
  // The same ids again: no write, so subscribers see no change that isn't one.
  return change.update ? store.updateConversation(change.update) : change.conversation;
}

async function createShareLink(event: AppSyncResolverEvent<Arguments>) {
  const caller = callerOf(event);
  const conversation = await chatStore().conversation(String(event.arguments.conversationId));
  return accepted(
    planShareLink(conversation, {
      callerId: caller.userId,
      secret: config.shareLinkSecret(),
      baseUrl: config.shareLinkBaseUrl(),
      now: new Date(),
    }),
  );
}

async function resolveShareLink(event: AppSyncResolverEvent<Arguments>) {
  callerOf(event); // any signed-in user, member or not
  const verified = verifyShareToken(event.arguments.token, config.shareLinkSecret(), new Date());
  if (!verified.ok) {
    // Malformed and tampered read the same to the user; the log tells them apart.
    logger.info('Share link refused', { reason: verified.reason });
    throw verified.error;
  }
  // Read only for the listing's complex: the caller may be no member, and gets nothing else of it.
  const conversation = await chatStore().conversation(verified.value.conversationId);
  return resolvedShareLink(verified.value, conversation);
}

const operations: Record<string, (event: AppSyncResolverEvent<Arguments>) => Promise<unknown>> = {
  startConversation,
  sendMessage,
  editMessage: (event) => changeOwnMessage(event, true),
  deleteOwnMessage: (event) => changeOwnMessage(event, false),
  markRead: (event) =>
    changeOwnMembership(event, async (member, now) => {
      const messageId = event.arguments.messageId as string | null | undefined;
      // Read up to a message means up to the time it was sent.
      const message = messageId ? await chatStore().message(messageId) : undefined;
      if (messageId && message?.conversationId !== event.arguments.conversationId) {
        return refuse('MESSAGE_NOT_FOUND', '메시지를 찾을 수 없습니다.', 'Message not found.');
      }
      const at = message?.createdAt ?? (event.arguments.at as string | null | undefined) ?? null;
      return planMarkRead(member, { upTo: { messageId: messageId ?? null, at }, now });
    }),
  setViewing: (event) => changeOwnMembership(event, (member, now) => planHeartbeat(member, now)),
  muteConversation: (event) =>
    changeOwnMembership(event, (member, now) =>
      planMute(member, {
        muted: event.arguments.muted === true,
        until: (event.arguments.until as string | null | undefined) ?? null,
        now,
      }),
    ),
  linkConversation,
  createShareLink,
  resolveShareLink,
};

// Amplify's resolver sends { typeName, fieldName, arguments, identity, … } (no `info`).
export const handler = withSentry(async (event: AppSyncResolverEvent<Arguments> & { fieldName?: string }) => {
  const fieldName = event.fieldName ?? event.info?.fieldName;
  const operation = fieldName ? operations[fieldName] : undefined;
  if (!operation) throw new Error(`conversation-link does not handle ${fieldName}`);
  return operation(event);
});
