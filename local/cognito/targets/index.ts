import type { Target } from '../services';
import { adminAddUserToGroup } from './admin-add-user-to-group';
import { adminDeleteUser } from './admin-delete-user';
import { adminDisableUser } from './admin-disable-user';
import { adminEnableUser } from './admin-enable-user';
import { adminGetUser } from './admin-get-user';
import { adminListGroupsForUser } from './admin-list-groups-for-user';
import { adminRemoveUserFromGroup } from './admin-remove-user-from-group';
import { adminUserGlobalSignOut } from './admin-user-global-sign-out';
import { deleteUser } from './delete-user';
import { getTokensFromRefreshToken } from './get-tokens-from-refresh-token';
import { getUser } from './get-user';
import { globalSignOut } from './global-sign-out';
import { initiateAuth } from './initiate-auth';
import { listUsers } from './list-users';
import { respondToAuthChallenge } from './respond-to-auth-challenge';
import { revokeToken } from './revoke-token';
import { signUp } from './sign-up';

/** The operations the local endpoint answers, by their X-Amz-Target name. */
export const targets: Record<string, Target> = {
  AdminAddUserToGroup: adminAddUserToGroup,
  AdminDeleteUser: adminDeleteUser,
  AdminDisableUser: adminDisableUser,
  AdminEnableUser: adminEnableUser,
  AdminGetUser: adminGetUser,
  AdminListGroupsForUser: adminListGroupsForUser,
  AdminRemoveUserFromGroup: adminRemoveUserFromGroup,
  AdminUserGlobalSignOut: adminUserGlobalSignOut,
  DeleteUser: deleteUser,
  GetTokensFromRefreshToken: getTokensFromRefreshToken,
  GetUser: getUser,
  GlobalSignOut: globalSignOut,
  InitiateAuth: initiateAuth,
  ListUsers: listUsers,
  RespondToAuthChallenge: respondToAuthChallenge,
  RevokeToken: revokeToken,
  SignUp: signUp,
};
