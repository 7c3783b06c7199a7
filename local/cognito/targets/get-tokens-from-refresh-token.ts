import { refreshedTokens } from '../authentication-result';
import { callerContext, requireClient, requireString, type Target } from '../services';

interface GetTokensFromRefreshTokenRequest {
  ClientId?: string;
  RefreshToken?: string;
  ClientMetadata?: Record<string, string>;
}

/** aws-amplify 6 refreshes with this operation rather than InitiateAuth REFRESH_TOKEN_AUTH. */
export const getTokensFromRefreshToken: Target<
  'config' | 'now' | 'refreshTokens' | 'tokens' | 'triggers' | 'users'
> = (services) => async (request: GetTokensFromRefreshTokenRequest, context) => {
  const clientId = requireClient(services, request);
  const refreshToken = requireString(request as Record<string, unknown>, 'RefreshToken');
  const result = await refreshedTokens(services, refreshToken, {
    clientId,
    callerContext: callerContext(context, clientId),
    clientMetadata: request.ClientMetadata,
  });
  return { AuthenticationResult: result };
};
