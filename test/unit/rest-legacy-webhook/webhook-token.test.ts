import { createSecretKey } from 'node:crypto';
import { SignJWT, UnsecuredJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_WEBHOOK_AUDIENCE,
  DEFAULT_WEBHOOK_ISSUER,
  verifyWebhookToken,
  webhookTokenSettings,
} from '../../../amplify/functions/rest-legacy-webhook/webhook-token';
import { InvalidConfigError, MissingConfigError } from '../../../amplify/functions/shared/config';
import {
  AUDIENCE,
  ecKeyPair,
  ISSUER,
  LEGACY_KEY,
  legacyToken,
  NOW,
  NOW_S,
} from '../../support/rest-fixtures';

const settings = { key: LEGACY_KEY.publicPem, issuer: ISSUER, audience: AUDIENCE };
const SECRET = 'a-shared-webhook-secret-of-at-least-32-bytes';
const secretKey = new TextEncoder().encode(SECRET);

const check = async (header: string | undefined, options = settings) =>
  verifyWebhookToken(header, options, NOW);
const bearer = (token: string) => `Bearer ${token}`;

async function reasonFor(header: string | undefined, options = settings): Promise<string> {
  const result = await check(header, options);
  if (result.ok) throw new Error('the token was accepted');
  return result.reason;
}

describe('verifyWebhookToken', () => {
  it('accepts an ES256 token from the legacy side, with its subject and kid', async () => {
    expect(await check(bearer(await legacyToken()))).toEqual({
      ok: true,
      subject: 'crm',
      kid: 'legacy-2026-03',
    });
  });

  it('accepts an HS256 token when the key is a shared secret of at least 32 bytes', async () => {
    const token = await legacyToken({}, secretKey, 'HS256');
    expect((await check(bearer(token), { ...settings, key: SECRET })).ok).toBe(true);
  });

  it('accepts a token without kid or sub', async () => {
    const token = await new SignJWT({ iss: ISSUER, aud: AUDIENCE, iat: NOW_S, exp: NOW_S + 60 })
      .setProtectedHeader({ alg: 'ES256' })
      .sign(LEGACY_KEY.privateKey);
    expect(await check(bearer(token))).toEqual({ ok: true, subject: undefined, kid: undefined });
  });

  it('takes the scheme name in any case', async () => {
    expect((await check(`bearer ${await legacyToken()}`)).ok).toBe(true);
  });

  it.each([
    ['no header', undefined, 'missing_token'],
    ['an empty header', '', 'missing_token'],
    ['a Basic header', 'Basic Y3JtOnNlY3JldA==', 'not_bearer'],
    ['Bearer without a token', 'Bearer ', 'not_bearer'],
    ['two tokens', 'Bearer a.b.c d.e.f', 'not_bearer'],
    ['garbage', 'Bearer not-a-jwt', 'malformed'],
    ['three garbage segments', 'Bearer aaa.bbb.ccc', 'malformed'],
  ])('refuses %s', async (_name, header, reason) => {
    expect(await reasonFor(header)).toBe(reason);
  });

  it.each([
    ['expired', { iat: NOW_S - 200, exp: NOW_S - 60 }, 'expired'],
    ['issued in the future', { iat: NOW_S + 60, exp: NOW_S + 120 }, 'issued_in_future'],
    ['living longer than 5 minutes', { iat: NOW_S, exp: NOW_S + 301 }, 'lifetime_too_long'],
    ['issued long ago with a late expiry', { iat: NOW_S - 400, exp: NOW_S + 60 }, 'lifetime_too_long'],
    ['not valid yet (nbf)', { nbf: NOW_S + 60 }, 'not_yet_valid'],
    ['from another issuer', { iss: 'someone-else' }, 'wrong_issuer'],
    ['for another audience', { aud: 'bootalk-amplify' }, 'wrong_audience'],
    ['without exp', { exp: undefined }, 'missing_claim_exp'],
    ['without iat', { iat: undefined }, 'missing_claim_iat'],
    ['without iss', { iss: undefined }, 'missing_claim_iss'],
    ['without aud', { aud: undefined }, 'missing_claim_aud'],
  ])('refuses a token %s', async (_name, claims, reason) => {
    expect(await reasonFor(bearer(await legacyToken(claims)))).toBe(reason);
  });

  it('refuses alg none', async () => {
    const token = new UnsecuredJWT({ iss: ISSUER, aud: AUDIENCE, iat: NOW_S, exp: NOW_S + 60 }).encode();
    expect(await reasonFor(bearer(token))).toBe('algorithm_not_allowed');
  });

  it('refuses an HS256 token when the key is an EC public key, even one "signed" with that public key', async () => {
    const confused = createSecretKey(Buffer.from(LEGACY_KEY.publicPem));
    expect(await reasonFor(bearer(await legacyToken({}, confused, 'HS256')))).toBe('algorithm_not_allowed');
    expect(await reasonFor(bearer(await legacyToken({}, secretKey, 'HS256')))).toBe('algorithm_not_allowed');
  });

  it('refuses an ES256 token when the key is a shared secret', async () => {
    expect(await reasonFor(bearer(await legacyToken()), { ...settings, key: SECRET })).toBe(
      'algorithm_not_allowed',
    );
  });

  it('refuses a token signed with another key', async () => {
    const other = ecKeyPair();
    expect(await reasonFor(bearer(await legacyToken({}, other.privateKey)))).toBe('bad_signature');
    const otherSecret = new TextEncoder().encode('another-shared-secret-of-at-least-32-bytes');
    expect(
      await reasonFor(bearer(await legacyToken({}, otherSecret, 'HS256')), { ...settings, key: SECRET }),
    ).toBe('bad_signature');
  });

  it('refuses a token whose payload was changed after signing', async () => {
    const [header, , signature] = (await legacyToken()).split('.');
    const payload = Buffer.from(
      JSON.stringify({ iss: ISSUER, aud: AUDIENCE, iat: NOW_S, exp: NOW_S + 300, sub: 'admin' }),
    ).toString('base64url');
    expect(await reasonFor(bearer(`${header}.${payload}.${signature}`))).toBe('bad_signature');
  });

  describe('clock tolerance of 5 seconds', () => {
    it('accepts a token that expired 4 seconds ago and refuses one that expired 5 seconds ago', async () => {
      expect((await check(bearer(await legacyToken({ iat: NOW_S - 100, exp: NOW_S - 4 })))).ok).toBe(true);
      expect(await reasonFor(bearer(await legacyToken({ iat: NOW_S - 100, exp: NOW_S - 5 })))).toBe(
        'expired',
      );
    });

    it('accepts an iat 5 seconds ahead and refuses one 6 seconds ahead', async () => {
      expect((await check(bearer(await legacyToken({ iat: NOW_S + 5, exp: NOW_S + 65 })))).ok).toBe(true);
      expect(await reasonFor(bearer(await legacyToken({ iat: NOW_S + 6, exp: NOW_S + 66 })))).toBe(
        'issued_in_future',
      );
    });

    it('accepts a lifetime of exactly 5 minutes and refuses one second more', async () => {
      expect((await check(bearer(await legacyToken({ iat: NOW_S, exp: NOW_S + 300 })))).ok).toBe(true);
      expect(await reasonFor(bearer(await legacyToken({ iat: NOW_S, exp: NOW_S + 301 })))).toBe(
        'lifetime_too_long',
      );
    });
  });

  it('fails as a configuration error, not a 401, when the key is unusable', async () => {
    const token = bearer(await legacyToken());
    await expect(check(token, { ...settings, key: 'too-short' })).rejects.toBeInstanceOf(InvalidConfigError);
    await expect(
      check(token, { ...settings, key: '-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----' }),
    ).rejects.toBeInstanceOf(InvalidConfigError);
  });
});

describe('webhookTokenSettings', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('reads the key from LEGACY_WEBHOOK_KEY and defaults issuer and audience', () => {
    process.env.LEGACY_WEBHOOK_KEY = SECRET;
    delete process.env.LEGACY_WEBHOOK_ISSUER;
    delete process.env.LEGACY_WEBHOOK_AUDIENCE;
    expect(webhookTokenSettings()).toEqual({
      key: SECRET,
      issuer: DEFAULT_WEBHOOK_ISSUER,
      audience: DEFAULT_WEBHOOK_AUDIENCE,
    });
    expect([DEFAULT_WEBHOOK_ISSUER, DEFAULT_WEBHOOK_AUDIENCE]).toEqual([
      'bootalk-legacy-api',
      'bootalk-amplify',
    ]);
  });

  it('takes the per-stage audience from the environment', () => {
    process.env.LEGACY_WEBHOOK_KEY = SECRET;
    process.env.LEGACY_WEBHOOK_AUDIENCE = 'bootalk-amplify-dev';
    expect(webhookTokenSettings().audience).toBe('bootalk-amplify-dev');
  });

  it('refuses to run without a key', () => {
    delete process.env.LEGACY_WEBHOOK_KEY;
    expect(() => webhookTokenSettings()).toThrow(MissingConfigError);
  });
});
