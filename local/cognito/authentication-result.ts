import { randomUUID } from 'node:crypto';
import { notAuthorized } from './errors';
import type { Uses } from './services';

/** What issuing tokens uses: the pre token generation trigger may change the claims. */
export type TokenServices = Uses<'config' | 'now' | 'refreshTokens' | 'tokens' | 'triggers'>;

import type { ClaimsOverride } from './tokens';
import type { CallerContext } from './triggers';
import type { CognitoUser } from './user-store';

export interface AuthenticationResult {
  AccessToken: string;
  IdToken: string;
  RefreshToken?: string;
  ExpiresIn: number;
  TokenType: 'Bearer';
}

interface GrantContext {
  clientId: string;
  callerContext: CallerContext;
  clientMetadata?: Record<string, string>;
}

/** Tokens for a sign-in that just succeeded: a new refresh token and the sign-in's origin_jti. */
export async function signInTokens(
  services: TokenServices,
  user: CognitoUser,
  context: GrantContext,
): Promise<AuthenticationResult> {
  const authTime = Math.floor(services.now() / 1000);
  const refresh = services.refreshTokens.add({
    username: user.username,
    clientId: context.clientId,
    originJti: randomUUID(),
    authTime,
    expiresAt: services.now() + services.config.refreshTokenValidityDays * 24 * 60 * 60_000,
  });
  const override = await preTokenGeneration(services, user, 'TokenGeneration_Authentication', context);
  const tokens = await services.tokens.issue({
    user,
    clientId: context.clientId,
    originJti: refresh.originJti,
    authTime,
    override,
  });
  return {
    AccessToken: tokens.accessToken,
    ExpiresIn: tokens.expiresIn,
    TokenType: 'Bearer',
    RefreshToken: refresh.token,
    IdToken: tokens.idToken,
  };
}

/** New access and id tokens for a refresh token; Cognito keeps the refresh token as it is. */
export async function refreshedTokens(
  services: TokenServices & Uses<'users'>,
  refreshToken: string,
  context: GrantContext,
): Promise<AuthenticationResult> {
  const record = services.refreshTokens.get(refreshToken);
  if (!record || record.clientId !== context.clientId) throw notAuthorized('Invalid Refresh Token');
  if (record.revoked) throw notAuthorized('Refresh Token has been revoked');
  if (record.expiresAt <= services.now()) throw notAuthorized('Refresh Token has expired');
  const user = services.users.get(record.username);
  if (!user) throw notAuthorized('User does not exist.');
  if (!user.enabled) throw notAuthorized('User is disabled.');
  const override = await preTokenGeneration(services, user, 'TokenGeneration_RefreshTokens', context);
  const tokens = await services.tokens.issue({
    user,
    clientId: context.clientId,
    originJti: record.originJti,
    authTime: record.authTime,
    override,
  });
  return {
    AccessToken: tokens.accessToken,
    ExpiresIn: tokens.expiresIn,
    TokenType: 'Bearer',
    IdToken: tokens.idToken,
  };
}

interface PreTokenGenerationResponse {
  claimsOverrideDetails?: {
    claimsToAddOrOverride?: Record<string, string>;
    claimsToSuppress?: string[];
    groupOverrideDetails?: { groupsToOverride?: string[] };
  } | null;
}

async function preTokenGeneration(
  services: Uses<'triggers'>,
  user: CognitoUser,
  triggerSource: string,
  context: GrantContext,
): Promise<ClaimsOverride | undefined> {
  if (!services.triggers.has('preTokenGeneration')) return undefined;
  const response = await services.triggers.run<object, PreTokenGenerationResponse>('preTokenGeneration', {
    triggerSource,
    userName: user.username,
    callerContext: context.callerContext,
    request: {
      userAttributes: triggerAttributes(user),
      groupConfiguration: { groupsToOverride: user.groups, iamRolesToOverride: [], preferredRole: null },
      ...(context.clientMetadata && { clientMetadata: context.clientMetadata }),
    },
    response: { claimsOverrideDetails: null },
  });
  const details = response.claimsOverrideDetails;
  if (!details) return undefined;
  return {
    claimsToAddOrOverride: details.claimsToAddOrOverride,
    claimsToSuppress: details.claimsToSuppress,
    groupsToOverride: details.groupOverrideDetails?.groupsToOverride,
  };
}

/** A user's attributes as triggers see them, with the status Cognito adds. */
export function triggerAttributes(user: CognitoUser | undefined): Record<string, string> {
  if (!user) return {};
  return { ...user.attributes, 'cognito:user_status': user.status };
}
