import { signedInUser, type Target } from '../services';

export const deleteUser: Target<'tokens' | 'users' | 'refreshTokens'> =
  (services) => async (request: { AccessToken?: string }) => {
    const user = await signedInUser(services, request);
    services.refreshTokens.revokeAllFor(user.username);
    services.users.delete(user.username);
    return {};
  };
