import type { AppSyncIdentity, AppSyncIdentityCognito } from 'aws-lambda';
import { signedInUserId } from '../shared/caller';
import { logger } from '../shared/logger';
import type { Deadline } from '../shared/paged-work';
import { type CascadeDeps, runCascade } from './cascade';
import { type AccountDeletion, accountDeletionView, withStepDone } from './deletion-plan';

/** The caller's Cognito username as AppSync passes it (`username`, else the `cognito:username` claim). */
export function cognitoUsernameOf(identity: AppSyncIdentity | null | undefined): string | undefined {
  const cognito = identity as AppSyncIdentityCognito | null | undefined;
  const claimed = cognito?.claims?.['cognito:username'];
  const username = cognito?.username || (typeof claimed === 'string' ? claimed : undefined);
  return username || undefined;
}

/**
 * Mutation deleteAccount: the caller can no longer sign in or refresh a token, and their profile
 * row is deleted, whose REMOVE record runs the cascade. Calling again is harmless: it answers the
 * job as it stands (COMPLETED once done) after redoing whatever of this start is missing. The
 * cascade runs here only when no REMOVE is coming, i.e. when there was no profile row to delete
 * (never created, or deleted by an earlier call whose cascade stalled); a cascade already running
 * elsewhere holds the job's lease, and then this call only answers IN_PROGRESS.
 */
export async function deleteAccount(
  identity: AppSyncIdentity | null | undefined,
  deps: CascadeDeps,
  deadline: Deadline,
  owner: string,
): Promise<AccountDeletion> {
  const userId = signedInUserId(identity);
  let job = await deps.jobs.open(userId, deps.now());
  if (job.status === 'COMPLETED') return accountDeletionView(job);

  if (!job.done.includes('sign-in-blocked')) {
    const username = cognitoUsernameOf(identity) ?? (await deps.cognito.usernameOf(userId));
    if (username) await deps.cognito.blockSignIn(username);
    job = await deps.jobs.update(userId, (stored) => withStepDone(stored, 'sign-in-blocked', deps.now()));
  }

  if (await deps.data.deleteProfile(userId)) {
    logger.info('Account deletion requested', { userId });
    return accountDeletionView(job);
  }
  const result = await runCascade(userId, deps, deadline, owner);
  logger.info('Account deletion run from deleteAccount', { userId, outcome: result.outcome });
  return accountDeletionView(result.job);
}
