import { a } from '@aws-amplify/backend';
import { userDeleteCascade } from '../../functions/user-delete-cascade/resource';
import { signedInMutation } from './signed-in';

/** The caller deletes their account (docs/accounts.md); user-delete-cascade removes their data. */
export const accountDeletionOperations = {
  /**
   * Deletes the caller's account (docs/accounts.md): sign-in is blocked at once, then the cascade
   * removes everything of theirs; their messages stay for the others as 탈퇴한 사용자. Calling
   * again answers where the deletion stands.
   */
  deleteAccount: signedInMutation(userDeleteCascade).returns(a.ref('AccountDeletion')),
};
