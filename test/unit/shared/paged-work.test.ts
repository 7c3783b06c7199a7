import { describe, expect, it } from 'vitest';
import { deadlineOf, forEachChunk } from '../../../amplify/functions/shared/paged-work';

describe('deadlineOf', () => {
  it('is near once less than the reserve is left', () => {
    let remaining = 20_000;
    const deadline = deadlineOf({ getRemainingTimeInMillis: () => remaining }, 15_000);
    expect(deadline.near()).toBe(false);
    remaining = 15_000;
    expect(deadline.near()).toBe(false);
    remaining = 14_999;
    expect(deadline.near()).toBe(true);
    expect(deadline.remainingMs()).toBe(14_999);
  });
});

describe('forEachChunk', () => {
  it('works through every chunk in order when there is time', async () => {
    const chunks: number[][] = [];
    const complete = await forEachChunk(
      [1, 2, 3, 4, 5],
      2,
      { remainingMs: () => 1, near: () => false },
      async (c) => {
        chunks.push([...c]);
      },
    );
    expect(complete).toBe(true);
    expect(chunks).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('stops before a chunk once the deadline is near, and says so', async () => {
    const chunks: number[][] = [];
    let checks = 0;
    const deadline = { remainingMs: () => 1, near: () => ++checks > 2 };
    const complete = await forEachChunk([1, 2, 3, 4, 5], 2, deadline, async (c) => {
      chunks.push([...c]);
    });
    expect(complete).toBe(false);
    expect(chunks).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it('is complete at once for no items, even past the deadline', async () => {
    expect(await forEachChunk([], 2, { remainingMs: () => 0, near: () => true }, async () => undefined)).toBe(
      true,
    );
  });
});
