import { randomUUID } from 'node:crypto';
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { conditionalPut, documentClient } from '../shared/dynamo';

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
  const client = options.client ?? documentClient;
  const owner = options.owner ?? randomUUID();
  const epochSeconds = () => Math.floor(options.now().getTime() / 1000);

  return {
    async claim(pushId, deviceId) {
      const id = deliveryKey(pushId, deviceId);
      const now = epochSeconds();
      const claimed = await conditionalPut(
        {
          TableName: options.tableName(),
          Item: { id, status: 'SENDING', owner, expiration: now + CLAIM_SECONDS },
          // TTL deletes expired items late, so an expired item counts as absent.
          ConditionExpression: 'attribute_not_exists(#id) OR #expiration < :now',
          ExpressionAttributeNames: { '#id': 'id', '#expiration': 'expiration' },
          ExpressionAttributeValues: { ':now': now },
        },
        { client },
      );
      if (claimed) return 'claimed';
      const { Item } = await client.send(
        new GetCommand({
          TableName: options.tableName(),
          Key: { id },
          ProjectionExpression: '#status',
          ExpressionAttributeNames: { '#status': 'status' },
          ConsistentRead: true,
        }),
      );
      // Gone since the put failed (released, or expired and deleted): another invocation's retry sends it.
      return Item?.status === 'SENT' ? 'sent' : 'busy';
    },

    async markSent(pushId, deviceId) {
      await client.send(
        new PutCommand({
          TableName: options.tableName(),
          Item: {
            id: deliveryKey(pushId, deviceId),
            status: 'SENT',
            expiration: epochSeconds() + SENT_RECORD_SECONDS,
          },
        }),
      );
    },

    async release(pushId, deviceId) {
      try {
        await client.send(
          new DeleteCommand({
            TableName: options.tableName(),
            Key: { id: deliveryKey(pushId, deviceId) },
            ConditionExpression: '#owner = :owner AND #status = :sending',
            ExpressionAttributeNames: { '#owner': 'owner', '#status': 'status' },
            ExpressionAttributeValues: { ':owner': owner, ':sending': 'SENDING' },
          }),
        );
      } catch (error) {
        // Not ours any more (expired and claimed by another): nothing to release.
        if ((error as Error)?.name !== 'ConditionalCheckFailedException') throw error;
      }
    },
  };
}
