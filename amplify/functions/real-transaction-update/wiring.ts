import type { Messaging } from '../../custom/messaging/resource';
import type { Tables } from '../../custom/tables/resource';
import { type BackendFunction, type ModelTables, modelTable } from '../../function-wiring';
import { allowItems } from '../../iam-grants';
import { ENV } from '../shared/env-names';

/** data.go.kr 실거래 (registered real transactions) → Legacy save() (queued); complexes name each trade, fingerprints dedupe runs. */
export function wireRealTransactionUpdate(
  fn: BackendFunction,
  { messaging, tables, models }: { messaging: Messaging; tables: Tables; models: ModelTables },
): void {
  const complexes = modelTable(models, 'Complex');
  fn.addEnvironment(ENV.COMPLEX_TABLE_NAME, complexes.tableName);
  fn.addEnvironment(ENV.IDEMPOTENCY_TABLE_NAME, tables.idempotency.tableName);
  allowItems(fn.resources.lambda, `${complexes.tableArn}/index/complexesByLawdCode`, ['Query']);
  allowItems(fn.resources.lambda, tables.idempotency.tableArn, ['BatchGetItem', 'BatchWriteItem']);
  // Its saves are commands on legacy-relay (docs/events.md): the relay calls the Legacy API.
  fn.addEnvironment(ENV.LEGACY_RELAY_QUEUE_URL, messaging.legacyRelayQueue.queueUrl);
  messaging.legacyRelayQueue.grantSendMessages(fn.resources.lambda);
}
