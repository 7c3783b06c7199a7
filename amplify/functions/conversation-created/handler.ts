import type { Context, DynamoDBStreamEvent } from 'aws-lambda';
import { byAttributes, processStreamBatch } from '../shared/batch';
import { chatStore } from '../shared/chat/chat-store';
import { config } from '../shared/config';
import { publishEvent } from '../shared/events';
import { queueForLegacy } from '../shared/legacy-commands';
import { withSentry } from '../shared/sentry';
import { type ConversationRecordDeps, onConversationRecord } from './conversation-record';

// The Conversation stream's reader for facts (broker-matching is the other reader). It never calls
// the Legacy API: events go to SNS chat-events, the CRM command to the legacy-relay queue, both
// of which take them while the Legacy API is down. Every step is safe to repeat: the welcome's id
// is fixed, and facts keep their ids. One conversation's changes in stream order (its facts and
// CRM commands follow each other), conversations concurrently.
export function createHandler(deps: ConversationRecordDeps) {
  return (event: DynamoDBStreamEvent, context: Context) =>
    processStreamBatch(event, (record) => onConversationRecord(record, deps), context, {
      identify: (record) => ({ conversationId: String(record.dynamodb?.Keys?.id?.S ?? '') }),
      orderBy: byAttributes('id'),
    });
}

export const handler = withSentry(
  createHandler({
    createMessage: (message) => chatStore().createMessage(message),
    publish: (fact) => publishEvent(config.chatEventsTopicArn(), fact),
    queueForLegacy: (command) => queueForLegacy(command),
  }),
);
