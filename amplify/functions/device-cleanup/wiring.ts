import type { Tables } from '../../custom/tables/resource';
import { type BackendFunction, type ModelTables, modelTable } from '../../function-wiring';
import { allowItems } from '../../iam-grants';
import { ENV } from '../shared/env-names';

/**
 * The daily cleanup scans the Device table and deletes rows directly (no subscriber needs to see
 * it), keeping its resume cursor in the idempotency table.
 */
export function wireDeviceCleanup(
  fn: BackendFunction,
  { tables, models }: { tables: Tables; models: ModelTables },
): void {
  const devices = modelTable(models, 'Device');
  fn.addEnvironment(ENV.DEVICE_TABLE_NAME, devices.tableName);
  fn.addEnvironment(ENV.IDEMPOTENCY_TABLE_NAME, tables.idempotency.tableName);
  allowItems(fn.resources.lambda, devices.tableArn, ['Scan', 'DeleteItem']);
  allowItems(fn.resources.lambda, tables.idempotency.tableArn, ['GetItem', 'PutItem', 'DeleteItem']);
}
