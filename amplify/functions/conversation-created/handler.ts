import type { Context, DynamoDBStreamEvent } from 'aws-lambda';
import { chatStore } from '../conversation-link/chat-store';
import type { ConversationRow } from '../conversation-link/conversation-plan';
import { processStreamBatch, unmarshallStreamImage } from '../shared/batch';
import { createLegacyCircuit, legacyClientFor } from '../shared/legacy-client';
import { withSentry } from '../shared/sentry';
import { crmConversation, welcomeMessage } from './welcome';

// Every step is safe to repeat: a retried record writes no second welcome and the CRM dedupes
// on the Idempotency-Key.
export const handler = withSentry(async (event: DynamoDBStreamEvent, context: Context) => {
  const legacy = legacyClientFor(context, createLegacyCircuit());
  return processStreamBatch(
    event,
    async (record) => {
      const conversation = unmarshallStreamImage<ConversationRow>(record, 'NewImage');
      if (record.eventName !== 'INSERT' || !conversation) return;
      const welcome = welcomeMessage(conversation, new Date(conversation.createdAt));
      if (!welcome.ok) throw welcome.error;
      await chatStore().createMessage(welcome.value);
      await legacy.request({
        method: 'POST',
        path: '/v1/crm/conversations',
        body: crmConversation(conversation),
        idempotencyKey: `conversation.created:${conversation.id}`,
      });
    },
    context,
  );
});
