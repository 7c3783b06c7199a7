import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  BatchWriteIncompleteError,
  batchWriteAll,
  conditionalPut,
  documentClient,
  queryAll,
  type TableWriteRequest,
} from '../../../amplify/functions/shared/dynamo';

const ddb = mockClient(DynamoDBDocumentClient);

function puts(count: number): TableWriteRequest[] {
  return Array.from({ length: count }, (_, i) => ({ PutRequest: { Item: { id: `d${i}` } } }));
}

describe('documentClient', () => {
  it('drops undefined attributes instead of refusing the item', () => {
    expect(documentClient.config.translateConfig?.marshallOptions).toMatchObject({
      removeUndefinedValues: true,
      convertClassInstanceToMap: false,
    });
  });
});

describe('queryAll', () => {
  beforeEach(() => ddb.reset());

  it('follows LastEvaluatedKey until the last page', async () => {
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [{ id: 1 }, { id: 2 }], LastEvaluatedKey: { id: 2 } })
      .resolvesOnce({ Items: [{ id: 3 }], LastEvaluatedKey: { id: 3 } })
      .resolvesOnce({ Items: [{ id: 4 }] });
    const items = await queryAll({ TableName: 'Device', KeyConditionExpression: 'owner = :o' });
    expect(items).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }, { id: 4 }]);
    const calls = ddb.commandCalls(QueryCommand);
    expect(calls.map((call) => call.args[0].input.ExclusiveStartKey)).toEqual([
      undefined,
      { id: 2 },
      { id: 3 },
    ]);
  });

  it('stops paging once it has the limit', async () => {
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [{ id: 1 }, { id: 2 }], LastEvaluatedKey: { id: 2 } })
      .resolvesOnce({ Items: [{ id: 3 }, { id: 4 }], LastEvaluatedKey: { id: 4 } })
      .resolves({ Items: [{ id: 99 }] });
    expect(await queryAll({ TableName: 'Device' }, { limit: 3 })).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(2);
  });
});

describe('batchWriteAll', () => {
  beforeEach(() => ddb.reset());

  it('writes in chunks of at most 25', async () => {
    ddb.on(BatchWriteCommand).resolves({});
    await batchWriteAll('Device', puts(60));
    const sizes = ddb
      .commandCalls(BatchWriteCommand)
      .map((call) => call.args[0].input.RequestItems?.Device?.length);
    expect(sizes).toEqual([25, 25, 10]);
  });

  it('retries unprocessed items with growing delays', async () => {
    const requests = puts(3);
    ddb
      .on(BatchWriteCommand)
      .resolvesOnce({ UnprocessedItems: { Device: requests.slice(1) } })
      .resolvesOnce({ UnprocessedItems: { Device: requests.slice(2) } })
      .resolvesOnce({});
    const sleeps: number[] = [];
    await batchWriteAll('Device', requests, { sleep: async (ms) => void sleeps.push(ms), baseDelayMs: 10 });
    const calls = ddb.commandCalls(BatchWriteCommand);
    expect(calls.map((call) => call.args[0].input.RequestItems?.Device)).toEqual([
      requests,
      requests.slice(1),
      requests.slice(2),
    ]);
    expect(sleeps).toEqual([10, 20]);
  });

  it('gives up after maxAttempts with the items still unprocessed', async () => {
    const requests = puts(2);
    ddb.on(BatchWriteCommand).resolves({ UnprocessedItems: { Device: requests } });
    const error = await batchWriteAll('Device', requests, { maxAttempts: 3, sleep: async () => {} }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BatchWriteIncompleteError);
    expect((error as BatchWriteIncompleteError).unprocessed).toEqual(requests);
    expect(ddb.commandCalls(BatchWriteCommand)).toHaveLength(3);
  });

  it('sends nothing for no requests', async () => {
    await batchWriteAll('Device', []);
    expect(ddb.commandCalls(BatchWriteCommand)).toHaveLength(0);
  });
});

describe('conditionalPut', () => {
  beforeEach(() => ddb.reset());
  const params = { TableName: 'Device', Item: { id: 'd1' }, ConditionExpression: 'attribute_not_exists(id)' };

  it('returns true when the item was written', async () => {
    ddb.on(PutCommand).resolves({});
    await expect(conditionalPut(params)).resolves.toBe(true);
    expect(ddb.commandCalls(PutCommand)[0]?.args[0].input).toEqual(params);
  });

  it('returns false when the condition failed', async () => {
    ddb.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'failed', $metadata: {} }));
    await expect(conditionalPut(params)).resolves.toBe(false);
  });

  it('rethrows any other error', async () => {
    ddb.on(PutCommand).rejects(new Error('ProvisionedThroughputExceededException'));
    await expect(conditionalPut(params)).rejects.toThrow('ProvisionedThroughputExceededException');
  });
});
