import type { Context } from 'aws-lambda';
import { config } from '../shared/config';
import { legacyClientFor } from '../shared/legacy-client';
import { withSentry } from '../shared/sentry';
import { type DataSyncDeps, dataSync, syncRequestOf } from './data-sync';
import { feedStateTable, referenceTables, tableNameFromEnv } from './reference-store';

/** Every 15 minutes (or an operator's `{ "feeds": [...], "full": true }`): Legacy reference data → DynamoDB. */
export function createHandler(depsFor: (context: Context) => DataSyncDeps) {
  return async (event: unknown, context: Context) =>
    dataSync(syncRequestOf(event), depsFor(context), context);
}

export const handler = withSentry(
  createHandler((context) => ({
    legacy: () => legacyClientFor(context),
    tables: referenceTables(),
    state: feedStateTable(config.idempotencyTableName),
    tableName: tableNameFromEnv,
    now: () => new Date(),
  })),
);
