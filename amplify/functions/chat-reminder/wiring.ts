import type { Tables } from '../../custom/tables/resource';
import { type BackendFunction, type ModelTables, modelTable } from '../../function-wiring';
import { allowItems } from '../../iam-grants';
import { ENV } from '../shared/env-names';

/** The members it scans for unread messages, and its sent marks; the schedule is in resource.ts. */
export function wireChatReminder(
  fn: BackendFunction,
  { tables, models }: { tables: Tables; models: ModelTables },
): void {
  const members = modelTable(models, 'ConversationMember');
  fn.addEnvironment(ENV.CONVERSATION_MEMBER_TABLE_NAME, members.tableName);
  fn.addEnvironment(ENV.IDEMPOTENCY_TABLE_NAME, tables.idempotency.tableName);
  allowItems(fn.resources.lambda, members.tableArn, ['Scan']);
  allowItems(fn.resources.lambda, tables.idempotency.tableArn, ['GetItem', 'PutItem']);
}
