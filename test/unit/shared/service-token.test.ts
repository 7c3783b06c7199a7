import { generateKeyPairSync } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  createServiceTokenProvider,
  ServiceTokenKeyError,
  ServiceTokenRejectedError,
  verifyServiceToken,
} from '../../../amplify/functions/shared/service-token';

function ecKeyPair() {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

const ec = ecKeyPair();
const secret = 'a-shared-secret-that-is-at-least-32-bytes-long';
const T0 = Date.UTC(2026, 0, 1, 0, 0, 0);

function provider(key: string, clock: { now: number }, ttlSeconds?: number) {
  return createServiceTokenProvider({
    key,
    kid: 'key-2026-01',
    issuer: 'bootalk-amplify',
    audience: 'bootalk-legacy-api',
    subject: 'legacy-event-relay',
    now: () => clock.now,
    ...(ttlSeconds ? { ttlSeconds } : {}),
  });
}

const verifyOptions = {
  issuer: 'bootalk-amplify',
  audience: 'bootalk-legacy-api',
  currentDate: new Date(T0),
};

describe('createServiceTokenProvider', () => {
  it('mints an ES256 token with kid, iss, aud, sub, iat, exp and a UUID jti for an EC key', async () => {
    const token = await provider(ec.privatePem, { now: T0 }).token();
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'ES256', kid: 'key-2026-01', typ: 'JWT' });
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({
      iss: 'bootalk-amplify',
      aud: 'bootalk-legacy-api',
      sub: 'legacy-event-relay',
      iat: T0 / 1000,
      exp: T0 / 1000 + 300,
    });
    expect(claims.jti).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    await expect(verifyServiceToken(token, { ...verifyOptions, key: ec.publicPem })).resolves.toMatchObject({
      subject: 'legacy-event-relay',
      kid: 'key-2026-01',
    });
  });

  it('mints an HS256 token for a shared secret', async () => {
    const token = await provider(secret, { now: T0 }).token();
    expect(decodeProtectedHeader(token).alg).toBe('HS256');
    await expect(verifyServiceToken(token, { ...verifyOptions, key: secret })).resolves.toMatchObject({
      issuer: 'bootalk-amplify',
    });
  });

  it('never issues a token that lives longer than five minutes', async () => {
    const claims = decodeJwt(await provider(secret, { now: T0 }, 120).token());
    expect(claims.exp! - claims.iat!).toBe(120);
    expect(() => provider(secret, { now: T0 }, 301)).toThrow(RangeError);
  });

  it('reuses the cached token until 60 seconds before expiry, then mints a new one', async () => {
    const clock = { now: T0 };
    const tokens = provider(secret, clock);
    const first = await tokens.token();
    clock.now = T0 + 239_000;
    expect(await tokens.token()).toBe(first);
    clock.now = T0 + 240_000;
    const second = await tokens.token();
    expect(second).not.toBe(first);
    expect(decodeJwt(second).iat).toBe(T0 / 1000 + 240);
  });

  it('mints a new token after invalidate()', async () => {
    const tokens = provider(secret, { now: T0 });
    const first = await tokens.token();
    tokens.invalidate();
    const second = await tokens.token();
    expect(second).not.toBe(first);
    expect(decodeJwt(second).jti).not.toBe(decodeJwt(first).jti);
  });

  it('refuses an RSA key, a non-key PEM block and a short secret', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    expect(() => provider(rsa, { now: T0 })).toThrow(ServiceTokenKeyError);
    expect(() =>
      provider('-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----', { now: T0 }),
    ).toThrow(ServiceTokenKeyError);
    expect(() => provider('too-short', { now: T0 })).toThrow(ServiceTokenKeyError);
  });
});

describe('verifyServiceToken', () => {
  async function signed(claims: { iss?: string; aud?: string; iat?: number; exp?: number }, key = secret) {
    const iat = claims.iat ?? T0 / 1000;
    return new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', kid: 'k' })
      .setIssuer(claims.iss ?? 'bootalk-amplify')
      .setAudience(claims.aud ?? 'bootalk-legacy-api')
      .setSubject('s')
      .setIssuedAt(iat)
      .setExpirationTime(claims.exp ?? iat + 300)
      .sign(new TextEncoder().encode(key));
  }

  it.each([
    ['a wrong audience', { aud: 'someone-else' }],
    ['a wrong issuer', { iss: 'gen1-lambda' }],
    ['an expired token beyond the clock tolerance', { iat: T0 / 1000 - 400, exp: T0 / 1000 - 31 }],
    ['a token that lives longer than five minutes', { exp: T0 / 1000 + 3600 }],
  ])('refuses %s', async (_label, claims) => {
    await expect(verifyServiceToken(await signed(claims), { ...verifyOptions, key: secret })).rejects.toThrow(
      ServiceTokenRejectedError,
    );
  });

  it('accepts a token that expired within the clock tolerance', async () => {
    const token = await signed({ iat: T0 / 1000 - 320, exp: T0 / 1000 - 20 });
    await expect(verifyServiceToken(token, { ...verifyOptions, key: secret })).resolves.toBeDefined();
  });

  it('refuses alg none', async () => {
    const token = new UnsecuredJWT({})
      .setIssuer('bootalk-amplify')
      .setAudience('bootalk-legacy-api')
      .setSubject('s')
      .setIssuedAt(T0 / 1000)
      .setExpirationTime(T0 / 1000 + 300)
      .encode();
    await expect(verifyServiceToken(token, { ...verifyOptions, key: secret })).rejects.toThrow(
      ServiceTokenRejectedError,
    );
  });

  it('refuses a token signed with another key', async () => {
    const other = ecKeyPair();
    const token = await provider(other.privatePem, { now: T0 }).token();
    await expect(verifyServiceToken(token, { ...verifyOptions, key: ec.publicPem })).rejects.toThrow(
      ServiceTokenRejectedError,
    );
    const hsToken = await signed({}, 'another-shared-secret-also-32-bytes-or-more');
    await expect(verifyServiceToken(hsToken, { ...verifyOptions, key: secret })).rejects.toThrow(
      ServiceTokenRejectedError,
    );
  });

  it('refuses an HS256 token when the verifier holds an EC key (no algorithm confusion)', async () => {
    const token = await signed({}, ec.publicPem);
    await expect(verifyServiceToken(token, { ...verifyOptions, key: ec.publicPem })).rejects.toThrow(
      ServiceTokenRejectedError,
    );
  });

  it('accepts the private PEM in place of the public key', async () => {
    const token = await provider(ec.privatePem, { now: T0 }).token();
    await expect(verifyServiceToken(token, { ...verifyOptions, key: ec.privatePem })).resolves.toBeDefined();
  });
});
