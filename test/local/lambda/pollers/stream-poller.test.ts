import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { EventSourceMappingSpec, FunctionInvoker, InvokeResult } from '../../../../local/contracts';
import {
  createTables,
  type DynamoDbLocal,
  startDynamoDbLocal,
} from '../../../../local/dynamodb/dynamodb-local';
import {
  type StreamFailure,
  StreamPoller,
  streamsClient,
} from '../../../../local/lambda/pollers/stream-poller';
import { freePort } from '../../../../local/ports/free-port';

// A real DynamoDB Local stream; the function is a scripted stand-in so each Lambda rule can be seen.
let ddb: DynamoDbLocal;
let tableCount = 0;

beforeAll(async () => {
  ddb = await startDynamoDbLocal({ port: await freePort() });
}, 60_000);
afterAll(async () => ddb?.stop());

async function newTable(): Promise<string> {
  const tableName = `stream-test-${++tableCount}`;
  await createTables(ddb.client, [
    {
      logicalId: tableName,
      tableName,
      keySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      attributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      globalSecondaryIndexes: [],
      streamViewType: 'NEW_AND_OLD_IMAGES',
    },
  ]);
  return tableName;
}

type Batch = {
  Records: { eventName: string; dynamodb: { NewImage: { id: { S: string } }; SequenceNumber: string } }[];
};

function scriptedFunction(respond: (batch: Batch, call: number) => InvokeResult) {
  const calls: string[][] = [];
  const invoker: FunctionInvoker = {
    has: () => true,
    async invoke(_name, event) {
      const batch = event as Batch;
      calls.push(batch.Records.map((record) => record.dynamodb.NewImage.id.S));
      return respond(batch, calls.length);
    },
  };
  return { invoker, calls };
}

const ok = (result: unknown = null): InvokeResult => ({ ok: true, result, durationMs: 1 });
const crash = (): InvokeResult => ({
  ok: false,
  error: { errorType: 'Error', errorMessage: 'boom' },
  durationMs: 1,
});

async function poller(
  tableName: string,
  invoker: FunctionInvoker,
  overrides: Partial<EventSourceMappingSpec> = {},
  streams: DynamoDBStreamsClient = streamsClient(ddb.url),
  pollIntervalMs = 60_000,
) {
  const sent: { queue: string; body: string }[] = [];
  const failures: StreamFailure[] = [];
  const instance = new StreamPoller({
    mapping: {
      functionName: 'fn',
      source: { kind: 'dynamodb-stream', tableName },
      batchSize: 10,
      filterPatterns: [],
      reportBatchItemFailures: true,
      bisectBatchOnFunctionError: true,
      maximumRetryAttempts: 2,
      maximumRecordAgeInSeconds: 3600,
      onFailureQueueName: 'stream-failures',
      ...overrides,
    },
    dynamodb: ddb.client,
    streams,
    invoker,
    sendToQueue: async (queue, body) => {
      sent.push({ queue, body });
    },
    onFailure: (failure) => failures.push(failure),
    pollIntervalMs,
  });
  await instance.start();
  return { instance, sent, failures };
}

async function put(tableName: string, ids: string[], extra: Record<string, { S: string }> = {}) {
  for (const id of ids) {
    await ddb.client.send(new PutItemCommand({ TableName: tableName, Item: { id: { S: id }, ...extra } }));
  }
}

describe('the DynamoDB stream poller', () => {
  it('delivers new records in order, in batches no larger than the batch size', async () => {
    const table = await newTable();
    const fn = scriptedFunction(() => ok());
    const { instance } = await poller(table, fn.invoker, { batchSize: 2 });
    await put(table, ['a', 'b', 'c']);
    await instance.drain();
    expect(fn.calls).toEqual([['a', 'b'], ['c']]);
    await instance.stop();
  });

  it('does not invoke the function for records the filter leaves out', async () => {
    const table = await newTable();
    const fn = scriptedFunction(() => ok());
    const { instance } = await poller(table, fn.invoker, {
      filterPatterns: [JSON.stringify({ dynamodb: { NewImage: { kind: { S: ['TEXT'] } } } })],
    });
    await put(table, ['skip'], { kind: { S: 'SYSTEM' } });
    await put(table, ['keep'], { kind: { S: 'TEXT' } });
    await instance.drain();
    expect(fn.calls).toEqual([['keep']]);
    await instance.stop();
  });

  it('retries from the first record the function reported failed', async () => {
    const table = await newTable();
    const fn = scriptedFunction((batch, call) =>
      call === 1
        ? ok({ batchItemFailures: [{ itemIdentifier: batch.Records[1]!.dynamodb.SequenceNumber }] })
        : ok(),
    );
    const { instance } = await poller(table, fn.invoker);
    await put(table, ['a', 'b', 'c']);
    await instance.drain();
    expect(fn.calls).toEqual([
      ['a', 'b', 'c'],
      ['b', 'c'],
    ]);
    await instance.stop();
  });

  it('bisects a failing batch to isolate the poison record, then gives it up to the on-failure queue', async () => {
    const table = await newTable();
    const fn = scriptedFunction((batch) =>
      batch.Records.some((r) => r.dynamodb.NewImage.id.S === 'poison') ? crash() : ok(),
    );
    const { instance, sent, failures } = await poller(table, fn.invoker, { maximumRetryAttempts: 3 });
    await put(table, ['a', 'poison', 'c', 'd']);
    await instance.drain();
    expect(fn.calls[0]).toEqual(['a', 'poison', 'c', 'd']);
    expect(fn.calls).toContainEqual(['c', 'd']);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ reason: 'RetryAttemptsExhausted', batchSize: 1 });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.queue).toBe('stream-failures');
    expect(JSON.parse(sent[0]!.body)).toMatchObject({
      requestContext: { condition: 'RetryAttemptsExhausted' },
      DDBStreamBatchInfo: { batchSize: 1 },
    });
    await instance.stop();
  });

  it('gives up on records older than the maximum record age without invoking', async () => {
    const table = await newTable();
    const fn = scriptedFunction(() => ok());
    const { instance, failures } = await poller(table, fn.invoker, { maximumRecordAgeInSeconds: 60 });
    await put(table, ['old']);
    // Seen two minutes later: the record is too old to deliver.
    (instance as unknown as { options: { now: () => number } }).options.now = () => Date.now() + 120_000;
    await instance.drain();
    expect(fn.calls).toEqual([]);
    expect(failures).toMatchObject([{ reason: 'RecordAgeExceeded' }]);
    await instance.stop();
  });

  it('retries a failed batch no more than the retry limit', async () => {
    const table = await newTable();
    const fn = scriptedFunction(() => crash());
    const { instance, failures } = await poller(table, fn.invoker, {
      maximumRetryAttempts: 2,
      bisectBatchOnFunctionError: false,
    });
    await put(table, ['a']);
    await instance.drain();
    expect(fn.calls).toHaveLength(3);
    expect(failures).toHaveLength(1);
    await instance.stop();
  });

  it('stops quietly when the sandbox shuts down with a batch in flight and DynamoDB Local then goes', async () => {
    const table = await newTable();
    let release!: (result: InvokeResult) => void;
    const inFlight = new Promise<InvokeResult>((resolve) => (release = resolve));
    let invoked!: () => void;
    const called = new Promise<void>((resolve) => (invoked = resolve));
    const calls: unknown[] = [];
    const invoker: FunctionInvoker = {
      has: () => true,
      invoke(_name, event) {
        calls.push(event);
        invoked();
        return inFlight;
      },
    };
    // The engine as the poller sees it: refused connections once DynamoDB Local has exited.
    const real = streamsClient(ddb.url);
    let engineGone = false;
    const streams = {
      send: (command: Parameters<DynamoDBStreamsClient['send']>[0]) =>
        engineGone
          ? Promise.reject(
              Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8706'), { code: 'ECONNREFUSED' }),
            )
          : real.send(command),
    } as unknown as DynamoDBStreamsClient;
    const printed = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const { instance, sent, failures } = await poller(table, invoker, {}, streams, 10);
      await put(table, ['a', 'b']);
      await called;
      const stopping = instance.stop();
      engineGone = true;
      // The shutdown ended the worker: the invocation comes back failed.
      release(crash());
      await stopping;
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(calls).toHaveLength(1);
      expect(failures).toEqual([]);
      expect(sent).toEqual([]);
      expect(printed).not.toHaveBeenCalled();
    } finally {
      printed.mockRestore();
    }
  });
});
