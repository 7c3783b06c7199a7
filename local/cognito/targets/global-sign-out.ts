import { signedInUser, type Target } from '../services';

/** Revokes every refresh token of the user and, through their origin_jti, every access token. */
export const globalSignOut: Target<'tokens' | 'users' | 'refreshTokens'> =
  (services) => async (request: { AccessToken?: string }) => {
    const user = await signedInUser(services, request);
    services.refreshTokens.revokeAllFor(user.username);
    return {};
  };
