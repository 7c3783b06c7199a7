import { messageIdFor, planMessage, validateSendMessage } from '../../shared/chat/send-message';
import { checkCanPost, matchRetriedSend } from '../send-message';
import { accepted, type Operation } from './operation';

export const sendMessage: Operation = async (args, caller, { store, countSend, now }) => {
  const input = args as unknown as Parameters<typeof validateSendMessage>[0];
  const sender = { userId: caller.userId, isFunction: false };
  const validated = accepted(validateSendMessage(input, sender));
  // Both reads at once: a send waits for one AppSync round trip instead of two (the paced
  // benchmark's message → subscription latency is this resolver's critical path). The message
  // read is looked at only once the conversation allows the caller to post.
  const [stored, earlier] = await Promise.all([
    store.conversation(input.conversationId),
    store.message(messageIdFor(caller.userId, input.clientMessageId)),
  ]);
  const conversation = accepted(checkCanPost(stored, sender));
  const planned = planMessage(validated, {
    senderId: caller.userId,
    memberIds: conversation.memberIds,
    now: now(),
  });
  // The same clientMessageId again: that message, nothing new, and not counted against the limit.
  if (earlier) return accepted(matchRetriedSend(earlier, planned));
  await countSend(caller.userId);
  const created = await store.createMessage(planned);
  if (created) return created;
  // A concurrent retry created it first.
  return accepted(matchRetriedSend((await store.message(planned.id))!, planned));
};
