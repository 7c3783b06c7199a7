/**
 * Rewrites what Gen 1 left in the adopted tables that this backend reads otherwise
 * (scripts/gen1/backfill-plan.ts): soft-deleted DataStore items are deleted, `sub::username`
 * owner values become the `sub`.
 *
 *   npm run gen1:backfill -- --branch <gen2 branch> [--dry-run] [--endpoint http://127.0.0.1:8000]
 *
 * Idempotent (each change is conditional on the value it replaces; a rewritten item plans
 * nothing) and resumable (the scan position of each table is kept in
 * .amplify/gen1-backfill/<table>.json after every page; delete that file to start over).
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { loadGen1Resources } from '../amplify/migration/gen1-resources';
import { keyFieldsOf, OWNER_FIELDS, planItem } from './gen1/backfill-plan';

const { values } = parseArgs({
  options: {
    branch: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
    endpoint: { type: 'string' },
    'state-dir': { type: 'string', default: '.amplify/gen1-backfill' },
  },
});
if (!values.branch) {
  console.error('usage: npm run gen1:backfill -- --branch <gen2 branch> [--dry-run]');
  process.exit(2);
}
const tables = loadGen1Resources()[values.branch]?.tables ?? {};
if (Object.keys(tables).length === 0) {
  console.error(`Branch ${values.branch} adopts no Gen 1 table (amplify/migration/gen1-resources.json).`);
  process.exit(2);
}

const dryRun = values['dry-run'];
const stateDir = resolve(values['state-dir']);
mkdirSync(stateDir, { recursive: true });
const client = DynamoDBDocumentClient.from(
  new DynamoDBClient(values.endpoint ? { endpoint: values.endpoint } : {}),
  { marshallOptions: { removeUndefinedValues: true } },
);

for (const [model, tableName] of Object.entries(tables)) {
  const keyFields = keyFieldsOf(model);
  const ownerFields = OWNER_FIELDS[model] ?? [];
  const stateFile = join(stateDir, `${tableName}.json`);
  let cursor: Record<string, unknown> | undefined = existsSync(stateFile)
    ? JSON.parse(readFileSync(stateFile, 'utf8')).cursor
    : undefined;
  const counts = { scanned: 0, deleted: 0, updated: 0, alreadyDone: 0 };
  console.log(`${tableName}: ${cursor ? 'resuming' : 'starting'}${dryRun ? ' (dry run)' : ''}`);
  do {
    const page = await client.send(
      new ScanCommand({ TableName: tableName, ExclusiveStartKey: cursor, Limit: 200 }),
    );
    for (const item of page.Items ?? []) {
      counts.scanned += 1;
      const plan = planItem(item, ownerFields);
      if (plan.action === 'keep') continue;
      const Key = Object.fromEntries(keyFields.map((field) => [field, item[field]]));
      if (dryRun) {
        counts[plan.action === 'delete' ? 'deleted' : 'updated'] += 1;
        continue;
      }
      try {
        if (plan.action === 'delete') {
          await client.send(
            new DeleteCommand({
              TableName: tableName,
              Key,
              ConditionExpression: '#deleted = :true',
              ExpressionAttributeNames: { '#deleted': '_deleted' },
              ExpressionAttributeValues: { ':true': true },
            }),
          );
          counts.deleted += 1;
        } else {
          const fields = Object.keys(plan.set);
          await client.send(
            new UpdateCommand({
              TableName: tableName,
              Key,
              UpdateExpression: `SET ${fields.map((_, i) => `#f${i} = :v${i}`).join(', ')}`,
              // Only over the value planned from: a concurrent writer's newer value is never overwritten.
              ConditionExpression: fields.map((_, i) => `#f${i} = :b${i}`).join(' AND '),
              ExpressionAttributeNames: Object.fromEntries(fields.map((field, i) => [`#f${i}`, field])),
              ExpressionAttributeValues: Object.fromEntries(
                fields.flatMap((field, i) => [
                  [`:v${i}`, plan.set[field]],
                  [`:b${i}`, plan.before[field]],
                ]),
              ),
            }),
          );
          counts.updated += 1;
        }
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        counts.alreadyDone += 1;
      }
    }
    cursor = page.LastEvaluatedKey;
    if (!dryRun) writeFileSync(stateFile, JSON.stringify({ cursor: cursor ?? null, counts }));
    console.log(
      `${tableName}: ${counts.scanned} scanned, ${counts.deleted} ${dryRun ? 'to delete' : 'deleted'}, ` +
        `${counts.updated} ${dryRun ? 'to rewrite' : 'rewritten'}, ${counts.alreadyDone} changed meanwhile`,
    );
  } while (cursor);
  if (!dryRun) rmSync(stateFile, { force: true });
}
