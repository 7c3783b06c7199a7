import type { AppSyncResolverEvent } from 'aws-lambda';
import { signedInUserId } from '../shared/caller';
import { assignmentStore } from '../shared/chat/broker-assignment';
import type { ConversationRow } from '../shared/chat/conversation';
import { conversationNotFound, refuse } from '../shared/decision';
import { planRequestBroker } from './broker-choice';
import { matchInquiry } from './matching';
import { type HandlerDeps, matchingDeps } from './matching-deps';

/** Mutation requestBroker: a buyer asks again for a broker for their waiting inquiry. */

export type RequestBrokerEvent = AppSyncResolverEvent<{ conversationId?: unknown }> & { fieldName?: string };

const CONVERSATION_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/;

export async function requestBroker(event: RequestBrokerEvent, deps: HandlerDeps): Promise<ConversationRow> {
  const callerId = signedInUserId(event.identity);
  const conversationId = event.arguments?.conversationId;
  if (typeof conversationId !== 'string' || !CONVERSATION_ID.test(conversationId)) {
    throw refuse(
      'INVALID_ID',
      'conversationId 값의 형식이 올바르지 않습니다.',
      'conversationId is not a valid id.',
    ).error;
  }
  const matching = matchingDeps(deps);
  const plan = planRequestBroker(await assignmentStore(deps.data).conversation(conversationId), callerId);
  if (!plan.ok) throw plan.error;
  if (plan.value.action === 'RETURN') return plan.value.conversation;

  const result = await matchInquiry(plan.value.conversation, matching);
  if (result.kind !== 'ASSIGNMENT') return result.conversation;
  const { outcome } = result;
  switch (outcome.kind) {
    case 'CONVERSATION_NOT_FOUND':
      throw conversationNotFound().error;
    case 'CONVERSATION_CLOSED':
      throw refuse('CONVERSATION_CLOSED', '종료된 대화입니다.', 'This conversation is closed.').error;
    default:
      return outcome.conversation;
  }
}
