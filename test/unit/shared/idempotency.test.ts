import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  idempotencyStore,
  makeRecordIdempotent,
  queueMessageKey,
  streamRecordKey,
} from '../../../amplify/functions/shared/idempotency';
import { lambdaContext } from '../../support/lambda-context';

const dynamo = mockClient(DynamoDBClient);

/**
 * The idempotency table in memory, answering the commands the persistence layer sends:
 * a conditional PutItem (fails with the old item when a live record exists), UpdateItem, DeleteItem.
 */
function idempotencyTable() {
  const items = new Map<string, Record<string, unknown>>();
  dynamo.on(PutItemCommand).callsFake((input) => {
    const item = unmarshall(input.Item);
    const existing = items.get(item.id as string);
    const now = unmarshall(input.ExpressionAttributeValues)[':now'] as number;
    if (existing && (existing.expiration as number) >= now) {
      throw new ConditionalCheckFailedException({
        message: 'The conditional request failed',
        $metadata: {},
        Item: marshall(existing),
      });
    }
    items.set(item.id as string, item);
    return {};
  });
  dynamo.on(UpdateItemCommand).callsFake((input) => {
    const id = unmarshall(input.Key).id as string;
    const values = unmarshall(input.ExpressionAttributeValues);
    const names = input.ExpressionAttributeNames as Record<string, string>;
    const item = { ...items.get(id) };
    for (const assignment of (input.UpdateExpression as string).replace(/^SET /, '').split(', ')) {
      const [name, value] = assignment.split(' = ') as [string, string];
      item[names[name]!] = values[value];
    }
    items.set(id, item);
    return {};
  });
  dynamo.on(DeleteItemCommand).callsFake((input) => {
    items.delete(unmarshall(input.Key).id as string);
    return {};
  });
  dynamo.on(GetItemCommand).callsFake((input) => {
    const item = items.get(unmarshall(input.Key).id as string);
    return item ? { Item: marshall(item) } : {};
  });
  return items;
}

function streamRecord(eventID: string): DynamoDBRecord {
  return {
    eventID,
    eventName: 'INSERT',
    eventSource: 'aws:dynamodb',
    awsRegion: 'ap-northeast-2',
    dynamodb: { Keys: { id: { S: 'm1' } }, NewImage: { id: { S: 'm1' } }, SequenceNumber: '100' },
  };
}

function store() {
  return idempotencyStore({
    tableName: 'idempotency',
    client: new DynamoDBClient({ region: 'ap-northeast-2' }),
  });
}

describe('makeRecordIdempotent', () => {
  beforeEach(() => dynamo.reset());
  afterEach(() => vi.restoreAllMocks());

  it('runs the function once per stream eventID and returns the stored result on a retry', async () => {
    const items = idempotencyTable();
    const push = vi.fn(async (record: DynamoDBRecord) => ({ pushed: record.eventID }));
    const idempotentPush = makeRecordIdempotent(push, {
      keyOf: streamRecordKey,
      keyPrefix: 'message-push',
      persistenceStore: store(),
    });

    await expect(idempotentPush(streamRecord('evt-1'), lambdaContext())).resolves.toEqual({
      pushed: 'evt-1',
    });
    await expect(idempotentPush(streamRecord('evt-1'), lambdaContext())).resolves.toEqual({
      pushed: 'evt-1',
    });
    expect(push).toHaveBeenCalledTimes(1);

    await idempotentPush(streamRecord('evt-2'), lambdaContext());
    expect(push).toHaveBeenCalledTimes(2);

    const [record] = [...items.values()];
    expect(record?.id).toMatch(/^message-push#/);
    expect(record).toMatchObject({ status: 'COMPLETED' });
    expect(record?.expiration).toBeGreaterThan(Date.now() / 1000 + 23 * 3600);
    expect(dynamo.commandCalls(PutItemCommand)[0]?.args[0].input.TableName).toBe('idempotency');
  });

  it('runs again after a failed run, since the failure removed the in-progress key', async () => {
    idempotencyTable();
    let attempts = 0;
    const flaky = makeRecordIdempotent(
      async () => {
        attempts += 1;
        if (attempts === 1) throw new Error('legacy down');
        return 'done';
      },
      { keyOf: queueMessageKey, keyPrefix: 'relay', persistenceStore: store() },
    );
    const message = { messageId: 'msg-1', body: '{}' } as SQSRecord;
    await expect(flaky(message, lambdaContext())).rejects.toThrow('legacy down');
    await expect(flaky(message, lambdaContext())).resolves.toBe('done');
    expect(attempts).toBe(2);
    expect(dynamo.commandCalls(DeleteItemCommand)).toHaveLength(1);
  });

  it('refuses a retry while the first run is still in progress', async () => {
    const items = idempotencyTable();
    const fn = vi.fn(async () => 'x');
    const handler = makeRecordIdempotent(fn, { keyOf: () => 'k', keyPrefix: 'p', persistenceStore: store() });
    await handler({}, lambdaContext());
    // Rewind the stored record to a run that started elsewhere and has not finished.
    const [key] = [...items.keys()];
    items.set(key!, {
      id: key,
      status: 'INPROGRESS',
      expiration: Math.floor(Date.now() / 1000) + 3600,
      in_progress_expiration: Date.now() + 60_000,
    });
    await expect(handler({}, lambdaContext())).rejects.toThrow(/in progress/i);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('keeps keys of different prefixes apart', async () => {
    idempotencyTable();
    const first = vi.fn(async () => 1);
    const second = vi.fn(async () => 2);
    await makeRecordIdempotent(first, { keyOf: streamRecordKey, keyPrefix: 'a', persistenceStore: store() })(
      streamRecord('evt-1'),
    );
    await makeRecordIdempotent(second, { keyOf: streamRecordKey, keyPrefix: 'b', persistenceStore: store() })(
      streamRecord('evt-1'),
    );
    expect(first).toHaveBeenCalledTimes(1);
    expect(second).toHaveBeenCalledTimes(1);
  });

  it('fails when a record has no key rather than running unprotected', async () => {
    idempotencyTable();
    const fn = vi.fn(async () => 1);
    const handler = makeRecordIdempotent(fn, {
      keyOf: () => undefined,
      keyPrefix: 'p',
      persistenceStore: store(),
    });
    await expect(handler({}, lambdaContext())).rejects.toThrow();
    expect(fn).not.toHaveBeenCalled();
  });
});
