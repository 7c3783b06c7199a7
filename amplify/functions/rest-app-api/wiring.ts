import { LambdaIntegration } from 'aws-cdk-lib/aws-apigateway';
import type { RestApi } from '../../custom/rest-api/resource';
import type { Tables } from '../../custom/tables/resource';
import type { BackendFunction } from '../../function-wiring';
import { allowItems } from '../../iam-grants';
import { ENV } from '../shared/env-names';

/**
 * Its routes (docs/rest-api.md, docs/openapi.yaml). Each route's invoke permission lives with the
 * route (LambdaIntegration scopes it to the method), so the rest-api stack refers to the function only.
 */
export function wireRestAppApi(
  fn: BackendFunction,
  { restApi, tables }: { restApi: RestApi; tables: Tables },
): void {
  const appApi = new LambdaIntegration(fn.resources.lambda);
  restApi.addUnauthenticatedMethod(
    restApi.addPublicV1Resource('health'),
    'GET',
    appApi,
    'A health check: load balancers and monitors call it without a token; it answers status only.',
  );
  restApi.v1.addResource('me').addResource('badge').addMethod('GET', appApi);
  fn.addEnvironment(ENV.IDEMPOTENCY_TABLE_NAME, tables.idempotency.tableName);
  // The health check's DynamoDB probe: one read of a fixed key.
  allowItems(fn.resources.lambda, tables.idempotency.tableArn, ['GetItem']);
}
