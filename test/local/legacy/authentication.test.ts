import { SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AUDIENCE,
  call,
  ecKeyPair,
  ISSUER,
  keys,
  NOW,
  startTestLegacyApi,
  stopAll,
  tokensFor,
} from './legacy-fixture';

afterEach(stopAll);

describe('Legacy API stand-in: service token authentication', () => {
  it('refuses a call without a token with 401 and records it as unauthorized', async () => {
    const api = await startTestLegacyApi();
    const response = await call(api, 'GET', '/v1/brokers', { token: null });

    expect(response.status).toBe(401);
    expect(response.json).toEqual({ error: 'unauthorized', message: 'Service token rejected: missing' });
    expect(api.calls.list()).toEqual([
      expect.objectContaining({
        method: 'GET',
        path: '/v1/brokers',
        status: 401,
        authorized: false,
        authError: 'missing',
      }),
    ]);
  });

  it('refuses a token minted for another audience', async () => {
    const api = await startTestLegacyApi();
    const token = await tokensFor({ audience: 'some-other-api' }).token();
    const response = await call(api, 'GET', '/v1/brokers', { token });

    expect(response.status).toBe(401);
    expect(response.json.message).toContain('ERR_JWT_CLAIM_VALIDATION_FAILED');
    expect(api.calls.list()[0]).toMatchObject({ status: 401, authorized: false });
    expect(api.calls.list()[0]!.subject).toBeUndefined();
  });

  it('refuses a token from another issuer', async () => {
    const api = await startTestLegacyApi();
    const token = await tokensFor({ issuer: 'gen1-lambda' }).token();
    expect((await call(api, 'GET', '/v1/brokers', { token })).status).toBe(401);
  });

  it('refuses an expired token even within a minute of its expiry', async () => {
    const api = await startTestLegacyApi();
    // Minted 6 minutes ago with the 5-minute lifetime: expired a minute ago, beyond the 5 s tolerance.
    const token = await tokensFor({ now: () => NOW - 6 * 60_000 }).token();
    const response = await call(api, 'GET', '/v1/brokers', { token });

    expect(response.status).toBe(401);
    expect(response.json.message).toContain('ERR_JWT_EXPIRED');
  });

  it('refuses a token signed with a different key', async () => {
    const api = await startTestLegacyApi();
    const token = await tokensFor({ key: ecKeyPair().privatePem }).token();
    const response = await call(api, 'GET', '/v1/brokers', { token });

    expect(response.status).toBe(401);
    expect(response.json.message).toContain('ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
  });

  it('refuses an HS256 token when it verifies with an EC key (the algorithm is pinned)', async () => {
    const api = await startTestLegacyApi();
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject('forged')
      .setIssuedAt(NOW / 1000)
      .setExpirationTime(NOW / 1000 + 60)
      .sign(new TextEncoder().encode(keys.publicPem));

    expect((await call(api, 'GET', '/v1/brokers', { token })).status).toBe(401);
  });

  it('refuses a header that is not a Bearer token', async () => {
    const api = await startTestLegacyApi();
    const token = await tokensFor().token();
    const response = await fetch(`${api.url}/v1/brokers`, { headers: { authorization: token } });

    expect(response.status).toBe(401);
    expect(api.calls.list()[0]!.authError).toBe('not a Bearer token');
  });

  it('accepts a token minted by the functions’ own provider and records who called', async () => {
    const api = await startTestLegacyApi();
    const token = await tokensFor({ subject: 'data-sync' }).token();
    const response = await call(api, 'GET', '/v1/brokers?limit=2', { token });

    expect(response.status).toBe(200);
    expect(api.calls.list()).toEqual([
      expect.objectContaining({
        id: expect.any(String),
        at: new Date(NOW).toISOString(),
        method: 'GET',
        path: '/v1/brokers',
        query: 'limit=2',
        status: 200,
        authorized: true,
        subject: 'data-sync',
      }),
    ]);
  });

  it('verifies HS256 tokens when it is given the shared secret', async () => {
    const secret = 'a-local-shared-secret-of-at-least-32-bytes';
    const api = await startTestLegacyApi({
      verification: { key: secret, issuer: ISSUER, audience: AUDIENCE },
    });

    expect(
      (await call(api, 'GET', '/v1/listings', { token: await tokensFor({ key: secret }).token() })).status,
    ).toBe(200);
    expect((await call(api, 'GET', '/v1/listings', { token: await tokensFor().token() })).status).toBe(401);
  });

  it('answers /health without a token', async () => {
    const api = await startTestLegacyApi();
    const response = await call(api, 'GET', '/health', { token: null });

    expect(response).toMatchObject({ status: 200, json: { status: 'ok' } });
    expect(api.calls.list()[0]).toMatchObject({ authorized: true, status: 200 });
  });

  it('checks the token before saying a route does not exist', async () => {
    const api = await startTestLegacyApi();

    expect((await call(api, 'GET', '/v1/nothing-here', { token: null })).status).toBe(401);
    expect((await call(api, 'GET', '/v1/nothing-here')).status).toBe(404);
    expect((await call(api, 'PUT', '/v1/events', { body: {} })).status).toBe(405);
  });

  it('refuses to start with a key it cannot verify with', async () => {
    await expect(
      startTestLegacyApi({ verification: { key: 'short', issuer: ISSUER, audience: AUDIENCE } }),
    ).rejects.toThrow(/at least 32 bytes/);
  });
});
