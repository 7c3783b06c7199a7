import {
  AdminAddUserToGroupCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  AdminRemoveUserFromGroupCommand,
  AdminUserGlobalSignOutCommand,
  CognitoIdentityProviderClient,
  GetUserCommand,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  ListUsersCommand,
  NotAuthorizedException,
  ResourceNotFoundException,
  RespondToAuthChallengeCommand,
  SignUpCommand,
  UserLambdaValidationException,
  UserNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CognitoServer,
  type CognitoService,
  createCognitoService,
  startCognitoServer,
} from '../../../local/cognito/server';
import { LOCAL_ACCOUNT } from '../../../local/contracts';
import { createSignedCallers } from '../../../local/iam/signed-callers';
import {
  CLIENT_ID,
  fakeTriggerInvoker,
  RIGHT_CODE,
  TRIGGER_FUNCTIONS,
  testConfig,
  USER_POOL_ID,
} from './fake-triggers';

// The AWS SDK v3 as the functions use it (AWS_ENDPOINT_URL pointing here), signing with a local
// function's credentials; its grants are what its role's policy allows, as the template gives them.
const POOL_ARN = `arn:aws:cognito-idp:ap-northeast-2:${LOCAL_ACCOUNT}:userpool/${USER_POOL_ID}`;
const callers = createSignedCallers([
  {
    name: 'user-admin',
    roleArn: `arn:aws:iam::${LOCAL_ACCOUNT}:role/user-admin-role`,
    environment: { AWS_LAMBDA_FUNCTION_NAME: 'user-admin' },
    iamStatements: [{ Effect: 'Allow', Action: 'cognito-idp:*', Resource: POOL_ARN }],
  },
  {
    name: 'group-adder',
    roleArn: `arn:aws:iam::${LOCAL_ACCOUNT}:role/group-adder-role`,
    environment: { AWS_LAMBDA_FUNCTION_NAME: 'group-adder' },
    iamStatements: [{ Effect: 'Allow', Action: 'cognito-idp:AdminAddUserToGroup', Resource: POOL_ARN }],
  },
]);
const credentialsOf = (name: string) => {
  const { AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY } = callers.credentialsFor(name);
  return { accessKeyId: AWS_ACCESS_KEY_ID, secretAccessKey: AWS_SECRET_ACCESS_KEY };
};
let server: CognitoServer;
let service: CognitoService;
let cognito: CognitoIdentityProviderClient;
const clientAs = (credentials: { accessKeyId: string; secretAccessKey: string }) =>
  new CognitoIdentityProviderClient({
    region: 'ap-northeast-2',
    endpoint: server.url,
    credentials,
    maxAttempts: 1,
  });
const triggers = fakeTriggerInvoker({
  // Like the real postConfirmation function: it calls back into the pool while SignUp waits for it.
  [TRIGGER_FUNCTIONS.postConfirmation]: async (event) => {
    await cognito.send(
      new AdminAddUserToGroupCommand({
        UserPoolId: event.userPoolId,
        Username: event.userName,
        GroupName: 'USERS',
      }),
    );
    return event;
  },
  [TRIGGER_FUNCTIONS.preSignUp]: (event) => {
    if (event.request.userAttributes.phone_number === '+821000000000') throw new Error('BLOCKED_PHONE: no');
    event.response.autoConfirmUser = true;
    event.response.autoVerifyPhone = true;
    return event;
  },
});

beforeAll(async () => {
  service = createCognitoService({
    config: testConfig(),
    invoker: triggers.invoker,
    verifyIam: callers.verify,
  });
  server = await startCognitoServer({ service });
  cognito = clientAs(credentialsOf('user-admin'));
});
afterAll(async () => {
  cognito.destroy();
  await server.close();
});

async function signIn(phone: string) {
  const challenge = await cognito.send(
    new InitiateAuthCommand({
      ClientId: CLIENT_ID,
      AuthFlow: 'CUSTOM_AUTH',
      AuthParameters: { USERNAME: phone },
    }),
  );
  const result = await cognito.send(
    new RespondToAuthChallengeCommand({
      ClientId: CLIENT_ID,
      ChallengeName: 'CUSTOM_CHALLENGE',
      Session: challenge.Session,
      ChallengeResponses: { USERNAME: challenge.ChallengeParameters!.USERNAME!, ANSWER: RIGHT_CODE },
    }),
  );
  return result.AuthenticationResult!;
}

const signUp = (phone: string) =>
  cognito.send(new SignUpCommand({ ClientId: CLIENT_ID, Username: phone, Password: 'Random-Pa55word!' }));

describe('the AWS SDK v3 client against the local endpoint', () => {
  it('signs up, with the postConfirmation trigger adding the user to USERS through the admin API', async () => {
    const result = await signUp('+821011112222');
    expect(result).toMatchObject({ UserConfirmed: true, UserSub: expect.any(String) });
    const groups = await cognito.send(
      new AdminListGroupsForUserCommand({ UserPoolId: USER_POOL_ID, Username: result.UserSub }),
    );
    expect(groups.Groups).toEqual([
      expect.objectContaining({
        GroupName: 'USERS',
        UserPoolId: USER_POOL_ID,
        Precedence: 0,
        CreationDate: expect.any(Date),
      }),
    ]);
  });

  it('tells the AWS SDK the UserLambdaValidationException of a refused sign-up', async () => {
    const refused = await signUp('+821000000000').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(UserLambdaValidationException);
    expect((refused as Error).message).toBe('PreSignUp failed with error BLOCKED_PHONE: no.');
  });

  it('signs in with CUSTOM_AUTH and answers GetUser for the access token', async () => {
    const { UserSub } = await signUp('+821022223333');
    const tokens = await signIn('+821022223333');
    expect(tokens).toMatchObject({ TokenType: 'Bearer', ExpiresIn: 3600 });
    const user = await cognito.send(new GetUserCommand({ AccessToken: tokens.AccessToken }));
    expect(user.Username).toBe(UserSub);
    expect(user.UserAttributes).toContainEqual({ Name: 'phone_number', Value: '+821022223333' });
  });

  it('maps NotAuthorizedException to the SDK’s class after GlobalSignOut', async () => {
    await signUp('+821033334444');
    const tokens = await signIn('+821033334444');
    await cognito.send(new GlobalSignOutCommand({ AccessToken: tokens.AccessToken }));
    const refused = await cognito
      .send(new GetUserCommand({ AccessToken: tokens.AccessToken }))
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(NotAuthorizedException);
    expect((refused as Error).message).toBe('Access Token has been revoked');
  });

  it('reads a user by its phone number with AdminGetUser', async () => {
    const { UserSub } = await signUp('+821044445555');
    const user = await cognito.send(
      new AdminGetUserCommand({ UserPoolId: USER_POOL_ID, Username: '+821044445555' }),
    );
    expect(user).toMatchObject({ Username: UserSub, Enabled: true, UserStatus: 'CONFIRMED' });
    expect(user.UserCreateDate).toBeInstanceOf(Date);
    expect(Math.abs(user.UserCreateDate!.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it('adds to and removes from groups, which then show in new tokens', async () => {
    const { UserSub } = await signUp('+821055556666');
    await cognito.send(
      new AdminAddUserToGroupCommand({ UserPoolId: USER_POOL_ID, Username: UserSub, GroupName: 'BROKERS' }),
    );
    await cognito.send(
      new AdminRemoveUserFromGroupCommand({
        UserPoolId: USER_POOL_ID,
        Username: UserSub,
        GroupName: 'USERS',
      }),
    );
    const groups = await cognito.send(
      new AdminListGroupsForUserCommand({ UserPoolId: USER_POOL_ID, Username: UserSub }),
    );
    expect(groups.Groups?.map((group) => group.GroupName)).toEqual(['BROKERS']);
    const tokens = await signIn('+821055556666');
    const claims = await service.verifyAccessToken(tokens.AccessToken!);
    expect(claims['cognito:groups']).toEqual(['BROKERS']);
  });

  it('refuses a group the pool does not have, a user it does not have and another pool', async () => {
    const { UserSub } = await signUp('+821066667777');
    const cases = [
      new AdminAddUserToGroupCommand({ UserPoolId: USER_POOL_ID, Username: UserSub, GroupName: 'VIPS' }),
      new AdminGetUserCommand({ UserPoolId: USER_POOL_ID, Username: '+821099990000' }),
      new AdminGetUserCommand({ UserPoolId: 'ap-northeast-2_Other', Username: UserSub }),
    ] as const;
    const errors = await Promise.all(
      cases.map((command) => cognito.send(command as never).catch((e: unknown) => e)),
    );
    expect(errors[0]).toBeInstanceOf(ResourceNotFoundException);
    expect((errors[0] as Error).message).toBe('Group not found.');
    expect(errors[1]).toBeInstanceOf(UserNotFoundException);
    expect(errors[2]).toBeInstanceOf(ResourceNotFoundException);
    expect((errors[2] as Error).message).toBe('User pool ap-northeast-2_Other does not exist.');
  });

  it('finds users with ListUsers filters on phone_number and sub', async () => {
    const { UserSub } = await signUp('+821077778888');
    const byPhone = await cognito.send(
      new ListUsersCommand({ UserPoolId: USER_POOL_ID, Filter: 'phone_number = "+821077778888"' }),
    );
    expect(byPhone.Users?.map((user) => user.Username)).toEqual([UserSub]);
    const bySub = await cognito.send(
      new ListUsersCommand({ UserPoolId: USER_POOL_ID, Filter: `sub = "${UserSub}"` }),
    );
    expect(bySub.Users).toEqual([
      expect.objectContaining({
        Username: UserSub,
        Enabled: true,
        UserStatus: 'CONFIRMED',
        UserCreateDate: expect.any(Date),
      }),
    ]);
    const byPrefix = await cognito.send(
      new ListUsersCommand({ UserPoolId: USER_POOL_ID, Filter: 'phone_number ^= "+8210777"' }),
    );
    expect(byPrefix.Users?.map((user) => user.Username)).toEqual([UserSub]);
    const none = await cognito.send(
      new ListUsersCommand({ UserPoolId: USER_POOL_ID, Filter: 'phone_number = "+820"' }),
    );
    expect(none.Users).toEqual([]);
  });

  it('pages ListUsers with Limit and PaginationToken', async () => {
    const all = (await cognito.send(new ListUsersCommand({ UserPoolId: USER_POOL_ID }))).Users!;
    expect(all.length).toBeGreaterThan(2);
    const first = await cognito.send(new ListUsersCommand({ UserPoolId: USER_POOL_ID, Limit: 2 }));
    const rest = await cognito.send(
      new ListUsersCommand({ UserPoolId: USER_POOL_ID, Limit: 60, PaginationToken: first.PaginationToken }),
    );
    expect([...first.Users!, ...rest.Users!].map((user) => user.Username)).toEqual(
      all.map((user) => user.Username),
    );
    expect(rest.PaginationToken).toBeUndefined();
  });

  it('refuses sign-in to a disabled user and signs it in again once enabled', async () => {
    const { UserSub } = await signUp('+821088889999');
    const tokens = await signIn('+821088889999');
    await cognito.send(new AdminDisableUserCommand({ UserPoolId: USER_POOL_ID, Username: UserSub }));
    const refused = await signIn('+821088889999').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(NotAuthorizedException);
    expect((refused as Error).message).toBe('User is disabled.');
    await expect(service.verifyAccessToken(tokens.AccessToken!)).rejects.toThrow();
    await cognito.send(new AdminEnableUserCommand({ UserPoolId: USER_POOL_ID, Username: UserSub }));
    await expect(signIn('+821088889999')).resolves.toHaveProperty('AccessToken');
  });

  it('signs a user out everywhere with AdminUserGlobalSignOut and deletes it with AdminDeleteUser', async () => {
    const { UserSub } = await signUp('+821090901212');
    const tokens = await signIn('+821090901212');
    await cognito.send(new AdminUserGlobalSignOutCommand({ UserPoolId: USER_POOL_ID, Username: UserSub }));
    await expect(service.verifyAccessToken(tokens.AccessToken!)).rejects.toThrow(
      'Access Token has been revoked',
    );
    await cognito.send(new AdminDeleteUserCommand({ UserPoolId: USER_POOL_ID, Username: UserSub }));
    const gone = await cognito
      .send(new AdminGetUserCommand({ UserPoolId: USER_POOL_ID, Username: UserSub }))
      .catch((e) => e);
    expect(gone).toBeInstanceOf(UserNotFoundException);
  });

  it('tells the triggers which SDK called', async () => {
    await signUp('+821012120000');
    const event = triggers.eventsFor(TRIGGER_FUNCTIONS.preSignUp).at(-1) as {
      callerContext: { awsSdkVersion: string };
    };
    expect(event.callerContext.awsSdkVersion).toMatch(/^aws-sdk-js-3\.\d+\.\d+$/);
  });
});

describe('IAM-authorized calls (Admin*, ListUsers) need a signature from a function whose role allows them', () => {
  const rawCall = (operation: string, body: object, headers: Record<string, string> = {}) =>
    fetch(server.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': `AWSCognitoIdentityProviderService.${operation}`,
        ...headers,
      },
      body: JSON.stringify(body),
    });

  it('refuses an unsigned ListUsers or AdminAddUserToGroup and changes nothing', async () => {
    const { UserSub } = await signUp('+821066660001');
    const listed = await rawCall('ListUsers', { UserPoolId: USER_POOL_ID });
    expect(listed.status).toBe(400);
    expect(await listed.json()).toEqual({
      __type: 'MissingAuthenticationTokenException',
      message: 'Missing Authentication Token',
    });
    const added = await rawCall('AdminAddUserToGroup', {
      UserPoolId: USER_POOL_ID,
      Username: UserSub,
      GroupName: 'ADMINS',
    });
    expect(((await added.json()) as { __type: string }).__type).toBe('MissingAuthenticationTokenException');
    const groups = await cognito.send(
      new AdminListGroupsForUserCommand({ UserPoolId: USER_POOL_ID, Username: UserSub }),
    );
    expect(groups.Groups?.map((group) => group.GroupName)).not.toContain('ADMINS');
  });

  it('refuses a header naming a function’s key without its signature', async () => {
    const accessKeyId = credentialsOf('user-admin').accessKeyId;
    const response = await rawCall(
      'ListUsers',
      { UserPoolId: USER_POOL_ID },
      {
        authorization: `AWS4-HMAC-SHA256 Credential=${accessKeyId}/20261207/ap-northeast-2/cognito-idp/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`,
        'x-amz-date': new Date().toISOString().replace(/[-:]|\.\d{3}/g, ''),
      },
    );
    expect(((await response.json()) as { __type: string }).__type).toBe('InvalidSignatureException');
  });

  it('refuses a wrong secret key and an unknown access key', async () => {
    const wrongSecret = clientAs({
      accessKeyId: credentialsOf('user-admin').accessKeyId,
      secretAccessKey: 'guessed',
    });
    await expect(wrongSecret.send(new ListUsersCommand({ UserPoolId: USER_POOL_ID }))).rejects.toMatchObject({
      name: 'InvalidSignatureException',
    });
    const stranger = clientAs({ accessKeyId: 'ASIALOCALSTRANGER', secretAccessKey: 'guessed' });
    await expect(stranger.send(new ListUsersCommand({ UserPoolId: USER_POOL_ID }))).rejects.toMatchObject({
      name: 'UnrecognizedClientException',
    });
  });

  it('refuses a call the function’s role does not allow, naming the role and the action', async () => {
    const groupAdder = clientAs(credentialsOf('group-adder'));
    const { UserSub } = await signUp('+821066660002');
    await groupAdder.send(
      new AdminAddUserToGroupCommand({ UserPoolId: USER_POOL_ID, Username: UserSub!, GroupName: 'BROKERS' }),
    );
    await expect(groupAdder.send(new ListUsersCommand({ UserPoolId: USER_POOL_ID }))).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message:
        `User: arn:aws:sts::${LOCAL_ACCOUNT}:assumed-role/group-adder-role/group-adder is not authorized to perform: ` +
        `cognito-idp:ListUsers on resource: ${POOL_ARN} because no identity-based policy allows the cognito-idp:ListUsers action`,
    });
    await expect(
      groupAdder.send(new AdminDeleteUserCommand({ UserPoolId: USER_POOL_ID, Username: UserSub! })),
    ).rejects.toMatchObject({ name: 'AccessDeniedException' });
    expect(
      (await cognito.send(new AdminGetUserCommand({ UserPoolId: USER_POOL_ID, Username: UserSub! }))).Enabled,
    ).toBe(true);
  });

  it('keeps the app’s own calls (SignUp, InitiateAuth) free of AWS credentials', async () => {
    const response = await rawCall('SignUp', {
      ClientId: CLIENT_ID,
      Username: '+821066660003',
      Password: 'Random-Pa55',
    });
    expect(response.status).toBe(200);
  });
});
