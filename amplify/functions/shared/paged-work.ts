import type { Context } from 'aws-lambda';

/**
 * Long jobs (broadcasts, daily sweeps) work in pages and stop while there is still time to save
 * where they are: a Lambda that hits its timeout saves nothing.
 */

export interface Deadline {
  /** Milliseconds left in this invocation. */
  remainingMs(): number;
  /** Less than the reserve is left: stop starting work. */
  near(): boolean;
}

export function deadlineOf(context: Pick<Context, 'getRemainingTimeInMillis'>, reserveMs: number): Deadline {
  return {
    remainingMs: () => context.getRemainingTimeInMillis(),
    near: () => context.getRemainingTimeInMillis() < reserveMs,
  };
}

/**
 * Runs `work` on `items` in chunks of `size` (the chunk's items are usually worked on concurrently),
 * checking the deadline before each chunk. False when it stopped early: the chunks before are done.
 */
export async function forEachChunk<T>(
  items: readonly T[],
  size: number,
  deadline: Deadline,
  work: (chunk: readonly T[]) => Promise<void>,
): Promise<boolean> {
  for (let start = 0; start < items.length; start += size) {
    if (deadline.near()) return false;
    await work(items.slice(start, start + size));
  }
  return true;
}
