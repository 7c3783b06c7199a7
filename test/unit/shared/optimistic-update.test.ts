import { describe, expect, it } from 'vitest';
import {
  ConcurrentUpdateError,
  unchangedSince,
  updateOptimistically,
} from '../../../amplify/functions/shared/optimistic-update';

/** One row in memory with a version, written only on condition that the version is unchanged. */
class VersionedRow {
  memberIds: string[] = ['buyer'];
  version = 1;
  writes = 0;

  async read() {
    // A read takes a turn of the event loop, so concurrent updates interleave here.
    await Promise.resolve();
    return { memberIds: [...this.memberIds], version: this.version };
  }

  async write(memberIds: string[], expectedVersion: number): Promise<true | undefined> {
    await Promise.resolve();
    this.writes++;
    if (this.version !== expectedVersion) return undefined;
    this.memberIds = memberIds;
    this.version++;
    return true;
  }
}

const noWait = async () => undefined;

function addMember(row: VersionedRow, userId: string, sleep: (ms: number) => Promise<void> = noWait) {
  return updateOptimistically({
    what: `add ${userId}`,
    read: () => row.read(),
    plan: (current) => (current.memberIds.includes(userId) ? undefined : [...current.memberIds, userId]),
    write: (memberIds, current) => row.write(memberIds, current.version),
    sleep,
  });
}

function removeMember(row: VersionedRow, userId: string) {
  return updateOptimistically({
    what: `remove ${userId}`,
    read: () => row.read(),
    plan: (current) =>
      current.memberIds.includes(userId) ? current.memberIds.filter((id) => id !== userId) : undefined,
    write: (memberIds, current) => row.write(memberIds, current.version),
    sleep: noWait,
  });
}

describe('updateOptimistically', () => {
  it('keeps both of two interleaved read-modify-writes of one list', async () => {
    const row = new VersionedRow();
    row.memberIds = ['buyer', 'leaving'];

    // Both read before either writes: the second write fails its condition and is planned again.
    const [added, removed] = await Promise.all([addMember(row, 'broker'), removeMember(row, 'leaving')]);

    expect(row.memberIds.sort()).toEqual(['broker', 'buyer']);
    expect([added.kind, removed.kind]).toEqual(['written', 'written']);
    expect(row.writes).toBe(3);
  });

  it('writes nothing when the row already shows the change, and nothing for a row that is gone', async () => {
    const row = new VersionedRow();
    expect((await addMember(row, 'buyer')).kind).toBe('unchanged');
    expect(row.writes).toBe(0);

    const gone = await updateOptimistically({
      what: 'gone',
      read: async () => undefined,
      plan: () => ['x'],
      write: async () => true,
    });
    expect(gone).toEqual({ kind: 'gone' });
  });

  it('waits a random, growing, capped time between attempts and gives up after six', async () => {
    const row = new VersionedRow();
    const waits: number[] = [];
    const attempt = updateOptimistically({
      what: 'conversation conv-1',
      read: () => row.read(),
      plan: (current) => [...current.memberIds, 'broker'],
      // Someone else always writes first.
      write: async (memberIds, current) => {
        row.version++;
        return row.write(memberIds, current.version);
      },
      sleep: async (ms) => {
        waits.push(ms);
      },
      random: () => 1,
    });

    await expect(attempt).rejects.toBeInstanceOf(ConcurrentUpdateError);
    expect(row.writes).toBe(6);
    expect(waits).toEqual([25, 50, 100, 200, 400]);
    expect(row.memberIds).toEqual(['buyer']);
  });

  it('starts from the row the caller has just read, and reads again only after a conflict', async () => {
    const row = new VersionedRow();
    let reads = 0;
    const outcome = await updateOptimistically({
      what: 'member',
      initial: { memberIds: ['buyer'], version: 1 },
      read: () => {
        reads++;
        return row.read();
      },
      plan: (current) => [...current.memberIds, 'broker'],
      write: (memberIds, current) => row.write(memberIds, current.version),
    });
    expect(outcome.kind).toBe('written');
    expect(reads).toBe(0);
  });
});

describe('unchangedSince', () => {
  it('conditions on the updatedAt AppSync set, or on there being none', () => {
    expect(unchangedSince({ updatedAt: '2026-03-14T03:00:00.000Z' })).toEqual({
      updatedAt: { eq: '2026-03-14T03:00:00.000Z' },
    });
    expect(unchangedSince({})).toEqual({ updatedAt: { attributeExists: false } });
  });
});
