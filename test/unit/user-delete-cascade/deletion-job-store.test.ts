import { beforeEach, describe, expect, it } from 'vitest';
import {
  DeletionJobConflictError,
  DeletionJobMissingError,
  deletionJobStore,
} from '../../../amplify/functions/user-delete-cascade/deletion-job-store';
import { withStepDone } from '../../../amplify/functions/user-delete-cascade/deletion-plan';
import { FakeWorld, LEAVER, NOW, TABLES } from './account-fakes';

const LATER = new Date(NOW.getTime() + 60_000);
const store = deletionJobStore({ tableName: () => TABLES.idempotency });

let world: FakeWorld;

beforeEach(() => {
  world = new FakeWorld();
});

/** Another writer's change to the stored job, made between this store's read and its write. */
function concurrentWrite(change: (item: Record<string, unknown>) => void, times = 1) {
  let left = times;
  world.dynamoFault = (command, input) => {
    if (command === 'Put' && left-- > 0) {
      const item = world.job(LEAVER);
      if (item) {
        change(item);
        item.version = Number(item.version) + 1;
      } else {
        world.putRow(TABLES.idempotency, {
          ...(input.Item as Record<string, unknown>),
          requestedAt: 'theirs',
        });
      }
    }
    return undefined;
  };
}

describe('the deletion job store', () => {
  it('creates the job once, in the idempotency table, keyed by user', async () => {
    const job = await store.open(LEAVER, NOW);
    expect(world.job(LEAVER)).toMatchObject({
      id: `account-deletion:${LEAVER}`,
      kind: 'account-deletion',
      status: 'IN_PROGRESS',
      requestedAt: NOW.toISOString(),
      done: [],
      version: 1,
    });
    expect(await store.open(LEAVER, LATER)).toEqual(job);
    expect(world.calls('Put')).toHaveLength(1);
  });

  it('answers the job someone else created first', async () => {
    concurrentWrite(() => undefined);
    expect((await store.open(LEAVER, NOW)).requestedAt).toBe('theirs');
  });

  it("re-reads after a concurrent write and keeps the other writer's finished step", async () => {
    await store.open(LEAVER, NOW);
    concurrentWrite((item) => {
      item.done = ['sign-in-blocked'];
    });

    const saved = await store.update(LEAVER, (job) => withStepDone(job, 'devices', LATER));

    expect(saved.done).toEqual(['sign-in-blocked', 'devices']);
    expect(world.job(LEAVER)).toMatchObject({ done: ['sign-in-blocked', 'devices'], version: 3 });
  });

  it('writes nothing when the change has nothing to change', async () => {
    await store.open(LEAVER, NOW);
    world.dynamoCalls.length = 0;
    expect((await store.update(LEAVER, () => undefined)).userId).toBe(LEAVER);
    expect(world.calls('Put')).toEqual([]);
  });

  it('gives up with a retryable error when other writers keep winning', async () => {
    await store.open(LEAVER, NOW);
    concurrentWrite(() => undefined, 100);
    await expect(store.update(LEAVER, (job) => withStepDone(job, 'devices', LATER))).rejects.toBeInstanceOf(
      DeletionJobConflictError,
    );
    expect(world.job(LEAVER)?.done).toEqual([]);
  });

  it('refuses to update a job that does not exist', async () => {
    await expect(store.update(LEAVER, (job) => job)).rejects.toBeInstanceOf(DeletionJobMissingError);
  });

  it('reads with strong consistency, so a retry sees the steps just recorded', async () => {
    await store.load(LEAVER);
    expect(world.calls('Get')[0]!.input).toMatchObject({
      ConsistentRead: true,
      Key: { id: `account-deletion:${LEAVER}` },
    });
  });
});
