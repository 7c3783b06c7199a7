import { adminTargetUser, type Target } from '../services';

export const adminDeleteUser: Target<'config' | 'users' | 'refreshTokens'> =
  (services) => async (request: { UserPoolId?: string; Username?: string }) => {
    const user = adminTargetUser(services, request);
    services.refreshTokens.revokeAllFor(user.username);
    services.users.delete(user.username);
    return {};
  };
