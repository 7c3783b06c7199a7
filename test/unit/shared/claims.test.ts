import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { claimOnceWrite, claimTable } from '../../../amplify/functions/shared/idempotency';
import { conditionFailed } from '../../support/dynamo-errors';

const ddb = mockClient(DynamoDBDocumentClient);
const TABLE = 'Idempotency';
const NOW = 1_800_000_000;

const jobs = () =>
  claimTable({
    tableName: () => TABLE,
    inProgress: 'RUNNING_NOW',
    holder: { attribute: 'worker' },
  });

beforeEach(() => ddb.reset());

describe('claimTable', () => {
  it('claims a new key, or one whose lease ran out, with the holder and the lease in the record', async () => {
    ddb.on(PutCommand).resolves({});
    expect(
      await jobs().claim('job:1', { holder: 'w-1', now: NOW, leaseSeconds: 30, attributes: { kind: 'job' } }),
    ).toBe(true);
    expect(ddb.commandCalls(PutCommand)[0]!.args[0].input).toEqual({
      TableName: TABLE,
      Item: { id: 'job:1', kind: 'job', status: 'RUNNING_NOW', worker: 'w-1', expiration: NOW + 30 },
      ConditionExpression: 'attribute_not_exists(#id) OR #expiration < :now',
      ExpressionAttributeNames: { '#id': 'id', '#expiration': 'expiration' },
      ExpressionAttributeValues: { ':now': NOW },
    });
  });

  it('takes over an expired lease only while in progress and for the same attribute, when asked', async () => {
    ddb.on(PutCommand).resolves({});
    await jobs().claim('job:1', {
      holder: 'w-1',
      now: NOW,
      leaseSeconds: 30,
      attributes: { digest: 'abc' },
      onlyInProgress: true,
      sameAttribute: 'digest',
    });
    expect(ddb.commandCalls(PutCommand)[0]!.args[0].input).toMatchObject({
      ConditionExpression:
        'attribute_not_exists(#id) OR (#status = :runningNow AND #expiration < :now AND #digest = :digest)',
      ExpressionAttributeNames: {
        '#id': 'id',
        '#status': 'status',
        '#expiration': 'expiration',
        '#digest': 'digest',
      },
      ExpressionAttributeValues: { ':runningNow': 'RUNNING_NOW', ':now': NOW, ':digest': 'abc' },
    });
  });

  it('answers false when a live lease or a done record holds the key', async () => {
    ddb.on(PutCommand).rejects(conditionFailed());
    expect(await jobs().claim('job:1', { holder: 'w-2', now: NOW, leaseSeconds: 30 })).toBe(false);
  });

  it('reads the record strongly consistently, projected to the attributes asked for', async () => {
    ddb.on(GetCommand).resolves({ Item: { status: 'DONE' } });
    expect(await jobs().read('job:1', ['status'])).toEqual({ status: 'DONE' });
    expect(ddb.commandCalls(GetCommand)[0]!.args[0].input).toEqual({
      TableName: TABLE,
      Key: { id: 'job:1' },
      ProjectionExpression: '#status',
      ExpressionAttributeNames: { '#status': 'status' },
      ConsistentRead: true,
    });
  });

  it('records the work done for the retention, replacing the claim whoever held it', async () => {
    ddb.on(PutCommand).resolves({});
    await jobs().recordDone('job:1', { status: 'DONE', now: NOW, retainSeconds: 3600 });
    expect(ddb.commandCalls(PutCommand)[0]!.args[0].input).toEqual({
      TableName: TABLE,
      Item: { id: 'job:1', status: 'DONE', expiration: NOW + 3600 },
    });
  });

  it('completes as the holder only, and answers false once the claim is someone else’s', async () => {
    ddb.on(UpdateCommand).resolvesOnce({}).rejectsOnce(conditionFailed());
    const done = { status: 'DONE', now: NOW, retainSeconds: 60, attributes: { finishedAt: 'then' } };
    expect(await jobs().completeAsHolder('job:1', 'w-1', done)).toBe(true);
    expect(await jobs().completeAsHolder('job:1', 'w-1', done)).toBe(false);
    expect(ddb.commandCalls(UpdateCommand)[0]!.args[0].input).toEqual({
      TableName: TABLE,
      Key: { id: 'job:1' },
      UpdateExpression: 'SET #status = :done, #finishedAt = :finishedAt, #expiration = :expiration',
      ConditionExpression: '#worker = :worker',
      ExpressionAttributeNames: {
        '#status': 'status',
        '#finishedAt': 'finishedAt',
        '#expiration': 'expiration',
        '#worker': 'worker',
      },
      ExpressionAttributeValues: {
        ':done': 'DONE',
        ':finishedAt': 'then',
        ':expiration': NOW + 60,
        ':worker': 'w-1',
      },
    });
  });

  it('releases only its own claim in progress, and leaves a done or taken-over one alone', async () => {
    ddb.on(DeleteCommand).resolvesOnce({}).rejectsOnce(conditionFailed()).rejectsOnce(new Error('throttled'));
    await jobs().release('job:1', 'w-1');
    expect(ddb.commandCalls(DeleteCommand)[0]!.args[0].input).toEqual({
      TableName: TABLE,
      Key: { id: 'job:1' },
      ConditionExpression: '#worker = :worker AND #status = :runningNow',
      ExpressionAttributeNames: { '#worker': 'worker', '#status': 'status' },
      ExpressionAttributeValues: { ':worker': 'w-1', ':runningNow': 'RUNNING_NOW' },
    });
    await expect(jobs().release('job:1', 'w-1')).resolves.toBeUndefined();
    await expect(jobs().release('job:1', 'w-1')).rejects.toThrow('throttled');
  });
});

describe('claimOnceWrite', () => {
  it('is a transaction put that fails when the key was ever claimed', () => {
    expect(claimOnceWrite(TABLE, { id: 'marker:1', expiration: NOW })).toEqual({
      Put: {
        TableName: TABLE,
        Item: { id: 'marker:1', expiration: NOW },
        ConditionExpression: 'attribute_not_exists(#id)',
        ExpressionAttributeNames: { '#id': 'id' },
      },
    });
  });
});
