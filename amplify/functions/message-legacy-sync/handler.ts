import type { Context, DynamoDBStreamEvent } from 'aws-lambda';
import { byAttributes, processStreamBatch, unmarshallStreamImage } from '../shared/batch';
import { chatEventsFor } from '../shared/chat/chat-events';
import type { MessageRow } from '../shared/chat/chat-message';
import { config } from '../shared/config';
import { publishEvent } from '../shared/events';
import { withSentry } from '../shared/sentry';

// Message INSERT/MODIFY → chat events on SNS chat-events (docs/events.md). Event ids are stable
// per fact, so a retried record publishes duplicates the consumer drops. A conversation's events
// are published in stream order (a message's sent before its edit), conversations concurrently.
export const handler = withSentry(async (event: DynamoDBStreamEvent, context: Context) =>
  processStreamBatch(
    event,
    async (record) => {
      const events = chatEventsFor({
        eventName: record.eventName as 'INSERT' | 'MODIFY' | 'REMOVE',
        oldImage: unmarshallStreamImage<MessageRow>(record, 'OldImage'),
        newImage: unmarshallStreamImage<MessageRow>(record, 'NewImage'),
      });
      for (const chatEvent of events) await publishEvent(config.chatEventsTopicArn(), chatEvent);
    },
    context,
    { orderBy: byAttributes('conversationId') },
  ),
);
