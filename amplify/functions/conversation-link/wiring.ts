import type { Tables } from '../../custom/tables/resource';
import type { BackendFunction } from '../../function-wiring';
import { allowItems } from '../../iam-grants';
import { ENV } from '../shared/env-names';

/** Each user's send rate, kept in the idempotency table. */
export function wireConversationLink(fn: BackendFunction, { tables }: { tables: Tables }): void {
  fn.addEnvironment(ENV.IDEMPOTENCY_TABLE_NAME, tables.idempotency.tableName);
  allowItems(fn.resources.lambda, tables.idempotency.tableArn, ['GetItem', 'PutItem']);
}
