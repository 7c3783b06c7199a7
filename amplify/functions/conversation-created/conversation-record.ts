import type { DynamoDBRecord } from 'aws-lambda';
import { unmarshallStreamImage } from '../shared/batch';
import type { chatStore } from '../shared/chat/chat-store';
import type { ConversationRow } from '../shared/chat/conversation';
import type { EventEnvelope } from '../shared/events';
import { conversationFacts } from './conversation-facts';
import { welcomeMessage } from './welcome';

export interface ConversationRecordDeps {
  createMessage: ReturnType<typeof chatStore>['createMessage'];
  /** To SNS chat-events. */
  publish(event: EventEnvelope<string, unknown>): Promise<unknown>;
  /** To the legacy-relay queue, for the broker CRM. */
  queueForLegacy(command: EventEnvelope<string, unknown>): Promise<void>;
}

/** One Conversation change: a new one gets its welcome; every change publishes its facts and CRM commands. */
export async function onConversationRecord(
  record: DynamoDBRecord,
  deps: ConversationRecordDeps,
): Promise<void> {
  const newImage = unmarshallStreamImage<ConversationRow>(record, 'NewImage');
  if (record.eventName === 'INSERT' && newImage) {
    const welcome = welcomeMessage(newImage, new Date(newImage.createdAt));
    if (!welcome.ok) throw welcome.error;
    await deps.createMessage(welcome.value);
  }
  const facts = conversationFacts({
    eventName: record.eventName as 'INSERT' | 'MODIFY' | 'REMOVE',
    oldImage: unmarshallStreamImage<ConversationRow>(record, 'OldImage'),
    newImage,
  });
  for (const fact of facts.events) await deps.publish(fact);
  for (const command of facts.commands) await deps.queueForLegacy(command);
}
