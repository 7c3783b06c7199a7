import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchWriteAll, documentClient } from '../shared/dynamo';

/**
 * Which trades earlier runs saved: one record per saved trade in the idempotency table
 * (`rtx:<sha256 of the trade key>`), written only after the Legacy API accepted the trade and
 * expiring through the table's TTL. A run reads them first and sends only the others, so a run
 * over months already crawled sends nothing.
 */

/** Longer than a trade stays in the crawled months (this month and the previous one). */
export const FINGERPRINT_TTL_SECONDS = 120 * 24 * 60 * 60;
/** DynamoDB refuses a BatchGetItem of more than 100 keys. */
const BATCH_GET_LIMIT = 100;

export interface FingerprintStore {
  /** The ids among `ids` that are recorded. */
  seen(ids: readonly string[]): Promise<Set<string>>;
  remember(ids: readonly string[], now: Date): Promise<void>;
}

export class FingerprintReadIncompleteError extends Error {
  constructor(readonly unprocessed: number) {
    super(`${unprocessed} trade fingerprint read(s) were still unprocessed after retries`);
    this.name = 'FingerprintReadIncompleteError';
  }
}

export interface FingerprintStoreOptions {
  tableName: () => string;
  client?: DynamoDBDocumentClient;
  maxAttempts?: number;
  baseDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export function fingerprintStore(options: FingerprintStoreOptions): FingerprintStore {
  const client = options.client ?? documentClient;
  const maxAttempts = options.maxAttempts ?? 5;
  const baseDelayMs = options.baseDelayMs ?? 50;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  return {
    async seen(ids) {
      const tableName = options.tableName();
      const unique = [...new Set(ids)];
      const found = new Set<string>();
      for (let start = 0; start < unique.length; start += BATCH_GET_LIMIT) {
        let keys: Record<string, unknown>[] = unique
          .slice(start, start + BATCH_GET_LIMIT)
          .map((id) => ({ id }));
        for (let attempt = 1; keys.length > 0; attempt += 1) {
          if (attempt > maxAttempts) throw new FingerprintReadIncompleteError(keys.length);
          if (attempt > 1) await sleep(baseDelayMs * 2 ** (attempt - 2));
          const result = await client.send(
            new BatchGetCommand({
              RequestItems: {
                [tableName]: {
                  Keys: keys,
                  ProjectionExpression: '#id',
                  ExpressionAttributeNames: { '#id': 'id' },
                },
              },
            }),
          );
          for (const item of result.Responses?.[tableName] ?? []) found.add(String(item.id));
          keys = result.UnprocessedKeys?.[tableName]?.Keys ?? [];
        }
      }
      return found;
    },

    async remember(ids, now) {
      const expiration = Math.floor(now.getTime() / 1000) + FINGERPRINT_TTL_SECONDS;
      await batchWriteAll(
        options.tableName(),
        [...new Set(ids)].map((id) => ({
          PutRequest: { Item: { id, kind: 'real-transaction', savedAt: now.toISOString(), expiration } },
        })),
        { client, ...(options.sleep ? { sleep: options.sleep } : {}) },
      );
    },
  };
}
