import { LambdaIntegration } from 'aws-cdk-lib/aws-apigateway';
import type { Messaging } from '../../custom/messaging/resource';
import type { RestApi } from '../../custom/rest-api/resource';
import type { Tables } from '../../custom/tables/resource';
import type { BackendFunction } from '../../function-wiring';
import { allowItems } from '../../iam-grants';
import { ENV } from '../shared/env-names';

/** POST /webhooks/legacy: events from the legacy backend, each event id once. */
export function wireRestLegacyWebhook(
  fn: BackendFunction,
  { restApi, messaging, tables }: { restApi: RestApi; messaging: Messaging; tables: Tables },
): void {
  restApi.addUnauthenticatedMethod(
    restApi.webhooks.addResource('legacy'),
    'POST',
    new LambdaIntegration(fn.resources.lambda),
    'The legacy backend has no user pool token: the function verifies its service JWT (webhook-token.ts).',
  );
  fn.addEnvironment(ENV.IDEMPOTENCY_TABLE_NAME, tables.idempotency.tableName);
  fn.addEnvironment(ENV.NOTICE_QUEUE_URL, messaging.noticeQueue.queueUrl);
  // Each event id once: a claim, its release, and the DONE mark.
  allowItems(fn.resources.lambda, tables.idempotency.tableArn, [
    'PutItem',
    'GetItem',
    'UpdateItem',
    'DeleteItem',
  ]);
  messaging.noticeQueue.grantSendMessages(fn.resources.lambda);
}
