import { adminTargetUser, type Target } from '../services';

export const adminEnableUser: Target<'config' | 'users'> =
  (services) => async (request: { UserPoolId?: string; Username?: string }) => {
    const user = adminTargetUser(services, request);
    services.users.update(user.username, (stored) => {
      stored.enabled = true;
    });
    return {};
  };
