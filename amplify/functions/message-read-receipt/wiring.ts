import { FilterRule } from 'aws-cdk-lib/aws-lambda';
import type { Messaging } from '../../custom/messaging/resource';
import type { Tables } from '../../custom/tables/resource';
import { bindStream } from '../../data/stream-binding';
import { type BackendFunction, type ModelTables, modelTable } from '../../function-wiring';
import { allowItems, allowPublish } from '../../iam-grants';
import { ENV } from '../shared/env-names';

/** Read receipts: only member rows that carry a lastReadAt can be a read. */
export function wireMessageReadReceipt(
  fn: BackendFunction,
  { messaging, tables, models }: { messaging: Messaging; tables: Tables; models: ModelTables },
): void {
  bindStream('MessageReadReceiptStream', fn.resources.lambda, modelTable(models, 'ConversationMember'), {
    eventNames: ['MODIFY'],
    onFailure: messaging.streamFailuresQueue,
    dynamodb: { NewImage: { lastReadAt: { S: FilterRule.exists() } } },
  });
  fn.addEnvironment(ENV.CHAT_EVENTS_TOPIC_ARN, messaging.chatEventsTopic.topicArn);
  fn.addEnvironment(ENV.PUSH_QUEUE_URL, messaging.pushQueue.queueUrl);
  fn.addEnvironment(ENV.IDEMPOTENCY_TABLE_NAME, tables.idempotency.tableName);
  // Which messages the unread counter has counted (its markers), for the exact recount.
  allowItems(fn.resources.lambda, tables.idempotency.tableArn, ['BatchGetItem', 'GetItem']);
  allowPublish(fn.resources.lambda, messaging.chatEventsTopic, messaging.topicKey);
  messaging.pushQueue.grantSendMessages(fn.resources.lambda);
}
