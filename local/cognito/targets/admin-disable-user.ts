import { adminTargetUser, type Target } from '../services';

/** Cognito also revokes the user's tokens when it disables them. */
export const adminDisableUser: Target<'config' | 'users' | 'refreshTokens'> =
  (services) => async (request: { UserPoolId?: string; Username?: string }) => {
    const user = adminTargetUser(services, request);
    services.users.update(user.username, (stored) => {
      stored.enabled = false;
    });
    services.refreshTokens.revokeAllFor(user.username);
    return {};
  };
