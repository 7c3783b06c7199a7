import type { Context } from 'aws-lambda';
import { config } from '../shared/config';
import { queueForLegacy } from '../shared/legacy-commands';
import { withSentry } from '../shared/sentry';
import { complexDirectory } from './complex-directory';
import { crawlScope } from './crawl-scope';
import { crawlerConfig } from './crawler-config';
import { publicDataSource } from './public-data-source';
import { queuedTradeSaver } from './queued-trade-save';
import { type RealTransactionUpdateDeps, updateRealTransactions } from './real-transaction-update';
import { fingerprintStore } from './trade-fingerprints';

/** Daily (and on an operator's invoke with `{ lawdCodes?, months? }`): 실거래가 → the Legacy API, queued. */
export function createHandler(
  depsFor: (context: Context) => RealTransactionUpdateDeps & { defaultLawdCodes: () => string[] },
) {
  return async (event: unknown, context: Context) => {
    const deps = depsFor(context);
    return updateRealTransactions(crawlScope(event, deps.now(), deps.defaultLawdCodes), deps);
  };
}

/** Fresh per invocation: the Complex cache belongs to one run. */
export function defaultDeps(
  context: Context,
): RealTransactionUpdateDeps & { defaultLawdCodes: () => string[] } {
  const remainingTimeMs = () => context.getRemainingTimeInMillis();
  return {
    source: publicDataSource({
      url: crawlerConfig.publicDataUrl(),
      serviceKey: crawlerConfig.publicDataServiceKey(),
      remainingTimeMs,
    }),
    complexes: complexDirectory({ tableName: crawlerConfig.complexTableName }),
    fingerprints: fingerprintStore({ tableName: config.idempotencyTableName }),
    // Through the legacy-relay queue: a Legacy outage during the run loses nothing.
    saver: queuedTradeSaver({ queue: (command) => queueForLegacy(command), now: () => new Date() }),
    now: () => new Date(),
    remainingTimeMs,
    defaultLawdCodes: crawlerConfig.lawdCodes,
  };
}

export const handler = withSentry(createHandler(defaultDeps));
