/**
 * Rewrites what Gen 1 left in the adopted tables that this backend reads otherwise
 * (scripts/gen1/backfill-plan.ts): soft-deleted DataStore items are deleted, `sub::username`
 * owner values become the `sub`, Device rows move to their token's id.
 *
 *   npm run gen1:backfill -- --branch <gen2 branch> [--dry-run] [--adoption-file <file>]
 *     [--endpoint http://127.0.0.1:<port>] [--page-size 200] [--state-dir .amplify/gen1-backfill]
 *
 * Idempotent (each change is conditional on the value it replaces; a rewritten item plans
 * nothing) and resumable (the scan position of each table is kept in
 * <state dir>/<table>.json after every page and on Ctrl-C; delete that file to start over).
 * `--endpoint` points at DynamoDB Local (the rehearsal sandbox's custom.localSandbox.dynamodbUrl).
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GEN1_RESOURCES_CONTEXT_KEY, loadGen1Resources } from '../amplify/migration/gen1-resources';
import { LOCAL_REGION } from '../local/contracts';
import { runBackfill } from './gen1/backfill';

const { values } = parseArgs({
  options: {
    branch: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
    'adoption-file': { type: 'string' },
    endpoint: { type: 'string' },
    'page-size': { type: 'string', default: '200' },
    'state-dir': { type: 'string', default: '.amplify/gen1-backfill' },
  },
});
const pageSize = Number(values['page-size']);
if (!values.branch || !Number.isInteger(pageSize) || pageSize < 1) {
  console.error('usage: npm run gen1:backfill -- --branch <gen2 branch> [--dry-run] [--page-size <n ≥ 1>]');
  process.exit(2);
}
const adoption = values['adoption-file'] ? { [GEN1_RESOURCES_CONTEXT_KEY]: values['adoption-file'] } : {};
const tables = loadGen1Resources(adoption)[values.branch]?.tables ?? {};
if (Object.keys(tables).length === 0) {
  console.error(
    `Branch ${values.branch} adopts no Gen 1 table (${values['adoption-file'] ?? 'amplify/migration/gen1-resources.json'}).`,
  );
  process.exit(2);
}

const client = DynamoDBDocumentClient.from(
  new DynamoDBClient(
    values.endpoint
      ? // DynamoDB Local takes any keys.
        {
          endpoint: values.endpoint,
          region: LOCAL_REGION,
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        }
      : {},
  ),
  { marshallOptions: { removeUndefinedValues: true } },
);

// Ctrl-C (or a SIGTERM) finishes the item in hand and keeps the position for the next run.
const stop = new AbortController();
process.once('SIGINT', () => stop.abort());
process.once('SIGTERM', () => stop.abort());

const { stopped } = await runBackfill({
  tables,
  client,
  dryRun: values['dry-run'],
  stateDir: resolve(values['state-dir']),
  pageSize,
  signal: stop.signal,
  log: (line) => console.log(line),
});
process.exit(stopped ? 130 : 0);
