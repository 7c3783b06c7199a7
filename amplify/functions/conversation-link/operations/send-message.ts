import { messageIdFor, planMessage, validateSendMessage } from '../../shared/chat/send-message';
import { checkCanPost, matchRetriedSend } from '../send-message';
import { accepted, type Operation } from './operation';

export const sendMessage: Operation = async (args, caller, { store, countSend, now }) => {
  const input = args as unknown as Parameters<typeof validateSendMessage>[0];
  const sender = { userId: caller.userId, isFunction: false };
  const validated = accepted(validateSendMessage(input, sender));
  const conversation = accepted(checkCanPost(await store.conversation(input.conversationId), sender));
  const planned = planMessage(validated, {
    senderId: caller.userId,
    memberIds: conversation.memberIds,
    now: now(),
  });
  // The same clientMessageId again: that message, nothing new, and not counted against the limit.
  const earlier = await store.message(messageIdFor(caller.userId, input.clientMessageId));
  if (earlier) return accepted(matchRetriedSend(earlier, planned));
  await countSend(caller.userId);
  const created = await store.createMessage(planned);
  if (created) return created;
  // A concurrent retry created it first.
  return accepted(matchRetriedSend((await store.message(planned.id))!, planned));
};
