import type { DynamoDBRecord } from 'aws-lambda';
import { unmarshallStreamImage } from '../shared/batch';
import { PermanentRecordError } from '../shared/errors';
import type { Deadline } from '../shared/paged-work';
import { type CascadeDeps, runCascade } from './cascade';

/** Fails the record so the stream retries it; the retry resumes where this run stopped. */
export class CascadeNotFinishedError extends Error {
  constructor(
    readonly userId: string,
    reason: string,
  ) {
    super(`The account deletion of ${userId} is not finished (${reason}); retrying the record resumes it`);
    this.name = 'CascadeNotFinishedError';
  }
}

/** The deleted profile's id: the OldImage's, or the record's key when the view has no images. */
export function removedUserId(record: DynamoDBRecord): string | undefined {
  const id = unmarshallStreamImage<{ id?: unknown }>(record, 'OldImage')?.id ?? record.dynamodb?.Keys?.id?.S;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/**
 * A UserProfile REMOVE: whoever deleted the row (deleteAccount, or an operator, in which case the
 * job is created now), the account's data goes. Anything but a finished (or already finished)
 * cascade fails the record, after the job has recorded how far it got.
 */
export async function onProfileRemoved(
  record: DynamoDBRecord,
  deps: CascadeDeps,
  deadline: Deadline,
  owner: string,
): Promise<void> {
  if (record.eventName !== 'REMOVE') return;
  const userId = removedUserId(record);
  if (!userId) throw new PermanentRecordError('A UserProfile REMOVE record without an id');
  const result = await runCascade(userId, deps, deadline, owner);
  if (result.outcome === 'busy')
    throw new CascadeNotFinishedError(userId, 'another invocation is running it');
  if (result.outcome === 'stopped') throw new CascadeNotFinishedError(userId, `paused at ${result.step}`);
}
