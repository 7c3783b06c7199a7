import type { UserPoolConfig } from './config';
import { CognitoError, missingMember, notAuthorized, resourceNotFound, userNotFound } from './errors';
import type { RefreshTokenStore } from './refresh-tokens';
import type { SessionStore } from './sessions';
import type { TokenSigner } from './tokens';
import type { CallerContext, Triggers } from './triggers';
import { awsSdkVersion } from './triggers';
import type { CognitoUser, UserStore } from './user-store';

/** Everything the local pool has: cognito-local's "services". Each operation receives only the ones it uses. */
export interface CognitoServices {
  config: UserPoolConfig;
  users: UserStore;
  sessions: SessionStore;
  refreshTokens: RefreshTokenStore;
  tokens: TokenSigner;
  triggers: Triggers;
  now: () => number;
  /** When the pool came up locally: the groups' CreationDate. */
  startedAt: number;
}

/** What an operation may know about the HTTP request besides its body. */
export interface RequestContext {
  userAgent?: string;
}

/** The services a target or helper uses: `Uses<'users' | 'config'>`. */
export type Uses<Name extends keyof CognitoServices> = Pick<CognitoServices, Name>;

/**
 * One API operation: a factory that receives the services it uses and returns
 * `async (request) => response` (`Target<'users' | 'refreshTokens'>` cannot reach the triggers).
 * Each operation declares its own request type (`never` here accepts them all); the router hands
 * it the parsed body, and the operation checks the members it requires.
 */
export type Target<Name extends keyof CognitoServices = keyof CognitoServices> = (
  services: Uses<Name>,
) => (request: never, context: RequestContext) => Promise<object>;

export function callerContext(context: RequestContext, clientId: string): CallerContext {
  return { awsSdkVersion: awsSdkVersion(context.userAgent), clientId };
}

export function requireString(request: Record<string, unknown> | undefined, member: string): string {
  const value = request?.[member];
  if (value === undefined || value === null) throw missingMember(member);
  if (typeof value !== 'string')
    throw new CognitoError('SerializationException', `${member} must be a string`);
  return value;
}

/** The app client named in a public call; Cognito knows only the pool's one client here. */
export function requireClient(services: Uses<'config'>, request: { ClientId?: unknown }): string {
  const clientId = requireString(request, 'ClientId');
  if (clientId !== services.config.clientId)
    throw resourceNotFound(`User pool client ${clientId} does not exist.`);
  return clientId;
}

/** The user an admin call names (username or phone alias) in the pool it names. */
export function adminTargetUser(
  services: Uses<'config' | 'users'>,
  request: { UserPoolId?: unknown; Username?: unknown },
): CognitoUser {
  requireUserPool(services, request);
  const user = services.users.findByLogin(requireString(request, 'Username'));
  if (!user) throw userNotFound();
  return user;
}

export function requireUserPool(services: Uses<'config'>, request: { UserPoolId?: unknown }): string {
  const userPoolId = requireString(request, 'UserPoolId');
  if (userPoolId !== services.config.userPoolId)
    throw resourceNotFound(`User pool ${userPoolId} does not exist.`);
  return userPoolId;
}

/** The user an access token belongs to, after checking the token is valid and not revoked. */
export async function signedInUser(
  services: Uses<'tokens' | 'users'>,
  request: { AccessToken?: unknown },
): Promise<CognitoUser> {
  const claims = await services.tokens.verifyAccessToken(requireString(request, 'AccessToken'));
  const user = services.users.get(claims.username);
  if (!user) throw userNotFound();
  if (!user.enabled) throw notAuthorized('User is disabled.');
  return user;
}

/** Cognito's attribute list: `[{ Name, Value }]`. */
export function attributeList(
  user: CognitoUser,
  only?: readonly string[],
): { Name: string; Value: string }[] {
  return Object.entries(user.attributes)
    .filter(([name]) => !only || only.includes(name))
    .map(([Name, Value]) => ({ Name, Value }));
}

/** Dates in the JSON protocol are epoch seconds. */
export const epochSeconds = (ms: number) => ms / 1000;

/** A group named in an admin call; the pool's groups come from its configuration. */
export function requireGroup(services: Uses<'config'>, request: { GroupName?: unknown }): string {
  const group = requireString(request, 'GroupName');
  if (!services.config.groups.includes(group)) throw resourceNotFound('Group not found.');
  return group;
}

export function groupDescription(services: Uses<'config' | 'startedAt'>, name: string) {
  return {
    GroupName: name,
    UserPoolId: services.config.userPoolId,
    Precedence: services.config.groups.indexOf(name),
    CreationDate: epochSeconds(services.startedAt),
    LastModifiedDate: epochSeconds(services.startedAt),
  };
}
