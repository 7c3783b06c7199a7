import {
  DeleteCommand,
  type DeleteCommandInput,
  DynamoDBDocumentClient,
  GetCommand,
  type GetCommandInput,
  PutCommand,
  type PutCommandInput,
  ScanCommand,
  type ScanCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanupReason, UNSEEN_DAYS } from '../../../amplify/functions/device-cleanup/cleanup-plan';
import { CURSOR_ID, cleanupStore } from '../../../amplify/functions/device-cleanup/cleanup-store';
import { createHandler } from '../../../amplify/functions/device-cleanup/handler';
import { logger } from '../../../amplify/functions/shared/logger';
import { lambdaContext } from '../../support/lambda-context';

const NOW = new Date('2026-03-14T19:00:00.000Z');
const DAY_MS = 86_400_000;
const DEVICE_TABLE = 'Device-abc123-NONE';
const IDEMPOTENCY_TABLE = 'sandbox-idempotency';

const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY_MS).toISOString();

describe('cleanupReason', () => {
  it('removes a device push-sender marked invalid, however recently seen', () => {
    expect(cleanupReason({ id: 'd', lastSeenAt: daysAgo(0), invalidatedAt: daysAgo(1) }, NOW)).toBe(
      'invalidated',
    );
  });

  it(`keeps a device seen exactly ${UNSEEN_DAYS} days ago and removes one seen a moment earlier`, () => {
    expect(cleanupReason({ id: 'd', lastSeenAt: daysAgo(UNSEEN_DAYS) }, NOW)).toBeUndefined();
    const justOlder = new Date(NOW.getTime() - UNSEEN_DAYS * DAY_MS - 1).toISOString();
    expect(cleanupReason({ id: 'd', lastSeenAt: justOlder }, NOW)).toBe('unseen');
  });

  it('keeps a recent device whose invalidatedAt is NULL or empty', () => {
    expect(cleanupReason({ id: 'd', lastSeenAt: daysAgo(3), invalidatedAt: null }, NOW)).toBeUndefined();
    expect(cleanupReason({ id: 'd', lastSeenAt: daysAgo(3), invalidatedAt: '' }, NOW)).toBeUndefined();
  });

  it.each([
    ['missing', undefined],
    ['unreadable', 'last tuesday'],
    ['not a string', 1_700_000_000],
  ])('removes a device whose lastSeenAt is %s', (_case, lastSeenAt) => {
    expect(cleanupReason({ id: 'd', lastSeenAt }, NOW)).toBe('unseen');
  });
});

const ddb = mockClient(DynamoDBDocumentClient);

/**
 * DynamoDB as the cleanup uses it: a Device table scanned in id order (a page that fills its
 * Limit always carries a LastEvaluatedKey, as DynamoDB's may), conditional deletes, and the
 * idempotency table's cursor item.
 */
class FakeDynamo {
  readonly devices = new Map<string, Record<string, unknown>>();
  readonly idempotency = new Map<string, Record<string, unknown>>();
  readonly scans: ScanCommandInput[] = [];
  readonly deletes: DeleteCommandInput[] = [];
  /** Runs after each Scan answers, with the ids it returned: a registration racing the cleanup, say. */
  afterScan: ((ids: string[]) => void) | undefined;
  failDeleteOf: string | undefined;

  install() {
    ddb.on(ScanCommand).callsFake((input: ScanCommandInput) => this.scan(input));
    ddb.on(DeleteCommand).callsFake((input: DeleteCommandInput) => this.delete(input));
    ddb.on(GetCommand).callsFake((input: GetCommandInput) => {
      expect(input.TableName).toBe(IDEMPOTENCY_TABLE);
      const item = this.idempotency.get(String(input.Key?.id));
      return item ? { Item: structuredClone(item) } : {};
    });
    ddb.on(PutCommand).callsFake((input: PutCommandInput) => {
      expect(input.TableName).toBe(IDEMPOTENCY_TABLE);
      this.idempotency.set(String(input.Item?.id), structuredClone(input.Item!));
      return {};
    });
  }

  device(id: string, fields: Record<string, unknown>) {
    this.devices.set(id, { id, userId: 'user-1', platform: 'GCM', token: `token-of-${id}`, ...fields });
  }

  private scan(input: ScanCommandInput) {
    expect(input.TableName).toBe(DEVICE_TABLE);
    this.scans.push(structuredClone(input));
    const after = input.ExclusiveStartKey?.id as string | undefined;
    const ids = [...this.devices.keys()].sort().filter((id) => after === undefined || id > after);
    const page = ids.slice(0, input.Limit);
    const names = Object.values(input.ExpressionAttributeNames ?? {});
    const items = page.map((id) =>
      Object.fromEntries(Object.entries(this.devices.get(id)!).filter(([field]) => names.includes(field))),
    );
    this.afterScan?.(page);
    return {
      Items: items,
      ...(page.length === input.Limit ? { LastEvaluatedKey: { id: page[page.length - 1] } } : {}),
    };
  }

  private delete(input: DeleteCommandInput) {
    const id = String(input.Key?.id);
    if (input.TableName === IDEMPOTENCY_TABLE) {
      this.idempotency.delete(id);
      return {};
    }
    expect(input.TableName).toBe(DEVICE_TABLE);
    this.deletes.push(structuredClone(input));
    if (id === this.failDeleteOf)
      throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    const row = this.devices.get(id);
    const holds =
      input.ConditionExpression === '#lastSeenAt = :lastSeenAt'
        ? row !== undefined && row.lastSeenAt === input.ExpressionAttributeValues?.[':lastSeenAt']
        : input.ConditionExpression === 'attribute_exists(#id) AND NOT attribute_type(#lastSeenAt, :string)'
          ? row !== undefined &&
            input.ExpressionAttributeValues?.[':string'] === 'S' &&
            typeof row.lastSeenAt !== 'string'
          : false;
    if (!holds) {
      throw Object.assign(new Error('The conditional request failed'), {
        name: 'ConditionalCheckFailedException',
      });
    }
    this.devices.delete(id);
    return {};
  }
}

let dynamo: FakeDynamo;

/** A context whose remaining time is read from `remaining`, one value per check (then the last). */
function contextWith(...remaining: number[]): Context {
  return {
    ...lambdaContext(),
    getRemainingTimeInMillis: () => (remaining.length > 1 ? remaining.shift()! : remaining[0]!),
  };
}

function run(context: Context = contextWith(300_000), pageSize = 3) {
  const handler = createHandler({
    store: cleanupStore({
      deviceTableName: () => DEVICE_TABLE,
      idempotencyTableName: () => IDEMPOTENCY_TABLE,
    }),
    now: () => NOW,
    pageSize,
  });
  return handler({ source: 'aws.scheduler', 'detail-type': 'Scheduled Event' }, context);
}

beforeEach(() => {
  ddb.reset();
  dynamo = new FakeDynamo();
  dynamo.install();
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('device-cleanup', () => {
  beforeEach(() => {
    dynamo.device('a-fresh', { lastSeenAt: daysAgo(1) });
    dynamo.device('b-stale', { lastSeenAt: daysAgo(61) });
    dynamo.device('c-invalid', { lastSeenAt: daysAgo(2), invalidatedAt: daysAgo(1) });
    dynamo.device('d-edge', { lastSeenAt: daysAgo(59) });
    dynamo.device('e-stale', { lastSeenAt: daysAgo(400) });
    dynamo.device('f-null-invalid', { lastSeenAt: daysAgo(5), invalidatedAt: null });
    dynamo.device('g-no-lastseen', {});
  });

  it('removes invalidated and long-unseen devices across every page and keeps the rest', async () => {
    const summary = await run();

    expect([...dynamo.devices.keys()].sort()).toEqual(['a-fresh', 'd-edge', 'f-null-invalid']);
    expect(summary).toEqual({
      resumed: false,
      scanned: 7,
      deletedInvalidated: 1,
      deletedUnseen: 3,
      skipped: 0,
      complete: true,
    });
    // 3 + 3 + 1 rows; the cursor is gone once the whole table was seen.
    expect(dynamo.scans.map((scan) => scan.ExclusiveStartKey)).toEqual([
      undefined,
      { id: 'c-invalid' },
      { id: 'f-null-invalid' },
    ]);
    expect(dynamo.idempotency.has(CURSOR_ID)).toBe(false);
  });

  it('never reads a token', async () => {
    await run();
    for (const scan of dynamo.scans) {
      expect(Object.values(scan.ExpressionAttributeNames ?? {}).sort()).toEqual([
        'id',
        'invalidatedAt',
        'lastSeenAt',
      ]);
    }
  });

  it('logs counts only: no device ids, no tokens', async () => {
    const info = vi.spyOn(logger, 'info');
    await run();
    expect(info).toHaveBeenCalledWith('Device cleanup', expect.objectContaining({ deletedUnseen: 3 }));
    const logged = JSON.stringify(info.mock.calls);
    expect(logged).not.toMatch(/token-of-|b-stale|c-invalid/);
  });

  it('stops before the timeout, leaves a cursor, and the next run finishes from it', async () => {
    // One page, then too little time for another.
    const first = await run(contextWith(300_000, 10_000));
    expect(first).toMatchObject({ resumed: false, scanned: 3, complete: false });
    expect(dynamo.scans).toHaveLength(1);
    expect(dynamo.idempotency.get(CURSOR_ID)).toEqual({
      id: CURSOR_ID,
      exclusiveStartKey: { id: 'c-invalid' },
      savedAt: NOW.toISOString(),
      expiration: Math.floor(NOW.getTime() / 1000) + 7 * 86_400,
    });

    const second = await run();
    expect(second).toMatchObject({ resumed: true, scanned: 4, complete: true });
    expect(dynamo.scans[1]!.ExclusiveStartKey).toEqual({ id: 'c-invalid' });
    expect([...dynamo.devices.keys()].sort()).toEqual(['a-fresh', 'd-edge', 'f-null-invalid']);
    // Every row was deleted once: the second run did not start over.
    expect(
      first.deletedInvalidated + first.deletedUnseen + second.deletedInvalidated + second.deletedUnseen,
    ).toBe(4);
    expect(dynamo.deletes).toHaveLength(4);
    expect(dynamo.idempotency.has(CURSOR_ID)).toBe(false);
  });

  it('does not scan at all when it starts with too little time, and keeps the cursor', async () => {
    dynamo.idempotency.set(CURSOR_ID, { id: CURSOR_ID, exclusiveStartKey: { id: 'c-invalid' } });
    const summary = await run(contextWith(5_000));
    expect(summary).toMatchObject({ resumed: true, scanned: 0, complete: false });
    expect(dynamo.scans).toEqual([]);
    expect(dynamo.idempotency.get(CURSOR_ID)?.exclusiveStartKey).toEqual({ id: 'c-invalid' });
  });

  it('keeps a device registered again between the scan and the delete', async () => {
    dynamo.afterScan = (ids) => {
      for (const id of ids.filter((scanned) => ['b-stale', 'g-no-lastseen'].includes(scanned))) {
        dynamo.devices.get(id)!.lastSeenAt = NOW.toISOString();
      }
    };
    const summary = await run();
    expect(dynamo.devices.has('b-stale')).toBe(true);
    expect(dynamo.devices.has('g-no-lastseen')).toBe(true);
    expect(summary).toMatchObject({ deletedInvalidated: 1, deletedUnseen: 1, skipped: 2 });
  });

  it('fails the run on a DynamoDB error, with the cursor at the last finished page', async () => {
    dynamo.failDeleteOf = 'e-stale';
    await expect(run()).rejects.toThrow('Rate exceeded');
    expect(dynamo.idempotency.get(CURSOR_ID)?.exclusiveStartKey).toEqual({ id: 'c-invalid' });
    expect(dynamo.devices.has('b-stale')).toBe(false);
  });

  it('finishes an empty table with nothing to do', async () => {
    dynamo.devices.clear();
    expect(await run()).toEqual({
      resumed: false,
      scanned: 0,
      deletedInvalidated: 0,
      deletedUnseen: 0,
      skipped: 0,
      complete: true,
    });
  });
});
