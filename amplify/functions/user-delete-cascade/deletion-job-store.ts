import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../shared/dynamo';
import { type DeletionJob, isDeletionStep, jobId, newJob } from './deletion-plan';

/**
 * The deletion job in the idempotency table (`account-deletion:<userId>`), written whole with
 * optimistic locking on `version`: deleteAccount and the cascade may both write it, and neither
 * may lose the other's finished steps. A write that lost a race re-reads and applies its change again.
 */

export interface DeletionJobStore {
  load(userId: string): Promise<DeletionJob | undefined>;
  /** The user's job, created (requested now) unless it exists. */
  open(userId: string, now: Date): Promise<DeletionJob>;
  /** Applies `change` to the stored job and saves the result; `undefined` from `change` writes nothing. */
  update(userId: string, change: (job: DeletionJob) => DeletionJob | undefined): Promise<DeletionJob>;
}

/** Writers kept colliding: retryable (the stream retries the record, the app the call). */
export class DeletionJobConflictError extends Error {
  constructor(userId: string) {
    super(`The account deletion job of ${userId} kept changing under concurrent writes`);
    this.name = 'DeletionJobConflictError';
  }
}

export class DeletionJobMissingError extends Error {
  constructor(userId: string) {
    super(`No account deletion job for ${userId}`);
    this.name = 'DeletionJobMissingError';
  }
}

const MAX_ATTEMPTS = 5;

interface Versioned {
  job: DeletionJob;
  version: number;
}

function isConditionalCheckFailed(error: unknown): boolean {
  return (error as Error | undefined)?.name === 'ConditionalCheckFailedException';
}

function fromItem(item: Record<string, unknown>): Versioned {
  const cursor = item.cursor as DeletionJob['cursor'] | undefined;
  const job: DeletionJob = {
    id: String(item.id),
    userId: String(item.userId),
    status: item.status === 'COMPLETED' ? 'COMPLETED' : 'IN_PROGRESS',
    requestedAt: String(item.requestedAt),
    done: Array.isArray(item.done) ? item.done.filter(isDeletionStep) : [],
    updatedAt: String(item.updatedAt ?? item.requestedAt),
    ...(typeof item.completedAt === 'string' ? { completedAt: item.completedAt } : {}),
    ...(cursor && isDeletionStep(cursor.step) ? { cursor } : {}),
    ...(typeof item.leaseOwner === 'string' ? { leaseOwner: item.leaseOwner } : {}),
    ...(typeof item.leaseUntil === 'number' ? { leaseUntil: item.leaseUntil } : {}),
    ...(typeof item.expiration === 'number' ? { expiration: item.expiration } : {}),
  };
  return { job, version: typeof item.version === 'number' ? item.version : 0 };
}

export function deletionJobStore(options: {
  tableName: () => string;
  client?: DynamoDBDocumentClient;
}): DeletionJobStore {
  const client = options.client ?? documentClient;

  async function read(userId: string): Promise<Versioned | undefined> {
    const { Item } = await client.send(
      new GetCommand({ TableName: options.tableName(), Key: { id: jobId(userId) }, ConsistentRead: true }),
    );
    return Item ? fromItem(Item) : undefined;
  }

  /** False when someone else wrote (or created) the job since it was read. */
  async function write(job: DeletionJob, readVersion: number | undefined): Promise<boolean> {
    try {
      await client.send(
        new PutCommand({
          TableName: options.tableName(),
          Item: { ...job, kind: 'account-deletion', version: (readVersion ?? 0) + 1 },
          ...(readVersion === undefined
            ? { ConditionExpression: 'attribute_not_exists(#id)', ExpressionAttributeNames: { '#id': 'id' } }
            : {
                ConditionExpression: '#version = :version',
                ExpressionAttributeNames: { '#version': 'version' },
                ExpressionAttributeValues: { ':version': readVersion },
              }),
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  return {
    load: async (userId) => (await read(userId))?.job,

    async open(userId, now) {
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const stored = await read(userId);
        if (stored) return stored.job;
        const job = newJob(userId, now);
        if (await write(job, undefined)) return job;
      }
      throw new DeletionJobConflictError(userId);
    },

    async update(userId, change) {
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const stored = await read(userId);
        if (!stored) throw new DeletionJobMissingError(userId);
        const next = change(stored.job);
        if (!next) return stored.job;
        if (await write(next, stored.version)) return next;
      }
      throw new DeletionJobConflictError(userId);
    },
  };
}
