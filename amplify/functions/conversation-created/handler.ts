import type { Context, DynamoDBStreamEvent } from 'aws-lambda';
import { byAttributes, processStreamBatch, unmarshallStreamImage } from '../shared/batch';
import { chatStore } from '../shared/chat/chat-store';
import type { ConversationRow } from '../shared/chat/conversation';
import { config } from '../shared/config';
import { publishEvent } from '../shared/events';
import { queueForLegacy } from '../shared/legacy-commands';
import { withSentry } from '../shared/sentry';
import { conversationFacts } from './conversation-facts';
import { welcomeMessage } from './welcome';

// The Conversation stream's reader for facts (broker-matching is the other reader). It never calls
// the Legacy API: events go to SNS chat-events, the CRM command to the legacy-relay queue, both
// of which take them while the Legacy API is down. Every step is safe to repeat: the welcome's id
// is fixed, and facts keep their ids. One conversation's changes in stream order (its facts and
// CRM commands follow each other), conversations concurrently.
export const handler = withSentry(async (event: DynamoDBStreamEvent, context: Context) =>
  processStreamBatch(
    event,
    async (record) => {
      const newImage = unmarshallStreamImage<ConversationRow>(record, 'NewImage');
      if (record.eventName === 'INSERT' && newImage) {
        const welcome = welcomeMessage(newImage, new Date(newImage.createdAt));
        if (!welcome.ok) throw welcome.error;
        await chatStore().createMessage(welcome.value);
      }
      const facts = conversationFacts({
        eventName: record.eventName as 'INSERT' | 'MODIFY' | 'REMOVE',
        oldImage: unmarshallStreamImage<ConversationRow>(record, 'OldImage'),
        newImage,
      });
      for (const fact of facts.events) await publishEvent(config.chatEventsTopicArn(), fact);
      for (const command of facts.commands) await queueForLegacy(command);
    },
    context,
    {
      identify: (record) => ({ conversationId: String(record.dynamodb?.Keys?.id?.S ?? '') }),
      orderBy: byAttributes('id'),
    },
  ),
);
