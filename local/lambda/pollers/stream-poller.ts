import { randomUUID } from 'node:crypto';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import {
  type EventSourceMappingSpec,
  type FunctionInvoker,
  LOCAL_ACCOUNT,
  LOCAL_REGION,
} from '../../contracts';
import { localEngineClientConfig } from '../../dynamodb/engine-client';
import { matchesAnyPattern } from './event-filter';

/**
 * A DynamoDB stream event source mapping, with Lambda's semantics: records in order per
 * shard, filters, batch size, partial batch responses, bisect on error, bounded retries,
 * a maximum record age, and the on-failure destination when a batch is given up.
 */

export interface StreamFailure {
  functionName: string;
  tableName: string;
  reason: 'RetryAttemptsExhausted' | 'RecordAgeExceeded';
  batchSize: number;
  startSequenceNumber: string;
  endSequenceNumber: string;
  error?: string;
}

export interface StreamPollerOptions {
  mapping: EventSourceMappingSpec;
  dynamodb: DynamoDBClient;
  streams: DynamoDBStreamsClient;
  invoker: FunctionInvoker;
  /** Sends the failure record to the mapping's on-failure queue. */
  sendToQueue: (queueName: string, body: string) => Promise<void>;
  onFailure?: (failure: StreamFailure) => void;
  /** Between polls of the stream (default 250 ms: Lambda polls each shard 4 times a second). */
  pollIntervalMs?: number;
  /** Between looks for new shards while every known shard is open (default 5 s). */
  shardRefreshMs?: number;
  now?: () => number;
}

interface ShardState {
  shardId: string;
  iterator?: string;
  /** Records read but not yet delivered (a retry re-delivers them). */
  pending: StreamRecord[];
  closed: boolean;
  /** The last record read, to pick up after it when an iterator has to be renewed. */
  lastSequenceNumber?: string;
}

function lambdaRecord(record: StreamRecord, streamArn: string): Record<string, unknown> {
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: LOCAL_REGION,
    dynamodb: {
      ...record.dynamodb,
      ApproximateCreationDateTime:
        record.dynamodb?.ApproximateCreationDateTime instanceof Date
          ? Math.floor(record.dynamodb.ApproximateCreationDateTime.getTime() / 1000)
          : record.dynamodb?.ApproximateCreationDateTime,
    },
    eventSourceARN: streamArn,
  };
}

export class StreamPoller {
  private shards = new Map<string, ShardState>();
  private timer?: NodeJS.Timeout;
  private running = false;
  private streamArn?: string;
  private localStreamArn: string;
  private idle?: Promise<void>;
  private startedAtMs = 0;
  private shardsRefreshedAt = 0;
  /** A shard ran out since the stream was last described: its children may be there now. */
  private shardClosed = false;
  /** Set by stop(): the sandbox is shutting down, and DynamoDB Local may already be gone. */
  private stopping = false;

  constructor(private readonly options: StreamPollerOptions) {
    const table = this.tableName;
    // Functions see the stream ARN a deploy would have, in the sandbox's account.
    this.localStreamArn = `arn:aws:dynamodb:${LOCAL_REGION}:${LOCAL_ACCOUNT}:table/${table}/stream/local`;
  }

  get tableName(): string {
    const source = this.options.mapping.source;
    if (source.kind !== 'dynamodb-stream') throw new Error('StreamPoller needs a DynamoDB stream source');
    return source.tableName;
  }

  async start(): Promise<void> {
    const table = await this.options.dynamodb.send(new DescribeTableCommand({ TableName: this.tableName }));
    this.streamArn = table.Table?.LatestStreamArn;
    if (!this.streamArn) throw new Error(`Table ${this.tableName} has no stream`);
    // Whole minutes: DynamoDB Local stamps ApproximateCreationDateTime rounded down to the minute,
    // so a finer start would drop the records a table gets in the sandbox's first minute. Records
    // of the minute before the start can come through once more on a --persist restart; handlers
    // are idempotent, losing records is not.
    this.startedAtMs = Math.floor(Date.now() / 60_000) * 60_000;
    await this.refreshShards('LATEST');
    this.running = true;
    this.schedule();
  }

  /** Takes no new batch and retries nothing; resolves when the batch in flight has returned. */
  async stop(): Promise<void> {
    this.running = false;
    this.stopping = true;
    clearTimeout(this.timer);
    await this.idle;
  }

  /** Polls until every record written so far has been handled; for tests and benchmarks. */
  async drain(): Promise<void> {
    this.shardsRefreshedAt = 0;
    for (let round = 0; round < 50; round++) {
      const delivered = await this.pollOnce();
      if (!delivered && [...this.shards.values()].every((shard) => shard.pending.length === 0)) return;
    }
  }

  private schedule(): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.idle = this.pollOnce()
        .catch((error) => {
          // An engine gone while the sandbox stops is the shutdown, not an error worth a line.
          if (this.stopping) return;
          console.error(`[stream ${this.tableName} → ${this.options.mapping.functionName}]`, error);
        })
        .then(() => this.schedule());
    }, this.options.pollIntervalMs ?? 250);
  }

  /**
   * New shards appear when one closes (its iterator runs out), so the stream is described again
   * then, or after `shardRefreshMs`, not on every poll: profiled in a 16-user chat run, eight
   * pollers describing their streams ten times a second were a large share of the sandbox's
   * AWS SDK work (signing, serializing) on the main thread and of DynamoDB Local's CPU.
   */
  private shardsMayHaveChanged(): boolean {
    if (Date.now() - this.shardsRefreshedAt >= (this.options.shardRefreshMs ?? 5000)) return true;
    return this.shards.size === 0 || this.shardClosed;
  }

  private async refreshShards(position: 'LATEST' | 'TRIM_HORIZON'): Promise<void> {
    this.shardsRefreshedAt = Date.now();
    this.shardClosed = false;
    const description = await this.options.streams.send(
      new DescribeStreamCommand({ StreamArn: this.streamArn }),
    );
    for (const shard of description.StreamDescription?.Shards ?? []) {
      if (!shard.ShardId || this.shards.has(shard.ShardId)) continue;
      const open = !shard.SequenceNumberRange?.EndingSequenceNumber;
      // At start only open shards matter; shards that appear later are read from their start.
      if (position === 'LATEST' && !open) continue;
      const iterator = await this.options.streams.send(
        new GetShardIteratorCommand({
          StreamArn: this.streamArn,
          ShardId: shard.ShardId,
          ShardIteratorType: position,
        }),
      );
      this.shards.set(shard.ShardId, {
        shardId: shard.ShardId,
        iterator: iterator.ShardIterator,
        pending: [],
        closed: false,
      });
    }
  }

  /** One round over every shard; true when something was delivered. */
  private async pollOnce(): Promise<boolean> {
    if (this.stopping) return false;
    if (this.shardsMayHaveChanged()) await this.refreshShards('TRIM_HORIZON');
    let delivered = false;
    for (const shard of this.shards.values()) {
      if (this.stopping) break;
      if (shard.pending.length === 0 && shard.iterator && !shard.closed) {
        const response = await this.readShard(shard);
        const records = response.Records ?? [];
        shard.pending.push(...records);
        if (records.length > 0) shard.lastSequenceNumber = records.at(-1)!.dynamodb?.SequenceNumber;
        shard.iterator = response.NextShardIterator;
        if (!shard.iterator) {
          shard.closed = true;
          this.shardClosed = true;
        }
      }
      while (shard.pending.length > 0 && !this.stopping) {
        delivered = true;
        await this.deliverNextBatch(shard);
      }
    }
    return delivered;
  }

  /**
   * DynamoDB Local sometimes refuses an idle LATEST iterator as trimmed; a new one picks up after
   * the last record read (or from the oldest record newer than the poller's start).
   */
  private async readShard(shard: ShardState) {
    try {
      return await this.options.streams.send(
        new GetRecordsCommand({ ShardIterator: shard.iterator, Limit: 1000 }),
      );
    } catch (error) {
      const name = (error as { name?: string }).name;
      if (name !== 'TrimmedDataAccessException' && name !== 'ExpiredIteratorException') throw error;
      const renewed = await this.options.streams.send(
        new GetShardIteratorCommand({
          StreamArn: this.streamArn,
          ShardId: shard.shardId,
          ...(shard.lastSequenceNumber
            ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: shard.lastSequenceNumber }
            : { ShardIteratorType: 'TRIM_HORIZON' }),
        }),
      );
      const response = await this.options.streams.send(
        new GetRecordsCommand({ ShardIterator: renewed.ShardIterator, Limit: 1000 }),
      );
      if (shard.lastSequenceNumber) return response;
      // From the oldest record: keep only what was written after the poller started (its LATEST).
      const since = this.startedAtMs;
      return {
        ...response,
        Records: (response.Records ?? []).filter((record) => this.createdMs(record) >= since),
      };
    }
  }

  private createdMs(record: StreamRecord): number {
    const created = record.dynamodb?.ApproximateCreationDateTime;
    return created instanceof Date ? created.getTime() : Number(created ?? 0) * 1000;
  }

  private async deliverNextBatch(shard: ShardState): Promise<void> {
    const { mapping } = this.options;
    const records = shard.pending.map((record) => lambdaRecord(record, this.localStreamArn));
    // Filtered-out records count as processed, as with Lambda.
    const batch: { record: Record<string, unknown>; raw: StreamRecord }[] = [];
    let consumed = 0;
    for (const [index, record] of records.entries()) {
      if (batch.length >= mapping.batchSize) break;
      consumed = index + 1;
      if (matchesAnyPattern(record, mapping.filterPatterns))
        batch.push({ record, raw: shard.pending[index]! });
    }
    if (batch.length === 0) {
      shard.pending.splice(0, consumed);
      return;
    }
    const finished = await this.processWithRetries(batch, shard.shardId);
    // Everything up to the batch's last record is done: delivered, filtered out or given up.
    if (finished) shard.pending.splice(0, consumed);
  }

  /**
   * Delivers a batch until it succeeds or is given up: true when nothing of it is left, false
   * when the sandbox stopped first (the rest is neither retried nor given up, as a disabled
   * mapping leaves it).
   */
  private async processWithRetries(
    batch: { record: Record<string, unknown>; raw: StreamRecord }[],
    shardId: string,
  ): Promise<boolean> {
    const { mapping } = this.options;
    const queue: { items: typeof batch; attempts: number }[] = [{ items: batch, attempts: 0 }];
    while (queue.length > 0) {
      if (this.stopping) return false;
      const current = queue.shift()!;
      const oldest = this.ageSeconds(current.items[0]!.raw);
      if (mapping.maximumRecordAgeInSeconds > 0 && oldest > mapping.maximumRecordAgeInSeconds) {
        await this.giveUp(current.items, shardId, 'RecordAgeExceeded');
        continue;
      }
      const result = await this.options.invoker.invoke(mapping.functionName, {
        Records: current.items.map((item) => item.record),
      });
      // A function stopped by the shutdown did not fail: nothing of this batch is given up.
      if (this.stopping && !result.ok) return false;
      let failedFrom = -1;
      let error: string | undefined;
      if (!result.ok) {
        failedFrom = 0;
        error = `${result.error?.errorType}: ${result.error?.errorMessage}`;
      } else if (mapping.reportBatchItemFailures) {
        failedFrom = this.firstReportedFailure(current.items, result.result);
        if (failedFrom >= 0) error = 'ReportBatchItemFailures';
      }
      if (failedFrom < 0) continue;

      const failed = current.items.slice(failedFrom);
      const exhausted = mapping.maximumRetryAttempts >= 0 && current.attempts >= mapping.maximumRetryAttempts;
      if (exhausted) {
        await this.giveUp(failed, shardId, 'RetryAttemptsExhausted', error);
        continue;
      }
      if (!result.ok && mapping.bisectBatchOnFunctionError && failed.length > 1) {
        const middle = Math.ceil(failed.length / 2);
        queue.unshift(
          { items: failed.slice(0, middle), attempts: current.attempts + 1 },
          { items: failed.slice(middle), attempts: current.attempts + 1 },
        );
      } else {
        queue.unshift({ items: failed, attempts: current.attempts + 1 });
      }
      // Lambda backs off between retries of a stream batch.
      await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 50 * 2 ** current.attempts)));
    }
    return true;
  }

  /** The index of the first record the function reported failed, -1 for none. */
  private firstReportedFailure(items: { raw: StreamRecord }[], response: unknown): number {
    const failures = (response as { batchItemFailures?: { itemIdentifier?: string }[] } | null)
      ?.batchItemFailures;
    if (!Array.isArray(failures) || failures.length === 0) return -1;
    const indexes = failures.map((failure) =>
      items.findIndex((item) => item.raw.dynamodb?.SequenceNumber === failure.itemIdentifier),
    );
    // An identifier that names no record of the batch fails the whole batch, as in Lambda.
    if (indexes.some((index) => index < 0)) return 0;
    return Math.min(...indexes);
  }

  private ageSeconds(record: StreamRecord): number {
    const created = record.dynamodb?.ApproximateCreationDateTime;
    const createdMs = created instanceof Date ? created.getTime() : Number(created ?? 0) * 1000;
    return ((this.options.now ?? Date.now)() - createdMs) / 1000;
  }

  private async giveUp(
    items: { raw: StreamRecord }[],
    shardId: string,
    reason: StreamFailure['reason'],
    error?: string,
  ): Promise<void> {
    const { mapping } = this.options;
    const failure: StreamFailure = {
      functionName: mapping.functionName,
      tableName: this.tableName,
      reason,
      batchSize: items.length,
      startSequenceNumber: String(items[0]!.raw.dynamodb?.SequenceNumber),
      endSequenceNumber: String(items.at(-1)!.raw.dynamodb?.SequenceNumber),
      ...(error ? { error } : {}),
    };
    this.options.onFailure?.(failure);
    if (!mapping.onFailureQueueName) return;
    // The record Lambda sends to an on-failure destination for a stream source; the shard and
    // sequence numbers are real, so `npm run redrive -- stream-failures` can read the batch again.
    const body = {
      requestContext: {
        requestId: randomUUID(),
        functionArn: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${mapping.functionName}`,
        condition: reason,
        approximateInvokeCount: mapping.maximumRetryAttempts + 1,
      },
      responseContext: {
        statusCode: 200,
        executedVersion: '$LATEST',
        functionError: error ? 'Unhandled' : undefined,
      },
      version: '1.0',
      timestamp: new Date().toISOString(),
      DDBStreamBatchInfo: {
        shardId,
        startSequenceNumber: failure.startSequenceNumber,
        endSequenceNumber: failure.endSequenceNumber,
        approximateArrivalOfFirstRecord: new Date(this.createdMs(items[0]!.raw)).toISOString(),
        approximateArrivalOfLastRecord: new Date(this.createdMs(items.at(-1)!.raw)).toISOString(),
        batchSize: items.length,
        streamArn: this.localStreamArn,
      },
    };
    await this.options.sendToQueue(mapping.onFailureQueueName, JSON.stringify(body));
  }
}

export function streamsClient(endpoint: string): DynamoDBStreamsClient {
  return new DynamoDBStreamsClient(localEngineClientConfig(endpoint));
}
