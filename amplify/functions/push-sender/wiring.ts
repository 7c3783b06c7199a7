import { bindQueue } from '../../custom/messaging/queue-binding';
import type { Messaging } from '../../custom/messaging/resource';
import type { Push } from '../../custom/push/resource';
import type { Tables } from '../../custom/tables/resource';
import { type BackendFunction, type ModelTables, modelTable } from '../../function-wiring';
import { allowItems } from '../../iam-grants';
import { ENV } from '../shared/env-names';

/** The push queue → push-sender → End User Messaging (docs/push.md, "push-sender"). */
export function wirePushSender(
  fn: BackendFunction,
  deps: { messaging: Messaging; push: Push; tables: Tables; models: ModelTables },
): void {
  const { push, tables } = deps;
  const devices = modelTable(deps.models, 'Device');
  bindQueue(fn, deps.messaging.pushQueue);
  fn.addEnvironment(ENV.PUSH_APPLICATION_ID, push.applicationId);
  fn.addEnvironment(ENV.DEVICE_TABLE_NAME, devices.tableName);
  fn.addEnvironment(ENV.IDEMPOTENCY_TABLE_NAME, tables.idempotency.tableName);
  push.grantSendMessages(fn.resources.lambda);
  // The user's devices (index, then a consistent re-read), dead tokens deleted, updated tokens moved.
  allowItems(fn.resources.lambda, `${devices.tableArn}/index/devicesByUserId`, ['Query']);
  allowItems(fn.resources.lambda, devices.tableArn, ['BatchGetItem', 'PutItem', 'DeleteItem']);
  // Delivery claims and records per (pushId, device).
  allowItems(fn.resources.lambda, tables.idempotency.tableArn, ['PutItem', 'GetItem', 'DeleteItem']);
}
