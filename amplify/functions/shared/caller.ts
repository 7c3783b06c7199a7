import type { AppSyncIdentity, AppSyncIdentityCognito } from 'aws-lambda';
import { UserFacingError } from './errors';

/**
 * The signed-in user behind a custom operation (`a.handler.function`): the Cognito `sub`, which
 * is every user id in the data model. A call without one (an IAM caller, no user) is refused.
 */
export function signedInUserId(identity: AppSyncIdentity | null | undefined): string {
  const sub = (identity as AppSyncIdentityCognito | null | undefined)?.sub;
  if (typeof sub !== 'string' || sub === '') {
    throw new UserFacingError('UNAUTHORIZED: 로그인이 필요합니다. (Sign in first.)');
  }
  return sub;
}
