import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  type BatchWriteCommandInput,
  DynamoDBDocumentClient,
  PutCommand,
  type PutCommandInput,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';

/** The function's DynamoDB client; undefined attributes are dropped rather than refused. */
export const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
});

/** DynamoDB refuses a BatchWriteItem of more than 25 requests. */
export const BATCH_WRITE_LIMIT = 25;

export type TableWriteRequest = NonNullable<BatchWriteCommandInput['RequestItems']>[string][number];

/** Every item a query matches (up to `limit`), following LastEvaluatedKey page by page. */
export async function queryAll<T = Record<string, unknown>>(
  params: QueryCommandInput,
  options: { limit?: number; client?: DynamoDBDocumentClient } = {},
): Promise<T[]> {
  const client = options.client ?? documentClient;
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const items: T[] = [];
  let exclusiveStartKey = params.ExclusiveStartKey;
  do {
    const page = await client.send(new QueryCommand({ ...params, ExclusiveStartKey: exclusiveStartKey }));
    items.push(...((page.Items ?? []) as T[]));
    exclusiveStartKey = page.LastEvaluatedKey;
  } while (exclusiveStartKey && items.length < limit);
  return items.slice(0, limit);
}

export class BatchWriteIncompleteError extends Error {
  constructor(
    readonly tableName: string,
    readonly unprocessed: TableWriteRequest[],
  ) {
    super(`${unprocessed.length} write(s) to ${tableName} were still unprocessed after retries`);
    this.name = 'BatchWriteIncompleteError';
  }
}

export interface BatchWriteOptions {
  client?: DynamoDBDocumentClient;
  /** Attempts per chunk, including the first. */
  maxAttempts?: number;
  baseDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Writes any number of put/delete requests in chunks of 25, retrying UnprocessedItems with
 * exponential backoff; throws BatchWriteIncompleteError if some are still unprocessed.
 */
export async function batchWriteAll(
  tableName: string,
  requests: readonly TableWriteRequest[],
  options: BatchWriteOptions = {},
): Promise<void> {
  const client = options.client ?? documentClient;
  const maxAttempts = options.maxAttempts ?? 5;
  const baseDelayMs = options.baseDelayMs ?? 50;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let start = 0; start < requests.length; start += BATCH_WRITE_LIMIT) {
    let pending = requests.slice(start, start + BATCH_WRITE_LIMIT);
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > maxAttempts) throw new BatchWriteIncompleteError(tableName, pending);
      if (attempt > 1) await sleep(baseDelayMs * 2 ** (attempt - 2));
      const result = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
      pending = result.UnprocessedItems?.[tableName] ?? [];
    }
  }
}

/** A put guarded by a ConditionExpression: false when the condition failed, instead of throwing. */
export async function conditionalPut(
  params: PutCommandInput & { ConditionExpression: string },
  options: { client?: DynamoDBDocumentClient } = {},
): Promise<boolean> {
  try {
    await (options.client ?? documentClient).send(new PutCommand(params));
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw error;
  }
}

/** A write refused because its ConditionExpression did not hold. */
export function isConditionalCheckFailed(error: unknown): boolean {
  return (
    error instanceof ConditionalCheckFailedException ||
    (error as Error | undefined)?.name === 'ConditionalCheckFailedException'
  );
}
