import type { Tables } from '../../custom/tables/resource';
import type { BackendFunction } from '../../function-wiring';
import { allowItems } from '../../iam-grants';
import { ENV } from '../shared/env-names';

/** Its watermark and resume position live in the idempotency table; the schedule is in resource.ts. */
export function wireAlertLowestPrice(fn: BackendFunction, { tables }: { tables: Tables }): void {
  fn.addEnvironment(ENV.IDEMPOTENCY_TABLE_NAME, tables.idempotency.tableName);
  allowItems(fn.resources.lambda, tables.idempotency.tableArn, ['GetItem', 'PutItem']);
}
