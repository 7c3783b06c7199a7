import { createHmac, timingSafeEqual } from 'node:crypto';
import { type Refusal, refuse } from '../shared/decision';

/**
 * A share link for the listing a conversation is about: `<payload>.<signature>`, both base64url,
 * the signature an HMAC-SHA256 of the payload. Stateless (nothing to store or clean up) and
 * short enough for a KakaoTalk message. It names the listing and where it was shared from; it
 * grants no access to the conversation itself.
 */

export interface ShareLinkSubject {
  conversationId: string;
  listingId: string;
}

export interface ShareLinkPayload extends ShareLinkSubject {
  /** Expiry, epoch seconds. */
  exp: number;
}

export const DEFAULT_SHARE_LINK_TTL_MS = 7 * 24 * 60 * 60 * 1000;
const MIN_SECRET_BYTES = 32;
const SIGNATURE_BYTES = 32;
/** Far above any real token; refused before hashing so a huge input costs nothing. */
const MAX_TOKEN_LENGTH = 1_024;
// Domain separation: the same secret signing something else can never yield a valid share token.
const SIGNING_CONTEXT = 'bootalk.share-link.v1.';

export type ShareLinkFailure = 'malformed' | 'tampered' | 'expired';

export type ShareLinkVerification =
  | { ok: true; value: ShareLinkPayload }
  | (Refusal & { reason: ShareLinkFailure });

function signature(payloadPart: string, secret: string): Buffer {
  return createHmac('sha256', secret).update(SIGNING_CONTEXT).update(payloadPart).digest();
}

function requireSecret(secret: string): void {
  if (Buffer.byteLength(secret, 'utf8') < MIN_SECRET_BYTES) {
    throw new RangeError(`The share link secret must be at least ${MIN_SECRET_BYTES} bytes.`);
  }
}

/** When a link made now expires, epoch seconds: the `exp` createShareToken signs. */
export function shareLinkExpiry(now: Date, ttlMs: number = DEFAULT_SHARE_LINK_TTL_MS): number {
  if (!Number.isFinite(ttlMs) || ttlMs < 1000) throw new RangeError('A share link lives at least 1 s.');
  return Math.floor((now.getTime() + ttlMs) / 1000);
}

export function createShareToken(
  subject: ShareLinkSubject,
  secret: string,
  now: Date,
  ttlMs: number = DEFAULT_SHARE_LINK_TTL_MS,
): string {
  requireSecret(secret);
  const payload: ShareLinkPayload = {
    conversationId: subject.conversationId,
    listingId: subject.listingId,
    exp: shareLinkExpiry(now, ttlMs),
  };
  const payloadPart = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
  return `${payloadPart}.${signature(payloadPart, secret).toString('base64url')}`;
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

function failure(reason: ShareLinkFailure): Refusal & { reason: ShareLinkFailure } {
  const refusal =
    reason === 'expired'
      ? refuse('SHARE_LINK_EXPIRED', '공유 링크가 만료되었습니다.', 'This share link has expired.')
      : // Tampered and malformed read the same to the user; `reason` tells the logs apart.
        refuse('INVALID_SHARE_LINK', '올바르지 않은 공유 링크입니다.', 'This share link is not valid.');
  return { ...refusal, reason };
}

function isPayload(value: unknown): value is ShareLinkPayload {
  const candidate = value as Partial<ShareLinkPayload> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.conversationId === 'string' &&
    typeof candidate.listingId === 'string' &&
    typeof candidate.exp === 'number' &&
    Number.isFinite(candidate.exp)
  );
}

/** The signature is checked (in constant time) before the payload is read; expiry after. */
export function verifyShareToken(token: unknown, secret: string, now: Date): ShareLinkVerification {
  requireSecret(secret);
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return failure('malformed');
  const parts = token.split('.');
  const [payloadPart, signaturePart] = parts;
  if (
    parts.length !== 2 ||
    !payloadPart ||
    !signaturePart ||
    !BASE64URL.test(payloadPart) ||
    !BASE64URL.test(signaturePart)
  ) {
    return failure('malformed');
  }
  const given = Buffer.from(signaturePart, 'base64url');
  // Canonical encoding only: otherwise the unused bits of the last character would be malleable.
  if (given.length !== SIGNATURE_BYTES || given.toString('base64url') !== signaturePart) {
    return failure('malformed');
  }
  if (!timingSafeEqual(given, signature(payloadPart, secret))) return failure('tampered');
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(payloadPart, 'base64url').toString('utf8'));
  } catch {
    return failure('malformed');
  }
  if (!isPayload(payload)) return failure('malformed');
  if (Math.floor(now.getTime() / 1000) >= payload.exp) return failure('expired');
  return {
    ok: true,
    value: { conversationId: payload.conversationId, listingId: payload.listingId, exp: payload.exp },
  };
}
