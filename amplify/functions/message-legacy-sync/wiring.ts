import type { Messaging } from '../../custom/messaging/resource';
import { bindStream } from '../../data/stream-binding';
import { type BackendFunction, type ModelTables, modelTable } from '../../function-wiring';
import { allowPublish } from '../../iam-grants';
import { ENV } from '../shared/env-names';

/**
 * One of the Message stream's two readers (AWS advises at most two per shard); its message.sent
 * also feeds message-push.
 */
export function wireMessageLegacySync(
  fn: BackendFunction,
  { messaging, models }: { messaging: Messaging; models: ModelTables },
): void {
  bindStream('MessageLegacySyncStream', fn.resources.lambda, modelTable(models, 'Message'), {
    eventNames: ['INSERT', 'MODIFY'],
    onFailure: messaging.streamFailuresQueue,
  });
  fn.addEnvironment(ENV.CHAT_EVENTS_TOPIC_ARN, messaging.chatEventsTopic.topicArn);
  allowPublish(fn.resources.lambda, messaging.chatEventsTopic, messaging.topicKey);
}
