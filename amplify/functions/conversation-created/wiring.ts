import type { Messaging } from '../../custom/messaging/resource';
import { bindStream } from '../../data/stream-binding';
import { type BackendFunction, type ModelTables, modelTable } from '../../function-wiring';
import { allowPublish } from '../../iam-grants';
import { ENV } from '../shared/env-names';

/**
 * The Conversation stream's reader for facts (broker-matching is the other): events on
 * chat-events, the CRM command on legacy-relay; it never calls the Legacy API.
 */
export function wireConversationCreated(
  fn: BackendFunction,
  { messaging, models }: { messaging: Messaging; models: ModelTables },
): void {
  bindStream('ConversationCreatedStream', fn.resources.lambda, modelTable(models, 'Conversation'), {
    eventNames: ['INSERT', 'MODIFY'],
    onFailure: messaging.streamFailuresQueue,
  });
  fn.addEnvironment(ENV.CHAT_EVENTS_TOPIC_ARN, messaging.chatEventsTopic.topicArn);
  fn.addEnvironment(ENV.LEGACY_RELAY_QUEUE_URL, messaging.legacyRelayQueue.queueUrl);
  allowPublish(fn.resources.lambda, messaging.chatEventsTopic, messaging.topicKey);
  messaging.legacyRelayQueue.grantSendMessages(fn.resources.lambda);
}
