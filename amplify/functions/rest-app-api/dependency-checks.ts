import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { type AppSyncClient, createAppSyncClient } from '../shared/appsync-client';
import { config } from '../shared/config';
import { documentClient } from '../shared/dynamo';
import { createLegacyClient } from '../shared/legacy-client';
import { serviceTokens } from '../shared/service-token';
import { CHECK_TIMEOUT_MS, type DependencyCheck, type DependencyName } from './health';

/** A key no record has: a GetItem that proves the table answers and the role may read it. */
export const HEALTH_CHECK_KEY = { id: 'health-check' };
/** The cheapest signed read: one GetItem behind the resolver, answering null. */
export const APPSYNC_HEALTH_QUERY = 'query HealthCheck { getBrokerProfile(id: "health-check") { id } }';

let appSync: AppSyncClient | undefined;

/** The checks GET /v1/health runs, against this deployment's resources. */
export function dependencyChecks(): Record<DependencyName, DependencyCheck> {
  return {
    dynamodb: (signal) =>
      documentClient.send(
        new GetCommand({ TableName: config.idempotencyTableName(), Key: HEALTH_CHECK_KEY }),
        { abortSignal: signal },
      ),
    appsync: () => {
      appSync ??= createAppSyncClient({ timeoutMs: CHECK_TIMEOUT_MS });
      return appSync.graphql(APPSYNC_HEALTH_QUERY);
    },
    // Through the shared client like every Legacy call; one attempt, so a slow API shows as down.
    legacyApi: (signal) =>
      createLegacyClient({
        baseUrl: config.legacyApiUrl(),
        tokens: serviceTokens(),
        maxAttempts: 1,
        maxTimeoutMs: CHECK_TIMEOUT_MS,
        fetch: (input, init) =>
          globalThis.fetch(input, {
            ...init,
            signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal,
          }),
      }).request({ method: 'GET', path: '/health' }),
  };
}
