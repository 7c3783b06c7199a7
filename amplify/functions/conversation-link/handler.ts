import type { AppSyncIdentityCognito, AppSyncResolverEvent } from 'aws-lambda';
import { withSentry } from '../shared/sentry';
import { chatStore } from './chat-store';
import { planStartConversation } from './conversation-plan';
import type { Decision } from './decision';
import {
  checkCanPost,
  matchRetriedSend,
  messageIdFor,
  planMessage,
  validateSendMessage,
} from './send-message';
import { countSend } from './send-rate-store';

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

const operations: Record<string, (event: AppSyncResolverEvent<Arguments>) => Promise<unknown>> = {
  startConversation,
  sendMessage,
};

// Amplify's resolver sends { typeName, fieldName, arguments, identity, … } (no `info`).
export const handler = withSentry(async (event: AppSyncResolverEvent<Arguments> & { fieldName?: string }) => {
  const fieldName = event.fieldName ?? event.info?.fieldName;
  const operation = fieldName ? operations[fieldName] : undefined;
  if (!operation) throw new Error(`conversation-link does not handle ${fieldName}`);
  return operation(event);
});
