import { defineFunction, secret } from '@aws-amplify/backend';
import { realTransactionCrawlerEnvironment } from '../../environment';
import { baseFunctionEnvironment } from '../../function-environment';
import { CRAWLER_ENV } from './env-names';

/** Every morning in Korea: 실거래가 (registered real transactions) from data.go.kr → the Legacy API's save(), through the legacy-relay queue. */
export const realTransactionUpdate = defineFunction({
  name: 'real-transaction-update',
  entry: './handler.ts',
  // Lambda's longest: 26 시군구 × 2 months of paged public data and chunked saves. A run that nears
  // it stops between queries and fails; the retry skips what was saved (fingerprints).
  timeoutSeconds: 900,
  memoryMB: 512,
  runtime: 22,
  // Before alert-real-transaction (09:10 KST), so the morning's alerts see today's crawl.
  schedule: {
    cron: '30 7 * * ?',
    timezone: 'Asia/Seoul',
    description: 'real-transaction-update daily 07:30 KST',
  },
  // Reads the Complex model table directly (COMPLEX_TABLE_NAME): in the data stack with it.
  resourceGroupName: 'data',
  environment: {
    ...baseFunctionEnvironment(),
    ...realTransactionCrawlerEnvironment(),
    [CRAWLER_ENV.PUBLIC_DATA_SERVICE_KEY]: secret('PUBLIC_DATA_SERVICE_KEY'),
  },
});
