import {
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminUserGlobalSignOutCommand,
  CognitoIdentityProviderClient,
  ListUsersCommand,
} from '@aws-sdk/client-cognito-identity-provider';

/**
 * The Cognito side of a deletion. A username can be a phone number in some pools: it is passed
 * to Cognito and never logged or stored. A user who is already gone counts as done.
 */

export interface CognitoAccounts {
  /** The username of the user whose `sub` is userId; undefined when there is none. */
  usernameOf(userId: string): Promise<string | undefined>;
  /** Disables the user and revokes their refresh tokens; false when the user does not exist. */
  blockSignIn(username: string): Promise<boolean>;
  /** Deletes the user; false when the user did not exist. */
  remove(username: string): Promise<boolean>;
}

function isUserNotFound(error: unknown): boolean {
  return (error as Error | undefined)?.name === 'UserNotFoundException';
}

async function unlessNotFound(call: () => Promise<unknown>): Promise<boolean> {
  try {
    await call();
    return true;
  } catch (error) {
    if (isUserNotFound(error)) return false;
    throw error;
  }
}

/** A ListUsers filter value is a quoted string: escape what would end it. */
export function subFilter(userId: string): string {
  return `sub = "${userId.replace(/["\\]/g, '\\$&')}"`;
}

export function cognitoAccounts(options: {
  userPoolId: () => string;
  client?: CognitoIdentityProviderClient;
}): CognitoAccounts {
  const client = options.client ?? new CognitoIdentityProviderClient({});
  return {
    async usernameOf(userId) {
      const result = await client.send(
        new ListUsersCommand({
          UserPoolId: options.userPoolId(),
          Filter: subFilter(userId),
          Limit: 1,
          AttributesToGet: [],
        }),
      );
      return result.Users?.[0]?.Username;
    },

    blockSignIn: (username) =>
      unlessNotFound(async () => {
        const target = { UserPoolId: options.userPoolId(), Username: username };
        // Disabled first: a sign-in between the two calls would otherwise mint new tokens.
        await client.send(new AdminDisableUserCommand(target));
        await client.send(new AdminUserGlobalSignOutCommand(target));
      }),

    remove: (username) =>
      unlessNotFound(() =>
        client.send(new AdminDeleteUserCommand({ UserPoolId: options.userPoolId(), Username: username })),
      ),
  };
}
