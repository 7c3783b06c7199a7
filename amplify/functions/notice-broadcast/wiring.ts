import { bindQueue } from '../../custom/messaging/queue-binding';
import type { Messaging } from '../../custom/messaging/resource';
import type { Tables } from '../../custom/tables/resource';
import { type BackendFunction, type ModelTables, modelTable } from '../../function-wiring';
import { allowItems } from '../../iam-grants';
import { ENV } from '../shared/env-names';

/** SQS notice → one NOTICE per targeted user, resumable (broadcast.ts). */
export function wireNoticeBroadcast(
  fn: BackendFunction,
  { messaging, tables, models }: { messaging: Messaging; tables: Tables; models: ModelTables },
): void {
  const profiles = modelTable(models, 'UserProfile');
  // One notice per invocation, so each gets the whole timeout (it continues through a new message).
  bindQueue(fn, messaging.noticeQueue, { batchSize: 1, maxConcurrency: 2 });
  fn.addEnvironment(ENV.USER_PROFILE_TABLE_NAME, profiles.tableName);
  fn.addEnvironment(ENV.NOTICE_QUEUE_URL, messaging.noticeQueue.queueUrl);
  fn.addEnvironment(ENV.IDEMPOTENCY_TABLE_NAME, tables.idempotency.tableName);
  allowItems(fn.resources.lambda, profiles.tableArn, ['Scan']);
  allowItems(fn.resources.lambda, tables.idempotency.tableArn, ['GetItem', 'UpdateItem']);
  messaging.noticeQueue.grantSendMessages(fn.resources.lambda);
}
