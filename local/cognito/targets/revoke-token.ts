import { CognitoError } from '../errors';
import { requireClient, requireString, type Target } from '../services';

/** What signOut() sends: revokes one refresh token and the access tokens of its sign-in. */
export const revokeToken: Target<'config' | 'refreshTokens'> =
  (services) => async (request: { Token?: string; ClientId?: string }) => {
    const clientId = requireClient(services, request);
    const token = requireString(request as Record<string, unknown>, 'Token');
    if (token.split('.').length === 3)
      throw new CognitoError('UnsupportedTokenTypeException', 'Unsupported token type');
    const record = services.refreshTokens.get(token);
    // Like an OAuth revocation endpoint, an unknown token is not an error.
    if (record && record.clientId === clientId) services.refreshTokens.revoke(token);
    return {};
  };
