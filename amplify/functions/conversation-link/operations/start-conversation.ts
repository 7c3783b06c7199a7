import { planStartConversation } from '../conversation-plan';
import { accepted, type Operation } from './operation';

export const startConversation: Operation = async (args, caller, { store, now }) => {
  const brokerId = typeof args.brokerId === 'string' ? args.brokerId : undefined;
  const plan = accepted(
    planStartConversation({
      callerId: caller.userId,
      callerRole: caller.role,
      kind: String(args.kind),
      brokerId,
      listingId: (args.listingId as string | null | undefined) ?? null,
      complexId: (args.complexId as string | null | undefined) ?? null,
      now: now(),
      broker: brokerId ? await store.brokerProfile(brokerId) : undefined,
    }),
  );
  // Concurrent calls plan the same id: the first create wins, the others read it back.
  const conversation =
    (await store.createConversation(plan.conversation)) ?? (await store.conversation(plan.conversation.id));
  for (const member of plan.members) await store.createMember(member);
  return conversation;
};
