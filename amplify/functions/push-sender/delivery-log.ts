import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { claimTable } from '../shared/idempotency';

/**
 * Which devices a push has reached, so that a redelivered queue message, or the same pushId queued
 * again by a retried producer, sends nothing twice: one item per (pushId, device) in the
 * idempotency table, `push:<pushId>:<deviceId>`.
 *
 * Before sending, push-sender claims the item (SENDING, held for CLAIM_SECONDS); after a final
 * result it records SENT; after a temporary failure it releases the claim so the retry can send.
 * The claim keeps two copies of a push that run at the same time (two queue messages with one
 * pushId in different invocations) from both sending.
 *
 * Trade-off: the record follows the send. An invocation that dies between SendMessages and the
 * SENT record leaves a claim that expires before its message is redelivered, and the redelivery
 * sends again: at most one duplicate, in exchange for never losing a push to a crash.
 * Powertools' idempotency utility works per function call; here one SendMessages call carries
 * the devices of many pushes, so the record is kept per device.
 */

/**
 * A claim outlives the invocation holding it (push-sender's timeout, 30 s) and ends before that
 * invocation's messages are redelivered (the push queue's visibility timeout, 180 s).
 */
export const CLAIM_SECONDS = 60;

/**
 * SQS keeps a message 4 days, so no redelivery comes later; a day more covers producers that queue
 * a pushId again (stream retries within the hour, scheduled runs within the day).
 */
export const SENT_RECORD_SECONDS = 5 * 24 * 60 * 60;

/** `claimed`: send now. `sent`: sent already, skip. `busy`: another invocation is sending it now. */
export type ClaimOutcome = 'claimed' | 'sent' | 'busy';

export interface DeliveryLog {
  claim(pushId: string, deviceId: string): Promise<ClaimOutcome>;
  /** The send is final (delivered, or failed for good): never again for this pushId and device. */
  markSent(pushId: string, deviceId: string): Promise<void>;
  /** The send failed temporarily: let the retry claim it. */
  release(pushId: string, deviceId: string): Promise<void>;
}

export const deliveryKey = (pushId: string, deviceId: string) => `push:${pushId}:${deviceId}`;

export interface DeliveryLogOptions {
  tableName: () => string;
  now: () => Date;
  client?: DynamoDBDocumentClient;
  /** Names this invocation's claims, so that it only ever releases its own. */
  owner?: string;
}

export function deliveryLog(options: DeliveryLogOptions): DeliveryLog {
  const owner = options.owner ?? randomUUID();
  const epochSeconds = () => Math.floor(options.now().getTime() / 1000);
  const claims = claimTable({
    tableName: options.tableName,
    ...(options.client ? { client: options.client } : {}),
    inProgress: 'SENDING',
    holder: { attribute: 'owner' },
  });

  return {
    async claim(pushId, deviceId) {
      const id = deliveryKey(pushId, deviceId);
      const claimed = await claims.claim(id, {
        holder: owner,
        now: epochSeconds(),
        leaseSeconds: CLAIM_SECONDS,
      });
      if (claimed) return 'claimed';
      const record = await claims.read(id, ['status']);
      // Gone since the put failed (released, or expired and deleted): another invocation's retry sends it.
      return record?.status === 'SENT' ? 'sent' : 'busy';
    },

    markSent: (pushId, deviceId) =>
      claims.recordDone(deliveryKey(pushId, deviceId), {
        status: 'SENT',
        now: epochSeconds(),
        retainSeconds: SENT_RECORD_SECONDS,
      }),

    release: (pushId, deviceId) => claims.release(deliveryKey(pushId, deviceId), owner),
  };
}
