/** The settings only real-transaction-update reads (set in its resource.ts). No CDK here. */
export const CRAWLER_ENV = {
  PUBLIC_DATA_REAL_TRANSACTION_URL: 'PUBLIC_DATA_REAL_TRANSACTION_URL',
  PUBLIC_DATA_SERVICE_KEY: 'PUBLIC_DATA_SERVICE_KEY',
  REAL_TRANSACTION_LAWD_CODES: 'REAL_TRANSACTION_LAWD_CODES',
} as const;
