import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { claimTable } from '../shared/idempotency';

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

export function webhookReceipts(options: {
  tableName: () => string;
  dynamo?: DynamoDBDocumentClient;
  newToken?: () => string;
}): WebhookReceipts {
  const newToken = options.newToken ?? randomUUID;
  const claims = claimTable({
    tableName: options.tableName,
    ...(options.dynamo ? { client: options.dynamo } : {}),
    inProgress: 'IN_PROGRESS',
    holder: { attribute: 'claimToken', placeholder: ':token' },
  });

  async function tryClaim(eventId: string, event: { type: string; digest: string }, now: Date) {
    const token = newToken();
    const claimed = await claims.claim(receiptKey(eventId).id, {
      holder: token,
      now: epochSeconds(now),
      leaseSeconds: CLAIM_LEASE_SECONDS,
      attributes: {
        kind: 'legacy-webhook',
        eventType: event.type,
        digest: event.digest,
        claimedAt: now.toISOString(),
      },
      // New, or an attempt of the same event whose lease ran out.
      onlyInProgress: true,
      sameAttribute: 'digest',
    });
    return claimed ? token : undefined;
  }

  return {
    async claim(eventId, event, now) {
      // Twice at most: the row can disappear between the refused put and the read (a release).
      for (let attempt = 0; attempt < 2; attempt++) {
        const token = await tryClaim(eventId, event, now);
        if (token) return { kind: 'claimed', token };
        const existing = (await claims.read(receiptKey(eventId).id)) as ReceiptItem | undefined;
        if (!existing) continue;
        if (existing.digest !== event.digest) return { kind: 'id_reused' };
        return existing.status === 'DONE' ? { kind: 'done' } : { kind: 'in_progress' };
      }
      return { kind: 'in_progress' };
    },

    complete: (eventId, token, now) =>
      claims.completeAsHolder(receiptKey(eventId).id, token, {
        status: 'DONE',
        now: epochSeconds(now),
        retainSeconds: DONE_RETENTION_SECONDS,
        attributes: { completedAt: now.toISOString() },
      }),

    // Never another attempt's claim, nor a DONE record.
    release: (eventId, token) => claims.release(receiptKey(eventId).id, token),
  };
}
