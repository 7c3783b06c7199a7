import type { Messaging } from '../../custom/messaging/resource';
import type { Tables } from '../../custom/tables/resource';
import { bindStream } from '../../data/stream-binding';
import { type BackendFunction, type ModelTables, modelTable } from '../../function-wiring';
import { allowItems } from '../../iam-grants';
import { ENV } from '../shared/env-names';

/**
 * The exactly-once marker and the increments in one DynamoDB transaction; what subscribers must
 * see is then written through AppSync (allow.resource in the schema).
 */
export function wireMessageUnreadCounter(
  fn: BackendFunction,
  { messaging, tables, models }: { messaging: Messaging; tables: Tables; models: ModelTables },
): void {
  const members = modelTable(models, 'ConversationMember');
  bindStream('MessageUnreadCounterStream', fn.resources.lambda, modelTable(models, 'Message'), {
    eventNames: ['INSERT'],
    onFailure: messaging.streamFailuresQueue,
  });
  fn.addEnvironment(ENV.IDEMPOTENCY_TABLE_NAME, tables.idempotency.tableName);
  fn.addEnvironment(ENV.CONVERSATION_MEMBER_TABLE_NAME, members.tableName);
  allowItems(fn.resources.lambda, tables.idempotency.tableArn, ['PutItem']);
  allowItems(fn.resources.lambda, members.tableArn, ['UpdateItem']);
}
