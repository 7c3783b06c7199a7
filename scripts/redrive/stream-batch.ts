import { type _Record, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import { matchesAnyPattern } from '../../local/lambda/pollers/event-filter';
import type { RedriveTarget } from './failure-stores';

/**
 * The two kinds of message on `stream-failures`:
 * - Lambda's on-failure record for a DynamoDB stream mapping: batch metadata only
 *   (`requestContext.functionArn`, `DDBStreamBatchInfo` with the stream, shard and sequence
 *   numbers); the records themselves are read from the stream again;
 * - a record a stream consumer parked itself: `{ record, functionName | functionArn, reason }`
 *   (the function may also be named by a `functionName` message attribute).
 */
export type StreamFailureMessage =
  | {
      kind: 'batch';
      functionArn: string;
      condition?: string;
      streamArn: string;
      shardId: string;
      startSequenceNumber: string;
      endSequenceNumber: string;
    }
  | { kind: 'record'; functionArn: string; record: unknown };

/** Stream records live 24 hours in DynamoDB Streams: a batch older than that cannot be re-read. */
const RETENTION_NOTE = 'DynamoDB keeps stream records for 24 hours';

export function parseStreamFailure(body: string, attributes: Record<string, string>): StreamFailureMessage {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(body) as Record<string, unknown>;
  } catch {
    throw new Error('the message is not JSON: neither an on-failure record nor a parked record');
  }
  const info = parsed.DDBStreamBatchInfo as Record<string, unknown> | undefined;
  const context = parsed.requestContext as Record<string, unknown> | undefined;
  if (info && typeof context?.functionArn === 'string') {
    const { streamArn, shardId, startSequenceNumber, endSequenceNumber } = info;
    if (
      typeof streamArn !== 'string' ||
      typeof shardId !== 'string' ||
      typeof startSequenceNumber !== 'string' ||
      typeof endSequenceNumber !== 'string'
    ) {
      throw new Error('the on-failure record lacks the stream, shard or sequence numbers');
    }
    return {
      kind: 'batch',
      functionArn: context.functionArn,
      ...(typeof context.condition === 'string' ? { condition: context.condition } : {}),
      streamArn,
      shardId,
      startSequenceNumber,
      endSequenceNumber,
    };
  }
  const record = parsed.record as { dynamodb?: unknown } | undefined;
  if (record && typeof record === 'object' && record.dynamodb) {
    const functionArn =
      [parsed.functionArn, parsed.functionName, attributes.functionArn, attributes.functionName].find(
        (value): value is string => typeof value === 'string' && value.length > 0,
      ) ?? '';
    if (!functionArn) throw new Error('the parked record names no function to replay it to');
    return { kind: 'record', functionArn, record };
  }
  throw new Error('neither an on-failure record (DDBStreamBatchInfo) nor a parked record (record)');
}

/** The records to replay, in the Lambda event's shape, filtered as the mapping filters them. */
export async function readStreamBatch(
  target: RedriveTarget,
  failure: StreamFailureMessage,
): Promise<unknown[]> {
  if (failure.kind === 'record') return [failure.record];
  const streamArn = await target.streamArn(failure.streamArn);
  const start = BigInt(failure.startSequenceNumber);
  const end = BigInt(failure.endSequenceNumber);
  let iterator: string | undefined;
  try {
    iterator = (
      await target.streams.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: failure.shardId,
          ShardIteratorType: 'AT_SEQUENCE_NUMBER',
          SequenceNumber: failure.startSequenceNumber,
        }),
      )
    ).ShardIterator;
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'TrimmedDataAccessException' || name === 'ResourceNotFoundException') {
      throw new Error(`the batch's records are gone from the stream (${name}; ${RETENTION_NOTE})`);
    }
    throw error;
  }
  const records: _Record[] = [];
  let emptyPages = 0;
  while (iterator && emptyPages < 5) {
    const page = await target.streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
    const fresh = page.Records ?? [];
    emptyPages = fresh.length === 0 ? emptyPages + 1 : 0;
    const inRange = fresh.filter((record) => BigInt(record.dynamodb?.SequenceNumber ?? '0') <= end);
    records.push(...inRange);
    if (inRange.length < fresh.length) break;
    iterator = page.NextShardIterator;
  }
  if (BigInt(records[0]?.dynamodb?.SequenceNumber ?? '-1') !== start) {
    throw new Error(
      `the batch's first record ${failure.startSequenceNumber} is gone from the stream (${RETENTION_NOTE})`,
    );
  }
  const patterns = await target.filterPatterns(failure.functionArn, streamArn);
  return records
    .map((record) => lambdaRecord(record, failure.streamArn))
    .filter((record) => matchesAnyPattern(record, patterns));
}

/** A stream record as Lambda hands it to a function (DynamoDBRecord of @types/aws-lambda). */
function lambdaRecord(record: _Record, streamArn: string): Record<string, unknown> {
  const created = record.dynamodb?.ApproximateCreationDateTime;
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: record.awsRegion,
    dynamodb: {
      ...record.dynamodb,
      ApproximateCreationDateTime: created instanceof Date ? Math.floor(created.getTime() / 1000) : created,
    },
    eventSourceARN: streamArn,
  };
}
