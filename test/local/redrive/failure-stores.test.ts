import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventSourceMappingSpec, FunctionInvoker, InvokeResult } from '../../../local/contracts';
import { createTables, type DynamoDbLocal, startDynamoDbLocal } from '../../../local/dynamodb/dynamodb-local';
import { type AwsGateway, startAwsGateway } from '../../../local/gateway/gateway';
import { localFailureStores } from '../../../local/inbox/failure-stores';
import { StreamPoller, streamsClient } from '../../../local/lambda/pollers/stream-poller';
import { freePort } from '../../../local/ports/free-port';
import {
  type DeadLetterRedriveReport,
  RedriveError,
  redrive,
  type StreamFailureReplayReport,
} from '../../../scripts/redrive/failure-stores';
import { localRedriveTarget } from '../../../scripts/redrive/local-target';

// Real engines (DynamoDB Local and its stream, the local SQS); the stream consumer is a scripted
// stand-in that fails on "poison" until it is told the cause is fixed.
let ddb: DynamoDbLocal;
let gateway: AwsGateway;
let tableCount = 0;

const STREAM_FAILURES = 'sandbox-local-stream-failures';

beforeAll(async () => {
  [ddb, gateway] = await Promise.all([
    startDynamoDbLocal({ port: await freePort() }),
    startAwsGateway({ port: 0 }),
  ]);
  gateway.sqs.createQueue(STREAM_FAILURES);
  gateway.sqs.createQueue('sandbox-local-push-dlq');
  gateway.sqs.createQueue('sandbox-local-push', {
    redrive: { deadLetterQueueName: 'sandbox-local-push-dlq', maxReceiveCount: 1 },
  });
}, 60_000);
afterAll(async () => {
  await gateway?.close();
  await ddb?.stop();
});

type Batch = {
  Records: { eventName: string; eventSourceARN: string; dynamodb: { NewImage: { id: { S: string } } } }[];
};

function consumer() {
  const calls: string[][] = [];
  const state = { fixed: false };
  const invoker: FunctionInvoker = {
    has: () => true,
    async invoke(_name, event): Promise<InvokeResult> {
      const batch = event as Batch;
      calls.push(batch.Records.map((record) => record.dynamodb.NewImage.id.S));
      const poisoned = batch.Records.some((record) => record.dynamodb.NewImage.id.S.startsWith('poison'));
      return poisoned && !state.fixed
        ? { ok: false, error: { errorType: 'Error', errorMessage: 'Legacy API 503' }, durationMs: 1 }
        : { ok: true, result: { batchItemFailures: [] }, durationMs: 1 };
    },
  };
  return { invoker, calls, state };
}

async function streamWithFailures(filterPatterns: string[] = []) {
  const tableName = `redrive-test-${++tableCount}`;
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
  const fn = consumer();
  const mapping: EventSourceMappingSpec = {
    functionName: `consumer-${tableCount}`,
    source: { kind: 'dynamodb-stream', tableName },
    batchSize: 10,
    filterPatterns,
    reportBatchItemFailures: true,
    bisectBatchOnFunctionError: false,
    maximumRetryAttempts: 0,
    maximumRecordAgeInSeconds: 3600,
    onFailureQueueName: STREAM_FAILURES,
  };
  const poller = new StreamPoller({
    mapping,
    dynamodb: ddb.client,
    streams: streamsClient(ddb.url),
    invoker: fn.invoker,
    sendToQueue: async (queue, body) => {
      gateway.sqs.send(queue, body);
    },
    pollIntervalMs: 60_000,
  });
  await poller.start();
  const target = localRedriveTarget({
    awsUrl: gateway.url,
    dynamodbUrl: ddb.url,
    invoker: fn.invoker,
    mappings: [mapping],
  });
  const put = async (id: string, kind = 'TEXT') =>
    ddb.client.send(new PutItemCommand({ TableName: tableName, Item: { id: { S: id }, kind: { S: kind } } }));
  return { fn, poller, target, put };
}

describe('redriving the failure stores against the local sandbox', () => {
  it('replays a stream batch that gave up by re-reading its records from the stream, then deletes the failure record', async () => {
    gateway.sqs.purge(STREAM_FAILURES);
    const { fn, poller, target, put } = await streamWithFailures();
    await put('poison-1');
    await put('poison-2');
    await poller.drain();
    await poller.stop();
    expect(fn.calls).toEqual([['poison-1', 'poison-2']]);
    const [failure] = gateway.sqs.listMessages(STREAM_FAILURES);
    expect(JSON.parse(failure!.body).DDBStreamBatchInfo.shardId).toMatch(/^shardId-/);

    const dryRun = (await redrive(target, 'stream-failures', { dryRun: true })) as StreamFailureReplayReport;
    expect(dryRun.results).toMatchObject([{ outcome: 'would-replay', records: 2 }]);
    expect(fn.calls).toHaveLength(1);
    expect(gateway.sqs.listMessages(STREAM_FAILURES)).toHaveLength(1);

    // Still failing: the failure record stays, visible for the next attempt.
    const stillFailing = (await redrive(target, 'stream-failures')) as StreamFailureReplayReport;
    expect(stillFailing.results).toMatchObject([{ outcome: 'failed', reason: 'Error: Legacy API 503' }]);
    expect(gateway.sqs.listMessages(STREAM_FAILURES).map((message) => message.state)).toEqual(['visible']);

    fn.state.fixed = true;
    const replayed = (await redrive(target, 'stream-failures')) as StreamFailureReplayReport;
    expect(replayed.results).toMatchObject([
      { outcome: 'replayed', records: 2, functionArn: expect.stringContaining(':function:consumer-') },
    ]);
    expect(fn.calls.at(-1)).toEqual(['poison-1', 'poison-2']);
    expect(gateway.sqs.listMessages(STREAM_FAILURES)).toEqual([]);
  });

  it('replays only the records of the batch that the mapping’s filter lets through', async () => {
    gateway.sqs.purge(STREAM_FAILURES);
    const { fn, poller, target, put } = await streamWithFailures([
      JSON.stringify({ dynamodb: { NewImage: { kind: { S: ['TEXT'] } } } }),
    ]);
    await put('poison-a');
    await put('skipped', 'SYSTEM');
    await put('poison-b');
    await poller.drain();
    await poller.stop();
    expect(fn.calls).toEqual([['poison-a', 'poison-b']]);

    fn.state.fixed = true;
    await redrive(target, 'stream-failures');
    expect(fn.calls.at(-1)).toEqual(['poison-a', 'poison-b']);
  });

  it('replays a record a consumer parked with the record itself, to the function it names', async () => {
    gateway.sqs.purge(STREAM_FAILURES);
    const { fn, target } = await streamWithFailures();
    const record = {
      eventName: 'INSERT',
      dynamodb: { NewImage: { id: { S: 'parked-1' } }, SequenceNumber: '1' },
    };
    gateway.sqs.send(STREAM_FAILURES, JSON.stringify({ record, reason: 'Legacy API 404' }), {
      messageAttributes: {
        functionName: { DataType: 'String', StringValue: `consumer-${tableCount}` },
        reason: { DataType: 'String', StringValue: 'Legacy API 404' },
      },
    });

    const report = (await redrive(target, 'stream-failures')) as StreamFailureReplayReport;

    expect(report.results).toMatchObject([
      { outcome: 'replayed', records: 1, attributes: { reason: 'Legacy API 404' } },
    ]);
    expect(fn.calls).toEqual([['parked-1']]);
    expect(gateway.sqs.listMessages(STREAM_FAILURES)).toEqual([]);
  });

  it('keeps a stream-failures message it cannot read, and says why', async () => {
    gateway.sqs.purge(STREAM_FAILURES);
    const { target } = await streamWithFailures();
    gateway.sqs.send(STREAM_FAILURES, '{"something":"else"}');
    const report = (await redrive(target, 'stream-failures')) as StreamFailureReplayReport;
    expect(report.results).toMatchObject([{ outcome: 'failed', reason: expect.stringContaining('neither') }]);
    expect(gateway.sqs.listMessages(STREAM_FAILURES)).toHaveLength(1);
  });

  it('lists a DLQ’s messages with their reason attributes on a dry run, then moves them back to their work queue', async () => {
    const { target } = await streamWithFailures();
    gateway.sqs.send('sandbox-local-push-dlq', '{"userId":"u-1"}', {
      messageAttributes: {
        failureClass: { DataType: 'String', StringValue: 'park' },
        status: { DataType: 'Number', StringValue: '404' },
        reason: { DataType: 'String', StringValue: 'Legacy API answered 404' },
      },
    });
    const stores = localFailureStores(gateway.sqs, target);
    expect(stores.list().map((store) => [store.base, store.kind, store.destination])).toEqual([
      ['push-dlq', 'dead-letter-queue', 'sandbox-local-push'],
      ['stream-failures', 'stream-failures', undefined],
    ]);

    const dryRun = (await stores.redrive('push-dlq', { dryRun: true })) as DeadLetterRedriveReport;
    expect(dryRun).toMatchObject({
      queue: 'sandbox-local-push-dlq',
      destination: 'sandbox-local-push',
      count: 1,
    });
    expect(dryRun.messages).toMatchObject([
      {
        attributes: { failureClass: 'park', status: '404', reason: 'Legacy API answered 404' },
        body: { userId: 'u-1' },
      },
    ]);
    expect(gateway.sqs.listMessages('sandbox-local-push-dlq')).toHaveLength(1);
    expect(gateway.sqs.listMessages('sandbox-local-push')).toEqual([]);

    const moved = (await stores.redrive('push-dlq', { dryRun: false })) as DeadLetterRedriveReport;
    expect(moved.task).toMatchObject({ status: 'COMPLETED', moved: 1, toMove: 1 });
    expect(gateway.sqs.listMessages('sandbox-local-push-dlq')).toEqual([]);
    expect(gateway.sqs.listMessages('sandbox-local-push').map((message) => message.body)).toEqual([
      '{"userId":"u-1"}',
    ]);
    gateway.sqs.purge('sandbox-local-push');
  });

  it('reports a move task that is still running, and refuses a second redrive while it runs', async () => {
    const { target } = await streamWithFailures();
    gateway.sqs.send('sandbox-local-push-dlq', '{"userId":"u-2"}');
    // Held by someone looking at it: the task waits until it is visible again.
    await gateway.sqs.receive('sandbox-local-push-dlq', { visibilityTimeoutSeconds: 60 });

    const first = (await redrive(target, 'push-dlq', { waitMs: 100 })) as DeadLetterRedriveReport;
    expect(first.task).toMatchObject({ status: 'RUNNING', moved: 0, toMove: 1 });
    await expect(redrive(target, 'push-dlq')).rejects.toThrow(/cannot be redriven now/);
    gateway.sqs.purge('sandbox-local-push-dlq');
  });

  it('refuses a name that is no failure store, and a DLQ no work queue redrives into', async () => {
    const { target } = await streamWithFailures();
    await expect(redrive(target, 'push')).rejects.toBeInstanceOf(RedriveError);
    await expect(redrive(target, 'notice-dlq')).rejects.toThrow(/No queue named sandbox-local-notice-dlq/);
  });
});
