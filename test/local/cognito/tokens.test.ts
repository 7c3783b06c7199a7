import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, importPKCS8, jwtVerify, SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { createCognitoService } from '../../../local/cognito/server';
import { call, failure, signInUser, signUpUser, TEST_IAM } from './calls';
import {
  CLIENT_ID,
  fakeTriggerInvoker,
  TEST_SIGNING_KEY_PEM,
  testConfig,
  USER_POOL_ID,
} from './fake-triggers';

const PHONE = '+821012345678';
const ISSUER = `https://cognito-idp.ap-northeast-2.amazonaws.com/${USER_POOL_ID}`;
const tempDirs: string[] = [];
afterEach(() => {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function setUp(
  options: {
    config?: Parameters<typeof testConfig>[0];
    persistDir?: string;
    /** A key of its own rather than the file's shared one. */
    ownKey?: boolean;
    invoker?: ReturnType<typeof fakeTriggerInvoker>;
  } = {},
) {
  let clock = Date.parse('2025-03-01T00:00:00Z');
  const triggers = options.invoker ?? fakeTriggerInvoker();
  const service = createCognitoService({
    ...TEST_IAM,
    config: testConfig(options.config),
    invoker: triggers.invoker,
    persistDir: options.persistDir,
    signingKeyPem: options.persistDir || options.ownKey ? undefined : TEST_SIGNING_KEY_PEM,
    now: () => clock,
  });
  return { service, ...triggers, advance: (ms: number) => (clock += ms), at: () => clock };
}

const refresh = (service: ReturnType<typeof setUp>['service'], refreshToken: string) =>
  call(service, 'InitiateAuth', {
    ClientId: CLIENT_ID,
    AuthFlow: 'REFRESH_TOKEN_AUTH',
    AuthParameters: { REFRESH_TOKEN: refreshToken },
  });

describe('tokens', () => {
  it('signs ID and access tokens with RS256 under the kid the JWKS publishes, with Cognito’s claims', async () => {
    const { service, at } = setUp();
    const sub = await signUpUser(service, PHONE);
    await call(service, 'AdminAddUserToGroup', {
      UserPoolId: USER_POOL_ID,
      Username: sub,
      GroupName: 'USERS',
    });
    const tokens = await signInUser(service, PHONE);
    const keys = createLocalJWKSet(service.jwks());
    const now = Math.floor(at() / 1000);
    const options = { issuer: ISSUER, currentDate: new Date(at()) };

    expect(decodeProtectedHeader(tokens.IdToken)).toEqual({ alg: 'RS256', kid: service.jwks().keys[0]!.kid });
    const id = (await jwtVerify(tokens.IdToken, keys, { ...options, audience: CLIENT_ID })).payload;
    expect(id).toEqual({
      sub,
      'cognito:groups': ['USERS'],
      phone_number_verified: true,
      iss: ISSUER,
      'cognito:username': sub,
      origin_jti: expect.any(String),
      aud: CLIENT_ID,
      event_id: expect.any(String),
      token_use: 'id',
      auth_time: now,
      phone_number: PHONE,
      exp: now + 3600,
      iat: now,
      jti: expect.any(String),
    });
    const access = (await jwtVerify(tokens.AccessToken, keys, options)).payload;
    expect(access).toEqual({
      sub,
      'cognito:groups': ['USERS'],
      iss: ISSUER,
      client_id: CLIENT_ID,
      origin_jti: id.origin_jti,
      event_id: id.event_id,
      token_use: 'access',
      scope: 'aws.cognito.signin.user.admin',
      auth_time: now,
      exp: now + 3600,
      iat: now,
      jti: expect.any(String),
      username: sub,
    });
    expect(access.jti).not.toBe(id.jti);
  });

  it('leaves cognito:groups out for a user in no group', async () => {
    const { service } = setUp();
    await signUpUser(service, PHONE);
    const tokens = await signInUser(service, PHONE);
    expect(decodeJwt(tokens.IdToken)).not.toHaveProperty('cognito:groups');
    expect(decodeJwt(tokens.AccessToken)).not.toHaveProperty('cognito:groups');
  });

  it('uses the configured issuer and token lifetimes', async () => {
    const { service } = setUp({
      config: {
        issuer: 'https://127.0.0.1:4100/local-pool',
        accessTokenValidityMinutes: 5,
        idTokenValidityMinutes: 10,
      },
    });
    await signUpUser(service, PHONE);
    const tokens = await signInUser(service, PHONE);
    const access = decodeJwt(tokens.AccessToken);
    const id = decodeJwt(tokens.IdToken);
    expect(tokens.ExpiresIn).toBe(300);
    expect(access.iss).toBe('https://127.0.0.1:4100/local-pool');
    expect(access.exp! - access.iat!).toBe(300);
    expect(id.exp! - id.iat!).toBe(600);
  });

  it('refreshes with REFRESH_TOKEN_AUTH: new access and id tokens of the same sign-in, no new refresh token', async () => {
    const { service, advance } = setUp();
    const sub = await signUpUser(service, PHONE);
    const tokens = await signInUser(service, PHONE);
    advance(10 * 60_000);
    await call(service, 'AdminAddUserToGroup', {
      UserPoolId: USER_POOL_ID,
      Username: sub,
      GroupName: 'BROKERS',
    });

    const refreshed = await refresh(service, tokens.RefreshToken);
    expect(refreshed).toEqual({
      AuthenticationResult: {
        AccessToken: expect.any(String),
        IdToken: expect.any(String),
        ExpiresIn: 3600,
        TokenType: 'Bearer',
      },
      ChallengeParameters: {},
    });
    const before = decodeJwt(tokens.AccessToken);
    const after = decodeJwt(refreshed.AuthenticationResult.AccessToken);
    expect(after).toMatchObject({
      origin_jti: before.origin_jti,
      auth_time: before.auth_time,
      'cognito:groups': ['BROKERS'],
    });
    expect(after.iat).toBe(before.iat! + 600);
    expect(after.event_id).not.toBe(before.event_id);
  });

  it('refreshes with GetTokensFromRefreshToken, which aws-amplify 6 uses', async () => {
    const { service } = setUp();
    await signUpUser(service, PHONE);
    const tokens = await signInUser(service, PHONE);
    const refreshed = await call(service, 'GetTokensFromRefreshToken', {
      ClientId: CLIENT_ID,
      RefreshToken: tokens.RefreshToken,
    });
    expect(refreshed.AuthenticationResult).toMatchObject({
      TokenType: 'Bearer',
      IdToken: expect.any(String),
    });
    expect(refreshed.AuthenticationResult).not.toHaveProperty('RefreshToken');
  });

  it('refuses an unknown or expired refresh token', async () => {
    const { service, advance } = setUp({ config: { refreshTokenValidityDays: 1 } });
    await signUpUser(service, PHONE);
    const tokens = await signInUser(service, PHONE);
    await expect(refresh(service, 'not-a-token')).rejects.toMatchObject({ message: 'Invalid Refresh Token' });
    advance(24 * 60 * 60_000);
    await expect(refresh(service, tokens.RefreshToken)).rejects.toMatchObject({
      type: 'NotAuthorizedException',
      message: 'Refresh Token has expired',
    });
  });

  it('answers GetUser with the username and attributes of the access token’s user', async () => {
    const { service } = setUp();
    const sub = await signUpUser(service, PHONE);
    const tokens = await signInUser(service, PHONE);
    const user = await call(service, 'GetUser', { AccessToken: tokens.AccessToken });
    expect(user.Username).toBe(sub);
    expect(user.UserAttributes).toEqual(
      expect.arrayContaining([
        { Name: 'sub', Value: sub },
        { Name: 'phone_number', Value: PHONE },
        { Name: 'phone_number_verified', Value: 'true' },
      ]),
    );
  });

  it('revokes every access and refresh token of the user on GlobalSignOut', async () => {
    const { service } = setUp();
    await signUpUser(service, PHONE);
    const phone = await signInUser(service, PHONE);
    const tablet = await signInUser(service, PHONE);
    await call(service, 'GlobalSignOut', { AccessToken: phone.AccessToken });

    for (const tokens of [phone, tablet]) {
      expect(await failure(service, 'GetUser', { AccessToken: tokens.AccessToken })).toEqual({
        type: 'NotAuthorizedException',
        message: 'Access Token has been revoked',
      });
      await expect(refresh(service, tokens.RefreshToken)).rejects.toMatchObject({
        message: 'Refresh Token has been revoked',
      });
    }
    await expect(signInUser(service, PHONE)).resolves.toHaveProperty('AccessToken');
  });

  it('revokes one sign-in on RevokeToken and leaves the others', async () => {
    const { service } = setUp();
    await signUpUser(service, PHONE);
    const revoked = await signInUser(service, PHONE);
    const kept = await signInUser(service, PHONE);
    await call(service, 'RevokeToken', { ClientId: CLIENT_ID, Token: revoked.RefreshToken });

    await expect(service.verifyAccessToken(revoked.AccessToken)).rejects.toThrow(
      'Access Token has been revoked',
    );
    await expect(refresh(service, revoked.RefreshToken)).rejects.toMatchObject({
      message: 'Refresh Token has been revoked',
    });
    await expect(service.verifyAccessToken(kept.AccessToken)).resolves.toMatchObject({ token_use: 'access' });
  });

  it('deletes the signed-in user on DeleteUser', async () => {
    const { service } = setUp();
    await signUpUser(service, PHONE);
    const tokens = await signInUser(service, PHONE);
    await call(service, 'DeleteUser', { AccessToken: tokens.AccessToken });
    expect(service.users.list()).toEqual([]);
    await expect(call(service, 'GetUser', { AccessToken: tokens.AccessToken })).rejects.toMatchObject({
      type: 'NotAuthorizedException',
    });
  });
});

describe('verifyAccessToken', () => {
  it('refuses an expired access token', async () => {
    const { service, advance } = setUp();
    await signUpUser(service, PHONE);
    const tokens = await signInUser(service, PHONE);
    advance(3600 * 1000 + 1000);
    await expect(service.verifyAccessToken(tokens.AccessToken)).rejects.toMatchObject({
      type: 'NotAuthorizedException',
      message: 'Access Token has expired',
    });
  });

  it('refuses an ID token, a token with a changed payload and a token from another key', async () => {
    const { service } = setUp();
    await signUpUser(service, PHONE);
    const tokens = await signInUser(service, PHONE);
    const [header, , signature] = tokens.AccessToken.split('.');
    const forgedPayload = Buffer.from(
      JSON.stringify({ ...decodeJwt(tokens.AccessToken), 'cognito:groups': ['ADMINS'] }),
    ).toString('base64url');
    const otherService = setUp({ ownKey: true }).service;
    const foreign = await new SignJWT(decodeJwt(tokens.AccessToken))
      .setProtectedHeader({ alg: 'RS256', kid: service.jwks().keys[0]!.kid! })
      .sign(await importPKCS8(otherService.signingKeyPem, 'RS256'));

    for (const token of [tokens.IdToken, `${header}.${forgedPayload}.${signature}`, foreign, 'garbage']) {
      await expect(service.verifyAccessToken(token)).rejects.toMatchObject({
        message: 'Invalid Access Token',
      });
    }
    await expect(service.verifyAccessToken(tokens.AccessToken)).resolves.toMatchObject({
      token_use: 'access',
    });
  });
});

describe('persistence', () => {
  it('keeps users, refresh tokens and the signing key across a restart when given a folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cognito-local-'));
    tempDirs.push(dir);
    const first = setUp({ persistDir: dir }).service;
    const sub = await signUpUser(first, PHONE);
    const tokens = await signInUser(first, PHONE);

    const restarted = setUp({ persistDir: dir }).service;
    expect(restarted.jwks()).toEqual(first.jwks());
    expect(restarted.users.list().map((user) => user.sub)).toEqual([sub]);
    await expect(restarted.verifyAccessToken(tokens.AccessToken)).resolves.toMatchObject({ sub });
    await expect(refresh(restarted, tokens.RefreshToken)).resolves.toHaveProperty('AuthenticationResult');
  });

  it('starts empty with a new key without a folder', async () => {
    const first = setUp({ ownKey: true }).service;
    await signUpUser(first, PHONE);
    const second = setUp({ ownKey: true }).service;
    expect(second.users.list()).toEqual([]);
    expect(second.jwks().keys[0]!.kid).not.toBe(first.jwks().keys[0]!.kid);
  });
});

describe('preTokenGeneration', () => {
  it('adds and suppresses ID token claims and overrides the groups, as the V1 trigger asks', async () => {
    const triggers = fakeTriggerInvoker({
      'auth-pre-token': (event) => {
        event.response.claimsOverrideDetails = {
          claimsToAddOrOverride: { 'custom:tier': 'gold' },
          claimsToSuppress: ['phone_number'],
          groupOverrideDetails: { groupsToOverride: ['ADMINS'] },
        };
        return event;
      },
    });
    const config = { triggers: { ...testConfig().triggers, preTokenGeneration: 'auth-pre-token' } };
    const { service, eventsFor } = setUp({ config, invoker: triggers });
    await signUpUser(service, PHONE);
    const tokens = await signInUser(service, PHONE);

    const id = decodeJwt(tokens.IdToken);
    expect(id).toMatchObject({ 'custom:tier': 'gold', 'cognito:groups': ['ADMINS'] });
    expect(id).not.toHaveProperty('phone_number');
    expect(decodeJwt(tokens.AccessToken)).toMatchObject({ 'cognito:groups': ['ADMINS'] });
    expect(eventsFor('auth-pre-token')[0]).toMatchObject({
      triggerSource: 'TokenGeneration_Authentication',
      request: { groupConfiguration: { groupsToOverride: [] }, userAttributes: { phone_number: PHONE } },
    });
  });
});
