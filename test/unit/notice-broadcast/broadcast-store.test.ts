import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  ScanCommand,
  type ScanCommandInput,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  broadcastProgressStore,
  PROGRESS_RETENTION_SECONDS,
  progressKey,
  userProfilePages,
} from '../../../amplify/functions/notice-broadcast/broadcast-store';
import { conditionFailed } from '../../support/dynamo-errors';

const TABLE = 'sandbox-idempotency';
const PROFILES = 'UserProfile-abc123-NONE';
const NOW = new Date('2026-03-14T00:00:00.000Z');
const LEASE = { owner: 'req-1:m-1', until: NOW.getTime() + 65_000 };

const dynamo = mockClient(DynamoDBDocumentClient);
const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'ap-northeast-2' }));
const store = broadcastProgressStore({ tableName: () => TABLE, dynamo: client });

const updates = () =>
  dynamo.commandCalls(UpdateCommand).map((call) => call.args[0].input as UpdateCommandInput);

/** DynamoDB refuses names and values that the expressions do not use, and placeholders left undefined. */
function expectConsistentPlaceholders(input: UpdateCommandInput | ScanCommandInput) {
  const expressions = [
    (input as UpdateCommandInput).UpdateExpression,
    (input as UpdateCommandInput).ConditionExpression,
    (input as ScanCommandInput).FilterExpression,
    (input as ScanCommandInput).ProjectionExpression,
  ]
    .filter(Boolean)
    .join(' ');
  const used = (prefix: string) =>
    new Set(expressions.match(new RegExp(`${prefix}[A-Za-z0-9_]+`, 'g')) ?? []);
  expect(new Set(Object.keys(input.ExpressionAttributeNames ?? {}))).toEqual(used('#'));
  expect(new Set(Object.keys(input.ExpressionAttributeValues ?? {}))).toEqual(used(':'));
}

beforeEach(() => {
  dynamo.reset();
});

describe('broadcastProgressStore.claim', () => {
  it('takes the lease on a new notice, only if no live lease exists, and starts from the beginning', async () => {
    dynamo.on(GetCommand).resolves({});
    dynamo.on(UpdateCommand).resolves({ Attributes: { ...progressKey('N-1'), leaseOwner: LEASE.owner } });
    expect(await store.claim('N-1', LEASE, NOW)).toEqual({ status: 'claimed' });
    const get = dynamo.commandCalls(GetCommand)[0]!.args[0].input;
    expect(get).toMatchObject({
      TableName: TABLE,
      Key: { id: 'notice-broadcast:N-1' },
      ConsistentRead: true,
    });
    const [update] = updates();
    expect(update).toMatchObject({
      TableName: TABLE,
      Key: { id: 'notice-broadcast:N-1' },
      ReturnValues: 'ALL_NEW',
    });
    expect(update!.ConditionExpression).toContain('#leaseUntil < :nowMs');
    expect(update!.ConditionExpression).toContain('attribute_not_exists(#done) OR #done = :false');
    expect(update!.ExpressionAttributeValues).toMatchObject({
      ':owner': LEASE.owner,
      ':until': LEASE.until,
      ':nowMs': NOW.getTime(),
      ':expiration': NOW.getTime() / 1000 + PROGRESS_RETENTION_SECONDS,
    });
    expectConsistentPlaceholders(update!);
  });

  it('returns the saved position to carry on from', async () => {
    dynamo.on(GetCommand).resolves({ Item: { ...progressKey('N-1'), position: { id: 'u-42' } } });
    dynamo.on(UpdateCommand).resolves({ Attributes: { ...progressKey('N-1'), position: { id: 'u-42' } } });
    expect(await store.claim('N-1', LEASE, NOW)).toEqual({ status: 'claimed', position: { id: 'u-42' } });
  });

  it('says done, without trying to take the lease, once the broadcast finished', async () => {
    dynamo.on(GetCommand).resolves({ Item: { ...progressKey('N-1'), done: true } });
    expect(await store.claim('N-1', LEASE, NOW)).toEqual({ status: 'done' });
    expect(updates()).toEqual([]);
  });

  it('says busy when the condition fails: someone holds a live lease', async () => {
    dynamo.on(GetCommand).resolves({ Item: { ...progressKey('N-1'), leaseOwner: 'other', leaseUntil: 1 } });
    dynamo.on(UpdateCommand).rejects(conditionFailed());
    expect(await store.claim('N-1', LEASE, NOW)).toEqual({ status: 'busy' });
  });

  it('passes other DynamoDB errors on, so the message is retried', async () => {
    dynamo.on(GetCommand).resolves({});
    dynamo.on(UpdateCommand).rejects(Object.assign(new Error('throttled'), { name: 'ThrottlingException' }));
    await expect(store.claim('N-1', LEASE, NOW)).rejects.toThrow('throttled');
  });
});

describe('broadcastProgressStore writes by the lease holder', () => {
  it('saves the position only while the lease is ours', async () => {
    dynamo.on(UpdateCommand).resolves({});
    expect(await store.advance('N-1', LEASE, { id: 'u-7' })).toBe(true);
    const [update] = updates();
    expect(update).toMatchObject({
      Key: { id: 'notice-broadcast:N-1' },
      UpdateExpression: 'SET #position = :position',
      ConditionExpression: '#leaseOwner = :owner',
    });
    expect(update!.ExpressionAttributeValues).toEqual({ ':owner': LEASE.owner, ':position': { id: 'u-7' } });
    expectConsistentPlaceholders(update!);
  });

  it('releases the lease with the position, or without one at the very start', async () => {
    dynamo.on(UpdateCommand).resolves({});
    expect(await store.release('N-1', LEASE, { id: 'u-7' })).toBe(true);
    expect(await store.release('N-1', LEASE, undefined)).toBe(true);
    const [withPosition, withoutPosition] = updates();
    expect(withPosition!.UpdateExpression).toBe('SET #position = :position REMOVE #leaseOwner, #leaseUntil');
    expect(withoutPosition!.UpdateExpression).toBe('REMOVE #leaseOwner, #leaseUntil');
    for (const update of updates()) {
      expect(update.ConditionExpression).toBe('#leaseOwner = :owner');
      expectConsistentPlaceholders(update);
    }
  });

  it('marks the broadcast done and forgets the position and the lease', async () => {
    dynamo.on(UpdateCommand).resolves({});
    expect(await store.finish('N-1', LEASE, NOW)).toBe(true);
    const [update] = updates();
    expect(update!.UpdateExpression).toBe(
      'SET #done = :true, #finishedAt = :now REMOVE #position, #leaseOwner, #leaseUntil',
    );
    expect(update!.ExpressionAttributeValues).toMatchObject({ ':true': true, ':now': NOW.toISOString() });
    expectConsistentPlaceholders(update!);
  });

  it('answers false when the lease is no longer ours, and throws on other errors', async () => {
    dynamo.on(UpdateCommand).rejectsOnce(conditionFailed()).rejects(new Error('network'));
    expect(await store.advance('N-1', LEASE, { id: 'u-7' })).toBe(false);
    await expect(store.finish('N-1', LEASE, NOW)).rejects.toThrow('network');
  });
});

describe('userProfilePages', () => {
  const pages = userProfilePages({ tableName: () => PROFILES, dynamo: client });

  it('scans a page from the position, reading only id, role, regions and deletedAt', async () => {
    dynamo.on(ScanCommand).resolves({
      Items: [{ id: 'u-8', role: 'USER' }],
      LastEvaluatedKey: { id: 'u-8' },
    });
    expect(await pages({ id: 'u-7' }, 50)).toEqual({
      profiles: [{ id: 'u-8', role: 'USER' }],
      next: { id: 'u-8' },
    });
    const input = dynamo.commandCalls(ScanCommand)[0]!.args[0].input as ScanCommandInput;
    expect(input).toMatchObject({ TableName: PROFILES, Limit: 50, ExclusiveStartKey: { id: 'u-7' } });
    expect(Object.values(input.ExpressionAttributeNames ?? {}).sort()).toEqual([
      'deletedAt',
      'id',
      'regionCodes',
      'role',
    ]);
    expectConsistentPlaceholders(input);
  });

  it('starts at the beginning without a position and ends without a next key', async () => {
    dynamo.on(ScanCommand).resolves({ Items: [] });
    expect(await pages(undefined, 50)).toEqual({ profiles: [] });
    const input = dynamo.commandCalls(ScanCommand)[0]!.args[0].input as ScanCommandInput;
    expect(input).not.toHaveProperty('ExclusiveStartKey');
  });
});
