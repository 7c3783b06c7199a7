import type { Tables } from '../../custom/tables/resource';
import { type BackendFunction, type ModelTables, modelTable } from '../../function-wiring';
import { allowItems } from '../../iam-grants';
import { ENV } from '../shared/env-names';

/**
 * Complexes, listings and brokers from the Legacy API, written directly (nothing subscribes to
 * them); per-feed cursors in the idempotency table (docs/reference-data.md).
 */
export function wireDataSync(
  fn: BackendFunction,
  { tables, models }: { tables: Tables; models: ModelTables },
): void {
  for (const [variable, model] of [
    [ENV.COMPLEX_TABLE_NAME, 'Complex'],
    [ENV.LISTING_TABLE_NAME, 'Listing'],
    [ENV.BROKER_PROFILE_TABLE_NAME, 'BrokerProfile'],
  ] as const) {
    const table = modelTable(models, model);
    fn.addEnvironment(variable, table.tableName);
    allowItems(fn.resources.lambda, table.tableArn, ['UpdateItem', 'BatchWriteItem']);
  }
  fn.addEnvironment(ENV.IDEMPOTENCY_TABLE_NAME, tables.idempotency.tableName);
  allowItems(fn.resources.lambda, tables.idempotency.tableArn, ['GetItem', 'PutItem']);
}
