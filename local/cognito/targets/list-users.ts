import { invalidParameter } from '../errors';
import { attributeList, epochSeconds, requireUserPool, type Target } from '../services';
import type { CognitoUser } from '../user-store';

interface ListUsersRequest {
  UserPoolId?: string;
  Filter?: string;
  Limit?: number;
  PaginationToken?: string;
  AttributesToGet?: string[];
}

/** The attributes Cognito lets ListUsers filter on, and how each is read from a user. */
const SEARCHABLE: Record<string, (user: CognitoUser) => string | undefined> = {
  username: (user) => user.username,
  'cognito:user_status': (user) => user.status,
  status: (user) => (user.enabled ? 'Enabled' : 'Disabled'),
  ...Object.fromEntries(
    ['sub', 'email', 'phone_number', 'name', 'given_name', 'family_name', 'preferred_username'].map(
      (name) => [name, (user: CognitoUser) => user.attributes[name]],
    ),
  ),
};

const MAX_LIMIT = 60;

export const listUsers: Target<'config' | 'users'> = (services) => async (request: ListUsersRequest) => {
  requireUserPool(services, request);
  const matches = parseFilter(request.Filter);
  const limit = request.Limit ?? MAX_LIMIT;
  if (!Number.isInteger(limit) || limit < 0 || limit > MAX_LIMIT) {
    throw invalidParameter(`Limit must be between 0 and ${MAX_LIMIT}.`);
  }
  const start = request.PaginationToken
    ? Number(Buffer.from(request.PaginationToken, 'base64url').toString())
    : 0;
  if (!Number.isInteger(start) || start < 0) throw invalidParameter('Invalid pagination token.');

  const found = services.users.list().filter(matches);
  const page = found.slice(start, start + limit);
  const next =
    start + limit < found.length ? Buffer.from(String(start + limit)).toString('base64url') : undefined;
  return {
    Users: page.map((user) => ({
      Username: user.username,
      Attributes: attributeList(user, request.AttributesToGet),
      UserCreateDate: epochSeconds(user.createdAt),
      UserLastModifiedDate: epochSeconds(user.updatedAt),
      Enabled: user.enabled,
      UserStatus: user.status,
    })),
    ...(next && { PaginationToken: next }),
  };
};

/** `attribute = "value"` (exact) or `attribute ^= "value"` (prefix); no filter matches everyone. */
function parseFilter(filter: string | undefined): (user: CognitoUser) => boolean {
  if (!filter?.trim()) return () => true;
  const match = /^\s*([\w:]+)\s*(\^?=)\s*"((?:[^"\\]|\\.)*)"\s*$/.exec(filter);
  if (!match) throw invalidParameter('Error while parsing filter.');
  const [, attribute = '', operator, rawValue = ''] = match;
  const read = SEARCHABLE[attribute];
  if (!read) throw invalidParameter(`Invalid search attribute: ${attribute}`);
  const value = rawValue.replace(/\\(.)/g, '$1');
  return operator === '=' ? (user) => read(user) === value : (user) => read(user)?.startsWith(value) === true;
}
