import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../shared/config';
import { type DataClient, dataOf } from '../shared/data-client';
import { documentClient } from '../shared/dynamo';
import { createLegacyClient } from '../shared/legacy-client';
import { serviceTokens } from '../shared/service-token';
import { CHECK_TIMEOUT_MS, type DependencyCheck, type DependencyName } from './health';

/** A key no record has: a GetItem that proves the table answers and the role may read it. */
export const HEALTH_CHECK_KEY = { id: 'health-check' };

/** The checks GET /v1/health runs, against this deployment's resources. */
export function dependencyChecks(deps: {
  data: () => Promise<DataClient>;
}): Record<DependencyName, DependencyCheck> {
  return {
    dynamodb: (signal) =>
      documentClient.send(
        new GetCommand({ TableName: config.idempotencyTableName(), Key: HEALTH_CHECK_KEY }),
        { abortSignal: signal },
      ),
    // The cheapest signed read: one GetItem behind the resolver, answering null.
    appsync: async (signal) => {
      const client = await deps.data();
      const request = client.models.BrokerProfile.get(HEALTH_CHECK_KEY, { selectionSet: ['id'] });
      // A check that timed out lets go of its request rather than leave it open.
      signal.addEventListener('abort', () => client.cancel(request), { once: true });
      return dataOf('HealthCheck', request);
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
