import { createPrivateKey, createPublicKey, type KeyObject, randomUUID } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { config } from './config';

/** Service tokens live at most 5 minutes; Gen 1's long-lived tokens were the silent-401 source. */
export const MAX_TOKEN_TTL_SECONDS = 300;
/** A cached token is replaced this long before it expires, so it never expires in flight. */
export const REFRESH_BEFORE_EXPIRY_SECONDS = 60;
const MIN_SECRET_BYTES = 32;

export type ServiceTokenAlgorithm = 'ES256' | 'HS256';

interface ServiceKey {
  algorithm: ServiceTokenAlgorithm;
  key: KeyObject | Uint8Array;
}

export class ServiceTokenKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ServiceTokenKeyError';
  }
}

function isPem(key: string): boolean {
  return key.trimStart().startsWith('-----BEGIN');
}

function requireP256(key: KeyObject): KeyObject {
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new ServiceTokenKeyError('Service token PEM keys must be EC P-256 keys (ES256).');
  }
  return key;
}

function secretKey(secret: string): ServiceKey {
  const bytes = new TextEncoder().encode(secret);
  if (bytes.length < MIN_SECRET_BYTES) {
    throw new ServiceTokenKeyError(
      `An HS256 service token secret must be at least ${MIN_SECRET_BYTES} bytes.`,
    );
  }
  return { algorithm: 'HS256', key: bytes };
}

/** A PEM PKCS8 EC P-256 key signs with ES256; anything else is an HS256 shared secret. */
export function signingKey(key: string): ServiceKey {
  if (!isPem(key)) return secretKey(key);
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key, format: 'pem' });
  } catch {
    throw new ServiceTokenKeyError('The service token key is a PEM block but not a readable private key.');
  }
  return { algorithm: 'ES256', key: requireP256(privateKey) };
}

/** Verification accepts the public key, or the private key it is derived from (local Legacy stand-in). */
export function verificationKey(key: string): ServiceKey {
  if (!isPem(key)) return secretKey(key);
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey({ key, format: 'pem' });
  } catch {
    throw new ServiceTokenKeyError(
      'The service token verification key is a PEM block but not a readable key.',
    );
  }
  return { algorithm: 'ES256', key: requireP256(publicKey) };
}

export interface ServiceTokenProviderOptions {
  key: string;
  kid: string;
  issuer: string;
  audience: string;
  subject: string;
  ttlSeconds?: number;
  /** Milliseconds since the epoch; injected by tests. */
  now?: () => number;
}

export interface ServiceTokenProvider {
  /** A valid token, minted or from the cache. */
  token(): Promise<string>;
  /** Forget the cached token (after a 401), so the next `token()` mints a new one. */
  invalidate(): void;
}

export function createServiceTokenProvider(options: ServiceTokenProviderOptions): ServiceTokenProvider {
  const ttlSeconds = options.ttlSeconds ?? MAX_TOKEN_TTL_SECONDS;
  if (
    !Number.isInteger(ttlSeconds) ||
    ttlSeconds <= REFRESH_BEFORE_EXPIRY_SECONDS ||
    ttlSeconds > MAX_TOKEN_TTL_SECONDS
  ) {
    throw new RangeError(
      `Service token ttlSeconds must be an integer in (${REFRESH_BEFORE_EXPIRY_SECONDS}, ${MAX_TOKEN_TTL_SECONDS}].`,
    );
  }
  const { algorithm, key } = signingKey(options.key);
  const now = options.now ?? Date.now;
  let cached: { token: Promise<string>; refreshAtMs: number } | undefined;

  async function mint(issuedAt: number): Promise<string> {
    return new SignJWT({})
      .setProtectedHeader({ alg: algorithm, kid: options.kid, typ: 'JWT' })
      .setIssuer(options.issuer)
      .setAudience(options.audience)
      .setSubject(options.subject)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + ttlSeconds)
      .setJti(randomUUID())
      .sign(key);
  }

  return {
    token() {
      const nowMs = now();
      if (!cached || nowMs >= cached.refreshAtMs) {
        const issuedAt = Math.floor(nowMs / 1000);
        // Cache the promise so concurrent callers share one signing operation.
        const token = mint(issuedAt);
        cached = { token, refreshAtMs: (issuedAt + ttlSeconds - REFRESH_BEFORE_EXPIRY_SECONDS) * 1000 };
        token.catch(() => {
          if (cached?.token === token) cached = undefined;
        });
      }
      return cached.token;
    },
    invalidate() {
      cached = undefined;
    },
  };
}

let defaultProvider: ServiceTokenProvider | undefined;

/** The provider built from SERVICE_TOKEN_* / LEGACY_API_AUDIENCE, one per container. */
export function serviceTokens(): ServiceTokenProvider {
  defaultProvider ??= createServiceTokenProvider({
    key: config.serviceTokenKey(),
    kid: config.serviceTokenKid(),
    issuer: config.serviceTokenIssuer(),
    audience: config.legacyApiAudience(),
    subject: config.functionName() ?? config.serviceTokenIssuer(),
  });
  return defaultProvider;
}

export interface VerifyServiceTokenOptions {
  /** ES256: the public (SPKI) or private (PKCS8) PEM; HS256: the shared secret. */
  key: string;
  issuer: string;
  audience: string;
  clockToleranceSec?: number;
  /** The verifier's clock; injected by tests. */
  currentDate?: Date;
}

export interface VerifiedServiceToken {
  subject: string;
  issuer: string;
  audience: string | string[];
  kid: string | undefined;
  jti: string | undefined;
  issuedAt: number;
  expiresAt: number;
}

export class ServiceTokenRejectedError extends Error {
  constructor(
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`Service token rejected: ${reason}`, options);
    this.name = 'ServiceTokenRejectedError';
  }
}

/**
 * Verifies a service token: signature with the algorithm pinned by the key type, iss, aud,
 * exp (with clock tolerance), and that it is short-lived. Throws ServiceTokenRejectedError.
 */
export async function verifyServiceToken(
  token: string,
  options: VerifyServiceTokenOptions,
): Promise<VerifiedServiceToken> {
  const { algorithm, key } = verificationKey(options.key);
  try {
    const { payload, protectedHeader } = await jwtVerify(token, key, {
      algorithms: [algorithm],
      issuer: options.issuer,
      audience: options.audience,
      clockTolerance: options.clockToleranceSec ?? 30,
      maxTokenAge: MAX_TOKEN_TTL_SECONDS + (options.clockToleranceSec ?? 30),
      requiredClaims: ['iss', 'aud', 'sub', 'iat', 'exp'],
      ...(options.currentDate ? { currentDate: options.currentDate } : {}),
    });
    if (payload.exp! - payload.iat! > MAX_TOKEN_TTL_SECONDS) {
      throw new ServiceTokenRejectedError('lifetime longer than 5 minutes');
    }
    return {
      subject: payload.sub!,
      issuer: payload.iss!,
      audience: payload.aud!,
      kid: protectedHeader.kid,
      jti: payload.jti,
      issuedAt: payload.iat!,
      expiresAt: payload.exp!,
    };
  } catch (error) {
    if (error instanceof ServiceTokenRejectedError) throw error;
    if (error instanceof joseErrors.JOSEError)
      throw new ServiceTokenRejectedError(error.code, { cause: error });
    throw new ServiceTokenRejectedError('malformed', { cause: error });
  }
}
