import { adminTargetUser, type Target } from '../services';

export const adminUserGlobalSignOut: Target<'config' | 'users' | 'refreshTokens'> =
  (services) => async (request: { UserPoolId?: string; Username?: string }) => {
    const user = adminTargetUser(services, request);
    services.refreshTokens.revokeAllFor(user.username);
    return {};
  };
