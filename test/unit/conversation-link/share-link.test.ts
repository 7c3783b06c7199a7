import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  createShareToken,
  DEFAULT_SHARE_LINK_TTL_MS,
  verifyShareToken,
} from '../../../amplify/functions/conversation-link/share-link';
import { UserFacingError } from '../../../amplify/functions/shared/errors';

const secret = 'share-link-test-secret-0123456789abcdef';
const subject = { conversationId: 'c0f3a9d2-1111-5222-8333-444455556666', listingId: 'LST-20001' };
const now = new Date('2025-03-14T02:00:00.000Z');
const HOUR = 60 * 60 * 1000;

function failure(token: unknown, at = now, key = secret) {
  const result = verifyShareToken(token, key, at);
  if (result.ok) throw new Error('expected the token to be refused');
  expect(result.error).toBeInstanceOf(UserFacingError);
  return result;
}

describe('share links', () => {
  it('round-trip the conversation and listing until they expire', () => {
    const token = createShareToken(subject, secret, now, HOUR);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(verifyShareToken(token, secret, new Date(now.getTime() + HOUR - 1000))).toEqual({
      ok: true,
      value: { ...subject, exp: (now.getTime() + HOUR) / 1000 },
    });
  });

  it('last a week by default', () => {
    const token = createShareToken(subject, secret, now);
    expect(
      verifyShareToken(token, secret, new Date(now.getTime() + DEFAULT_SHARE_LINK_TTL_MS - 1000)).ok,
    ).toBe(true);
    expect(failure(token, new Date(now.getTime() + DEFAULT_SHARE_LINK_TTL_MS)).reason).toBe('expired');
  });

  it('are refused once expired, with their own message', () => {
    const token = createShareToken(subject, secret, now, HOUR);
    const result = failure(token, new Date(now.getTime() + HOUR));
    expect(result.reason).toBe('expired');
    expect(result.error.message).toMatch(/^SHARE_LINK_EXPIRED: .*만료.*\(This share link has expired\.\)$/);
  });

  it('are refused when the payload is changed, even to a well-formed one', () => {
    const token = createShareToken(subject, secret, now, HOUR);
    const [, signature] = token.split('.');
    const forged = Buffer.from(
      JSON.stringify({ ...subject, listingId: 'LST-99999', exp: 4_102_444_800 }),
    ).toString('base64url');
    const result = failure(`${forged}.${signature}`);
    expect(result.reason).toBe('tampered');
    expect(result.error.message).toMatch(/^INVALID_SHARE_LINK: /);
  });

  it('are refused when the signature is changed or made with another secret', () => {
    const token = createShareToken(subject, secret, now, HOUR);
    const [payload, signature] = token.split('.') as [string, string];
    const flipped = `${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;
    expect(failure(`${payload}.${flipped}`).reason).toBe('tampered');
    const otherSecret = createShareToken(subject, `${secret}-rotated`, now, HOUR);
    expect(failure(otherSecret).reason).toBe('tampered');
  });

  it('refuse a signature in a non-canonical encoding of the same bytes', () => {
    const token = createShareToken(subject, secret, now, HOUR);
    const [payload, signature] = token.split('.') as [string, string];
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    // The last of 43 characters carries 4 bits of the 256; its 2 low bits are unused.
    const last = alphabet.indexOf(signature.at(-1)!);
    const variant = `${signature.slice(0, -1)}${alphabet[last ^ 1]}`;
    expect(Buffer.from(variant, 'base64url').equals(Buffer.from(signature, 'base64url'))).toBe(true);
    expect(failure(`${payload}.${variant}`).reason).toBe('malformed');
  });

  it.each([
    ['empty', ''],
    ['without a signature', 'eyJhIjoxfQ'],
    ['with three parts', 'a.b.c'],
    ['with characters outside base64url', 'eyJ+.abc='],
    ['with a short signature', 'eyJhIjoxfQ.AAAA'],
    ['huge', `${'a'.repeat(2_000)}.${'b'.repeat(43)}`],
    ['not a string', 42],
  ])('refuse a token that is %s as malformed', (_name, token) => {
    expect(failure(token).reason).toBe('malformed');
  });

  it('refuse a correctly signed payload that is not a share link', () => {
    // Signed as the module signs (the v1 context, then the payload part), but the wrong shape.
    const payload = Buffer.from(JSON.stringify({ conversationId: 1, exp: 'never' })).toString('base64url');
    const signature = createHmac('sha256', secret)
      .update('bootalk.share-link.v1.')
      .update(payload)
      .digest('base64url');
    expect(failure(`${payload}.${signature}`).reason).toBe('malformed');
  });

  it('refuse to work with a short secret', () => {
    expect(() => createShareToken(subject, 'short', now, HOUR)).toThrow(RangeError);
    expect(() => verifyShareToken('a.b', 'short', now)).toThrow(RangeError);
  });
});
