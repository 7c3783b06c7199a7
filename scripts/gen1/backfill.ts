import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { type DeviceMove, keyFieldsOf, OWNER_FIELDS, planDeviceMove, planItem } from './backfill-plan';

/**
 * The Gen 1 backfill (scripts/gen1-backfill.ts) over the adopted tables: scans each, plans each
 * item (./backfill-plan.ts) and applies the plan with conditional writes.
 *
 * Resumable: after every page, and when stopped by `signal` after the item in hand, the scan
 * position of the table is kept in `<stateDir>/<table>.json`; a run finds it and resumes there. A
 * run killed outright resumes from its last page, whose items plan nothing the second time.
 */
export interface BackfillOptions {
  /** Model → adopted Gen 1 table (the branch's entry of the adoption file). */
  tables: Record<string, string>;
  client: DynamoDBDocumentClient;
  dryRun: boolean;
  stateDir: string;
  pageSize?: number;
  /** Aborted: stop after the item in hand, keep the position, return `stopped: true`. */
  signal?: AbortSignal;
  log: (line: string) => void;
}

export interface BackfillCounts {
  scanned: number;
  deleted: number;
  updated: number;
  moved: number;
  /** A conditional write found the item changed (by a writer or an earlier run) since it was read. */
  changedMeanwhile: number;
}

type Item = Record<string, unknown>;

const isConditionFailure = (error: unknown) =>
  error instanceof ConditionalCheckFailedException || error instanceof TransactionCanceledException;

const keyText = (key: Item) =>
  Object.values(key)
    .map((value) => String(value))
    .join('/');

export async function runBackfill(
  options: BackfillOptions,
): Promise<{ counts: Record<string, BackfillCounts>; stopped: boolean }> {
  const { client, dryRun, log } = options;
  if (!dryRun) mkdirSync(options.stateDir, { recursive: true });
  const all: Record<string, BackfillCounts> = {};

  for (const [model, tableName] of Object.entries(options.tables)) {
    const keyFields = keyFieldsOf(model);
    const ownerFields = OWNER_FIELDS[model] ?? [];
    const keyOf = (item: Item) => Object.fromEntries(keyFields.map((field) => [field, item[field]]));
    const stateFile = join(options.stateDir, `${tableName}.json`);
    let cursor: Item | undefined = existsSync(stateFile)
      ? (JSON.parse(readFileSync(stateFile, 'utf8')).cursor ?? undefined)
      : undefined;
    const counts: BackfillCounts = { scanned: 0, deleted: 0, updated: 0, moved: 0, changedMeanwhile: 0 };
    all[model] = counts;
    const saveCursor = (position: Item | undefined) => {
      if (!dryRun) writeFileSync(stateFile, JSON.stringify({ cursor: position ?? null }));
    };
    // A dry run writes nothing, so it remembers the device rows it would have put.
    const plannedDevices = new Map<string, Item>();
    log(`${tableName}: ${cursor ? 'resuming' : 'starting'}${dryRun ? ' (dry run: nothing is written)' : ''}`);

    const deleteOld = (item: Item, reason: string) => {
      if (dryRun) {
        log(`  would delete ${model} ${keyText(keyOf(item))} (${reason})`);
        return Promise.resolve();
      }
      return client.send(
        new DeleteCommand({
          TableName: tableName,
          Key: keyOf(item),
          ...unchangedCondition(item, reason === 'soft-deleted' ? ['_deleted'] : ['token', 'userId']),
        }),
      );
    };

    /** One Device row to its token's id; re-planned when another writer got to that id first. */
    async function moveDevice(item: Item, row: Item, first: DeviceMove): Promise<void> {
      let move = first;
      for (let attempt = 1; ; attempt++) {
        if (move.action === 'keep') return;
        if (move.action === 'drop') {
          await deleteOld(item, 'its token has a row under its own id already');
          counts.moved += 1;
          return;
        }
        if (dryRun) {
          log(`  would move ${model} ${item.id} to ${move.put.id} (its token's id)`);
          plannedDevices.set(String(move.put.id), move.put);
          counts.moved += 1;
          return;
        }
        try {
          await client.send(
            new TransactWriteCommand({
              TransactItems: [
                {
                  Put: {
                    TableName: tableName,
                    Item: move.put,
                    ...(move.action === 'move'
                      ? {
                          ConditionExpression: 'attribute_not_exists(#id)',
                          ExpressionAttributeNames: { '#id': 'id' },
                        }
                      : unchangedCondition(move.replacing, ['userId', 'lastSeenAt'])),
                  },
                },
                {
                  Delete: {
                    TableName: tableName,
                    Key: keyOf(item),
                    ...unchangedCondition(item, ['token', 'userId']),
                  },
                },
              ],
            }),
          );
          counts.moved += 1;
          return;
        } catch (error) {
          if (!isConditionFailure(error) || attempt >= 3) throw error;
        }
        // The old row went, or a row under the token's id appeared or changed: look again.
        const [old, current] = await Promise.all([
          client.send(new GetCommand({ TableName: tableName, Key: keyOf(item), ConsistentRead: true })),
          client.send(
            new GetCommand({ TableName: tableName, Key: { id: move.put.id }, ConsistentRead: true }),
          ),
        ]);
        if (!old.Item || old.Item.token !== item.token) {
          counts.changedMeanwhile += 1;
          return;
        }
        move = planDeviceMove({ ...row, id: String(item.id) }, current.Item);
      }
    }

    let stopped = false;
    do {
      const page = await client.send(
        new ScanCommand({
          TableName: tableName,
          ExclusiveStartKey: cursor,
          Limit: options.pageSize ?? 200,
          ConsistentRead: true,
        }),
      );
      for (const item of page.Items ?? []) {
        counts.scanned += 1;
        const plan = planItem(item, ownerFields);
        try {
          if (plan.action === 'delete') {
            await deleteOld(item, plan.reason);
            counts.deleted += 1;
          } else {
            const row = plan.action === 'update' ? { ...item, ...plan.set } : item;
            const device =
              model === 'Device' && typeof row.token === 'string' && row.token !== ''
                ? await deviceMove(row)
                : ({ action: 'keep' } as const);
            if (device.action !== 'keep') await moveDevice(item, row, device);
            else if (plan.action === 'update') {
              if (dryRun) log(`  would rewrite ${model} ${keyText(keyOf(item))}: ${Object.keys(plan.set)}`);
              else await rewriteOwners(item, plan.set, plan.before);
              counts.updated += 1;
            }
          }
        } catch (error) {
          if (!isConditionFailure(error)) throw error;
          counts.changedMeanwhile += 1;
        }
        if (options.signal?.aborted) {
          // The key of the last item done is a valid ExclusiveStartKey: the next run starts after it.
          cursor = keyOf(item);
          stopped = true;
          break;
        }
      }
      if (!stopped) cursor = page.LastEvaluatedKey;
      saveCursor(cursor);
      log(progressLine(tableName, counts, dryRun));
    } while (cursor && !stopped);
    if (stopped) {
      log(`${tableName}: stopped; run the same command again to resume after ${keyText(cursor!)}`);
      return { counts: all, stopped: true };
    }
    if (!dryRun) rmSync(stateFile, { force: true });

    async function deviceMove(row: Item): Promise<DeviceMove> {
      const probe = planDeviceMove(row as Item & { id: string }, undefined);
      if (probe.action !== 'move') return probe;
      const id = String(probe.put.id);
      const current =
        plannedDevices.get(id) ??
        (await client.send(new GetCommand({ TableName: tableName, Key: { id }, ConsistentRead: true }))).Item;
      return planDeviceMove(row as Item & { id: string }, current);
    }

    function rewriteOwners(item: Item, set: Record<string, unknown>, before: Record<string, unknown>) {
      const fields = Object.keys(set);
      return client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: keyOf(item),
          UpdateExpression: `SET ${fields.map((_, i) => `#f${i} = :v${i}`).join(', ')}`,
          // Only over the value planned from: a concurrent writer's newer value is never overwritten.
          ConditionExpression: fields.map((_, i) => `#f${i} = :b${i}`).join(' AND '),
          ExpressionAttributeNames: Object.fromEntries(fields.map((field, i) => [`#f${i}`, field])),
          ExpressionAttributeValues: Object.fromEntries(
            fields.flatMap((field, i) => [
              [`:v${i}`, set[field]],
              [`:b${i}`, before[field]],
            ]),
          ),
        }),
      );
    }
  }
  return { counts: all, stopped: false };
}

/** A write that applies only while these attributes still hold the values read. */
function unchangedCondition(item: Item, fields: readonly string[]) {
  const present = fields.filter((field) => item[field] !== undefined);
  return {
    ConditionExpression: present.map((_, i) => `#c${i} = :c${i}`).join(' AND '),
    ExpressionAttributeNames: Object.fromEntries(present.map((field, i) => [`#c${i}`, field])),
    ExpressionAttributeValues: Object.fromEntries(present.map((field, i) => [`:c${i}`, item[field]])),
  };
}

function progressLine(tableName: string, counts: BackfillCounts, dryRun: boolean): string {
  const verb = (done: string, planned: string) => (dryRun ? planned : done);
  return (
    `${tableName}: ${counts.scanned} scanned, ${counts.deleted} ${verb('deleted', 'to delete')}, ` +
    `${counts.updated} ${verb('rewritten', 'to rewrite')}, ` +
    `${counts.moved} ${verb('devices moved to their token’s id', 'devices to move to their token’s id')}, ` +
    `${counts.changedMeanwhile} changed meanwhile`
  );
}
