import { randomUUID } from 'node:crypto';
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { conditionalPut, documentClient } from '../shared/dynamo';

/**
 * Each webhook event id is processed once. Its record in the idempotency table, `webhook:<id>`:
 * IN_PROGRESS while an invocation works on it (a short lease, so a crashed attempt can be
 * retried), DONE for a week afterwards; `digest` (type + payload) tells a retry from a reused id.
 */

/** Longer than the function's timeout (30 s): a live attempt is never taken over. */
export const CLAIM_LEASE_SECONDS = 60;
/** The legacy side retries for a few days at most; a week covers it. */
export const DONE_RETENTION_SECONDS = 7 * 24 * 60 * 60;

export const receiptKey = (eventId: string) => ({ id: `webhook:${eventId}` });

export type ClaimResult =
  | { kind: 'claimed'; token: string }
  | { kind: 'done' }
  | { kind: 'in_progress' }
  | { kind: 'id_reused' };

export interface WebhookReceipts {
  claim(eventId: string, event: { type: string; digest: string }, now: Date): Promise<ClaimResult>;
  /** Marks the event DONE; false when the claim was no longer ours (its lease had run out). */
  complete(eventId: string, token: string, now: Date): Promise<boolean>;
  /** Forgets the claim, so the same id can be sent again. */
  release(eventId: string, token: string): Promise<void>;
}

interface ReceiptItem {
  id: string;
  status?: 'IN_PROGRESS' | 'DONE';
  digest?: string;
  expiration?: number;
}

const epochSeconds = (date: Date) => Math.floor(date.getTime() / 1000);

function isConditionFailure(error: unknown): boolean {
  return (error as Error | undefined)?.name === 'ConditionalCheckFailedException';
}

export function webhookReceipts(options: {
  tableName: () => string;
  dynamo?: DynamoDBDocumentClient;
  newToken?: () => string;
}): WebhookReceipts {
  const dynamo = options.dynamo ?? documentClient;
  const newToken = options.newToken ?? randomUUID;

  async function tryClaim(eventId: string, event: { type: string; digest: string }, now: Date) {
    const token = newToken();
    const claimed = await conditionalPut(
      {
        TableName: options.tableName(),
        Item: {
          ...receiptKey(eventId),
          kind: 'legacy-webhook',
          status: 'IN_PROGRESS',
          eventType: event.type,
          digest: event.digest,
          claimToken: token,
          claimedAt: now.toISOString(),
          expiration: epochSeconds(now) + CLAIM_LEASE_SECONDS,
        },
        // New, or an attempt of the same event whose lease ran out (TTL deletes rows late).
        ConditionExpression:
          'attribute_not_exists(#id) OR (#status = :inProgress AND #expiration < :now AND #digest = :digest)',
        ExpressionAttributeNames: {
          '#id': 'id',
          '#status': 'status',
          '#expiration': 'expiration',
          '#digest': 'digest',
        },
        ExpressionAttributeValues: {
          ':inProgress': 'IN_PROGRESS',
          ':now': epochSeconds(now),
          ':digest': event.digest,
        },
      },
      { client: dynamo },
    );
    return claimed ? token : undefined;
  }

  return {
    async claim(eventId, event, now) {
      // Twice at most: the row can disappear between the refused put and the read (a release).
      for (let attempt = 0; attempt < 2; attempt++) {
        const token = await tryClaim(eventId, event, now);
        if (token) return { kind: 'claimed', token };
        const { Item } = await dynamo.send(
          new GetCommand({ TableName: options.tableName(), Key: receiptKey(eventId), ConsistentRead: true }),
        );
        const existing = Item as ReceiptItem | undefined;
        if (!existing) continue;
        if (existing.digest !== event.digest) return { kind: 'id_reused' };
        return existing.status === 'DONE' ? { kind: 'done' } : { kind: 'in_progress' };
      }
      return { kind: 'in_progress' };
    },

    async complete(eventId, token, now) {
      try {
        await dynamo.send(
          new UpdateCommand({
            TableName: options.tableName(),
            Key: receiptKey(eventId),
            UpdateExpression: 'SET #status = :done, #completedAt = :completedAt, #expiration = :expiration',
            ConditionExpression: '#claimToken = :token',
            ExpressionAttributeNames: {
              '#status': 'status',
              '#completedAt': 'completedAt',
              '#expiration': 'expiration',
              '#claimToken': 'claimToken',
            },
            ExpressionAttributeValues: {
              ':done': 'DONE',
              ':completedAt': now.toISOString(),
              ':expiration': epochSeconds(now) + DONE_RETENTION_SECONDS,
              ':token': token,
            },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },

    async release(eventId, token) {
      try {
        await dynamo.send(
          new DeleteCommand({
            TableName: options.tableName(),
            Key: receiptKey(eventId),
            // Never another attempt's claim, nor a DONE record.
            ConditionExpression: '#claimToken = :token AND #status = :inProgress',
            ExpressionAttributeNames: { '#claimToken': 'claimToken', '#status': 'status' },
            ExpressionAttributeValues: { ':token': token, ':inProgress': 'IN_PROGRESS' },
          }),
        );
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    },
  };
}
