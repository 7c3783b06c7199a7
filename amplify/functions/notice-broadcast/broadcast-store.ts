import {
  type DynamoDBDocumentClient,
  GetCommand,
  ScanCommand,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../shared/dynamo';
import type { AudienceProfile } from './audience';
import type {
  BroadcastClaim,
  BroadcastLease,
  BroadcastProgressStore,
  ProfilePage,
  ScanPosition,
} from './broadcast';

/**
 * A broadcast's progress lives in the idempotency table under `notice-broadcast:<noticeId>`:
 * `position` (where the scan carries on), `leaseOwner` / `leaseUntil` (epoch ms) while an
 * invocation works on it, `done` once every page is through, `expiration` (TTL, epoch s).
 */

export const progressKey = (noticeId: string) => ({ id: `notice-broadcast:${noticeId}` });

/** Longer than a message can live in the queue and its DLQ (4 + 14 days), so a redrive finds it done. */
export const PROGRESS_RETENTION_SECONDS = 30 * 24 * 60 * 60;

const NAMES = {
  '#position': 'position',
  '#leaseOwner': 'leaseOwner',
  '#leaseUntil': 'leaseUntil',
  '#done': 'done',
  '#expiration': 'expiration',
  '#startedAt': 'startedAt',
  '#finishedAt': 'finishedAt',
} as const;

function isConditionFailure(error: unknown): boolean {
  return (error as Error | undefined)?.name === 'ConditionalCheckFailedException';
}

export function broadcastProgressStore(options: {
  tableName: () => string;
  dynamo?: DynamoDBDocumentClient;
}): BroadcastProgressStore {
  const dynamo = options.dynamo ?? documentClient;

  /** An update that only the lease holder may make; false when the lease is not theirs. */
  async function asHolder(
    noticeId: string,
    lease: BroadcastLease,
    update: Pick<UpdateCommandInput, 'UpdateExpression'> & { values?: Record<string, unknown> },
  ): Promise<boolean> {
    try {
      await dynamo.send(
        new UpdateCommand({
          TableName: options.tableName(),
          Key: progressKey(noticeId),
          UpdateExpression: update.UpdateExpression,
          ConditionExpression: '#leaseOwner = :owner',
          ExpressionAttributeNames: namesIn(`${update.UpdateExpression} #leaseOwner`),
          ExpressionAttributeValues: { ':owner': lease.owner, ...update.values },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  return {
    async claim(noticeId, lease, now): Promise<BroadcastClaim> {
      const current = await dynamo.send(
        new GetCommand({ TableName: options.tableName(), Key: progressKey(noticeId), ConsistentRead: true }),
      );
      if (current.Item?.done === true) return { status: 'done' };
      const expression =
        'SET #leaseOwner = :owner, #leaseUntil = :until, #expiration = :expiration, ' +
        '#startedAt = if_not_exists(#startedAt, :now)';
      const condition =
        '(attribute_not_exists(#done) OR #done = :false) AND ' +
        '(attribute_not_exists(#leaseUntil) OR #leaseUntil < :nowMs)';
      try {
        const result = await dynamo.send(
          new UpdateCommand({
            TableName: options.tableName(),
            Key: progressKey(noticeId),
            UpdateExpression: expression,
            ConditionExpression: condition,
            ExpressionAttributeNames: namesIn(`${expression} ${condition}`),
            ExpressionAttributeValues: {
              ':owner': lease.owner,
              ':until': lease.until,
              ':expiration': Math.floor(now.getTime() / 1000) + PROGRESS_RETENTION_SECONDS,
              ':now': now.toISOString(),
              ':nowMs': now.getTime(),
              ':false': false,
            },
            ReturnValues: 'ALL_NEW',
          }),
        );
        const position = result.Attributes?.position as ScanPosition | undefined;
        return { status: 'claimed', ...(position ? { position } : {}) };
      } catch (error) {
        // Held by a live lease, or finished since the read: either way not ours to work on.
        if (isConditionFailure(error)) return { status: 'busy' };
        throw error;
      }
    },

    advance: (noticeId, lease, position) =>
      asHolder(noticeId, lease, {
        UpdateExpression: 'SET #position = :position',
        values: { ':position': position },
      }),

    release: (noticeId, lease, position) =>
      asHolder(
        noticeId,
        lease,
        position
          ? {
              UpdateExpression: 'SET #position = :position REMOVE #leaseOwner, #leaseUntil',
              values: { ':position': position },
            }
          : { UpdateExpression: 'REMOVE #leaseOwner, #leaseUntil' },
      ),

    finish: (noticeId, lease, now) =>
      asHolder(noticeId, lease, {
        UpdateExpression: 'SET #done = :true, #finishedAt = :now REMOVE #position, #leaseOwner, #leaseUntil',
        values: { ':true': true, ':now': now.toISOString() },
      }),
  };
}

/** The attribute names an expression uses (DynamoDB refuses unused ones). */
function namesIn(expression: string): Record<string, string> {
  const names: Record<string, string> = {};
  for (const [placeholder, name] of Object.entries(NAMES))
    if (expression.includes(placeholder)) names[placeholder] = name;
  return names;
}

/** UserProfile rows, a page at a time, with only what the audience needs (never the phone). */
export function userProfilePages(options: { tableName: () => string; dynamo?: DynamoDBDocumentClient }) {
  const dynamo = options.dynamo ?? documentClient;
  return async (position: ScanPosition | undefined, limit: number): Promise<ProfilePage> => {
    const result = await dynamo.send(
      new ScanCommand({
        TableName: options.tableName(),
        Limit: limit,
        ...(position ? { ExclusiveStartKey: position } : {}),
        ProjectionExpression: '#id, #role, #regionCodes, #deletedAt',
        ExpressionAttributeNames: {
          '#id': 'id',
          '#role': 'role',
          '#regionCodes': 'regionCodes',
          '#deletedAt': 'deletedAt',
        },
      }),
    );
    return {
      profiles: (result.Items ?? []) as AudienceProfile[],
      ...(result.LastEvaluatedKey ? { next: result.LastEvaluatedKey } : {}),
    };
  };
}
