import { randomBytes } from 'node:crypto';
import { Amplify } from 'aws-amplify';
import { confirmSignIn, fetchAuthSession, getCurrentUser, signIn, signOut, signUp } from 'aws-amplify/auth';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CognitoServer,
  type CognitoService,
  createCognitoService,
  startCognitoServer,
} from '../../../local/cognito/server';
import { CLIENT_ID, fakeTriggerInvoker, RIGHT_CODE, testConfig, USER_POOL_ID } from './fake-triggers';

// The real client, configured as the app is apart from userPoolEndpoint (DESIGN §6). In Node it
// keeps tokens in memory; plain http://127.0.0.1 is accepted as the endpoint.
const PHONE = '+821012345678';
let service: CognitoService;
let server: CognitoServer;

beforeAll(async () => {
  service = createCognitoService({ config: testConfig(), invoker: fakeTriggerInvoker().invoker });
  server = await startCognitoServer({ service });
  Amplify.configure({
    Auth: {
      Cognito: { userPoolId: USER_POOL_ID, userPoolClientId: CLIENT_ID, userPoolEndpoint: server.url },
    },
  });
});
afterAll(() => server.close());

const signInWithCode = async () => {
  const started = await signIn({ username: PHONE, options: { authFlowType: 'CUSTOM_WITHOUT_SRP' } });
  expect(started.nextStep.signInStep).toBe('CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE');
  return confirmSignIn({ challengeResponse: RIGHT_CODE });
};

const currentAccessToken = async (options?: { forceRefresh: boolean }) =>
  (await fetchAuthSession(options)).tokens?.accessToken.toString();

describe('the real aws-amplify v6 client against the local endpoint', () => {
  it('signs up with a phone number and a random password, confirmed at once by the preSignUp trigger', async () => {
    const result = await signUp({ username: PHONE, password: randomBytes(24).toString('base64url') });
    expect(result).toMatchObject({ isSignUpComplete: true, nextStep: { signUpStep: 'DONE' } });
    expect(service.users.list().map((user) => user.sub)).toEqual([result.userId]);
  });

  it('is refused a second sign-up with the same phone number', async () => {
    await expect(
      signUp({ username: PHONE, password: randomBytes(24).toString('base64url') }),
    ).rejects.toMatchObject({
      name: 'UsernameExistsException',
      message: 'An account with the given phone_number already exists.',
    });
  });

  it('signs in with a custom challenge and the SMS code, and gets tokens the JWKS verifies', async () => {
    const started = await signIn({ username: PHONE, options: { authFlowType: 'CUSTOM_WITHOUT_SRP' } });
    expect(started).toMatchObject({
      isSignedIn: false,
      nextStep: { signInStep: 'CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE', additionalInfo: { codeLength: '6' } },
    });

    expect(await confirmSignIn({ challengeResponse: RIGHT_CODE })).toEqual({
      isSignedIn: true,
      nextStep: { signInStep: 'DONE' },
    });

    const { tokens } = await fetchAuthSession();
    const jwks = createRemoteJWKSet(new URL(`${server.url}/${USER_POOL_ID}/.well-known/jwks.json`));
    const issuer = `https://cognito-idp.ap-northeast-2.amazonaws.com/${USER_POOL_ID}`;
    const id = await jwtVerify(tokens!.idToken!.toString(), jwks, { audience: CLIENT_ID, issuer });
    const access = await jwtVerify(tokens!.accessToken.toString(), jwks, { issuer });
    const sub = service.users.list()[0]!.sub;
    expect(id.payload).toMatchObject({
      sub,
      token_use: 'id',
      'cognito:username': sub,
      phone_number: PHONE,
      phone_number_verified: true,
    });
    expect(access.payload).toMatchObject({ sub, username: sub, token_use: 'access', client_id: CLIENT_ID });
    expect(await getCurrentUser()).toMatchObject({ userId: sub, username: sub });
  });

  it('refreshes the tokens on fetchAuthSession({ forceRefresh: true }) within the same sign-in', async () => {
    const before = decodeJwt((await currentAccessToken())!);
    const after = decodeJwt((await currentAccessToken({ forceRefresh: true }))!);
    expect(after.jti).not.toBe(before.jti);
    expect(after.origin_jti).toBe(before.origin_jti);
    await expect(service.verifyAccessToken((await currentAccessToken())!)).resolves.toMatchObject({
      sub: before.sub,
    });
  });

  it('revokes the tokens of every sign-in of the user on signOut({ global: true })', async () => {
    const accessToken = (await currentAccessToken())!;
    await signOut({ global: true });
    expect(await currentAccessToken()).toBeUndefined();
    await expect(service.verifyAccessToken(accessToken)).rejects.toThrow('Access Token has been revoked');
  });

  it('revokes the sign-in on a plain signOut() through RevokeToken', async () => {
    await signInWithCode();
    const accessToken = (await currentAccessToken())!;
    await signOut();
    await expect(service.verifyAccessToken(accessToken)).rejects.toThrow('Access Token has been revoked');
  });

  it('offers a new challenge after a wrong code and fails the sign-in after three wrong codes', async () => {
    await signIn({ username: PHONE, options: { authFlowType: 'CUSTOM_WITHOUT_SRP' } });
    for (let attempt = 1; attempt <= 2; attempt++) {
      const next = await confirmSignIn({ challengeResponse: '000000' });
      expect(next.nextStep.signInStep).toBe('CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE');
    }
    await expect(confirmSignIn({ challengeResponse: '000000' })).rejects.toMatchObject({
      name: 'NotAuthorizedException',
      message: 'Incorrect username or password.',
    });
    expect(await currentAccessToken()).toBeUndefined();
  });

  it('gives an unknown phone number the same challenge and never signs it in', async () => {
    const started = await signIn({
      username: '+821099998888',
      options: { authFlowType: 'CUSTOM_WITHOUT_SRP' },
    });
    expect(started.nextStep.signInStep).toBe('CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE');
    await expect(confirmSignIn({ challengeResponse: RIGHT_CODE })).resolves.toMatchObject({
      isSignedIn: false,
    });
  });
});
