import { bindQueue } from '../../custom/messaging/queue-binding';
import type { Messaging } from '../../custom/messaging/resource';
import type { Tables } from '../../custom/tables/resource';
import { type BackendFunction, type ModelTables, modelTable } from '../../function-wiring';
import { allowItems } from '../../iam-grants';
import { ENV } from '../shared/env-names';

/**
 * One push request per recipient on the push queue (push-sender sends them). Fed by chat-events'
 * message.sent (message-legacy-sync publishes it), not the Message stream: AWS advises at most two
 * readers per stream shard, and the unread counter and legacy sync are those two.
 */
export function wireMessagePush(
  fn: BackendFunction,
  { messaging, tables, models }: { messaging: Messaging; tables: Tables; models: ModelTables },
): void {
  const messages = modelTable(models, 'Message');
  bindQueue(fn, messaging.messageSentQueue);
  fn.addEnvironment(ENV.PUSH_QUEUE_URL, messaging.pushQueue.queueUrl);
  // The message itself, read by key and strongly consistent: the event is published right after its write.
  fn.addEnvironment(ENV.MESSAGE_TABLE_NAME, messages.tableName);
  allowItems(fn.resources.lambda, messages.tableArn, ['GetItem']);
  fn.addEnvironment(ENV.IDEMPOTENCY_TABLE_NAME, tables.idempotency.tableName);
  messaging.pushQueue.grantSendMessages(fn.resources.lambda);
  // Whether the unread counter has counted the message yet, for the badge.
  allowItems(fn.resources.lambda, tables.idempotency.tableArn, ['GetItem']);
}
