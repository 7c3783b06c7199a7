import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../shared/config';
import { conditionalPut, documentClient } from '../shared/dynamo';
import { decideRate, rateLimitedError, SEND_RATE_LIMIT } from './rate-limit';

/**
 * Each user's recent send times, in the idempotency table (a small keyed store with a TTL), so
 * the limit holds across concurrent function instances. Written with optimistic concurrency.
 */

const ATTEMPTS = 3;

function key(userId: string): string {
  return `rate:send-message:${userId}`;
}

/** Counts one send for the user, or throws RATE_LIMITED. */
export async function countSend(userId: string, now = Date.now()): Promise<void> {
  const TableName = config.idempotencyTableName();
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const { Item } = await documentClient.send(
      new GetCommand({ TableName, Key: { id: key(userId) }, ConsistentRead: true }),
    );
    const version = Number(Item?.version ?? 0);
    const decision = decideRate((Item?.sentAt as number[] | undefined) ?? [], now);
    if (!decision.allowed) throw rateLimitedError(decision.retryAfterMs);
    const saved = await conditionalPut({
      TableName,
      Item: {
        id: key(userId),
        sentAt: decision.state,
        version: version + 1,
        // Powertools' TTL attribute on this table: gone a minute after the window.
        expiration: Math.ceil((now + SEND_RATE_LIMIT.windowMs) / 1000) + 60,
      },
      ConditionExpression: version === 0 ? 'attribute_not_exists(id)' : 'version = :version',
      ...(version === 0 ? {} : { ExpressionAttributeValues: { ':version': version } }),
    });
    if (saved) return;
  }
  // Lost the race three times: someone is sending very fast; treat it as over the limit.
  throw rateLimitedError(SEND_RATE_LIMIT.windowMs);
}
