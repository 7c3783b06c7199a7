import { errors as joseErrors, jwtVerify } from 'jose';
import { InvalidConfigError, MissingConfigError } from '../shared/config';
import { MAX_TOKEN_TTL_SECONDS, verificationKey } from '../shared/service-token';
import { WEBHOOK_ENV } from './env-names';

/**
 * Who may call POST /webhooks/legacy: a JWT the legacy side signs (ES256 with its private key, or
 * HS256 with a shared secret of ≥ 32 bytes). The algorithm comes from our key, never from the
 * token, so an `alg: none` or an HS256 token "signed" with our public key is refused.
 */

export const CLOCK_TOLERANCE_SECONDS = 5;
export const DEFAULT_WEBHOOK_ISSUER = 'bootalk-legacy-api';
export const DEFAULT_WEBHOOK_AUDIENCE = 'bootalk-amplify';

export interface WebhookTokenSettings {
  /** ES256: the legacy side's public key (PEM); HS256: the shared secret. */
  key: string;
  issuer: string;
  audience: string;
}

function setting(name: string): string | undefined {
  const value = process.env[name];
  return value === undefined || value.trim() === '' ? undefined : value;
}

/** From the LEGACY_WEBHOOK_KEY secret and LEGACY_WEBHOOK_ISSUER / LEGACY_WEBHOOK_AUDIENCE. */
export function webhookTokenSettings(): WebhookTokenSettings {
  const key = setting(WEBHOOK_ENV.LEGACY_WEBHOOK_KEY);
  if (key === undefined) throw new MissingConfigError(WEBHOOK_ENV.LEGACY_WEBHOOK_KEY);
  return {
    key,
    issuer: setting(WEBHOOK_ENV.LEGACY_WEBHOOK_ISSUER) ?? DEFAULT_WEBHOOK_ISSUER,
    audience: setting(WEBHOOK_ENV.LEGACY_WEBHOOK_AUDIENCE) ?? DEFAULT_WEBHOOK_AUDIENCE,
  };
}

/** Why a token was refused: a code the caller can act on, never the token itself. */
export type TokenRejection =
  | 'missing_token'
  | 'not_bearer'
  | 'malformed'
  | 'algorithm_not_allowed'
  | 'bad_signature'
  | 'expired'
  | 'not_yet_valid'
  | 'issued_in_future'
  | 'lifetime_too_long'
  | 'wrong_issuer'
  | 'wrong_audience'
  | `missing_claim_${string}`
  | 'invalid_claims';

export type TokenCheck =
  | { ok: true; subject: string | undefined; kid: string | undefined }
  | { ok: false; reason: TokenRejection };

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

function rejectionOf(error: unknown): TokenRejection {
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'algorithm_not_allowed';
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'bad_signature';
  // JWTExpired extends JWTClaimValidationFailed: test it first.
  if (error instanceof joseErrors.JWTExpired) return error.claim === 'iat' ? 'lifetime_too_long' : 'expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.reason === 'missing') return `missing_claim_${error.claim}`;
    if (error.claim === 'iss') return 'wrong_issuer';
    if (error.claim === 'aud') return 'wrong_audience';
    if (error.claim === 'iat') return 'issued_in_future';
    if (error.claim === 'nbf') return 'not_yet_valid';
    return 'invalid_claims';
  }
  return 'malformed';
}

/**
 * Checks `Authorization: Bearer <JWT>`: signature with the pinned algorithm, iss, aud, exp
 * (required), iat (required, not in the future), lifetime exp − iat ≤ 5 minutes, 5 s of clock
 * tolerance. A key that cannot be used throws (a deployment error, not the caller's).
 */
export async function verifyWebhookToken(
  authorization: string | undefined,
  settings: WebhookTokenSettings,
  now: Date,
): Promise<TokenCheck> {
  let pinned: ReturnType<typeof verificationKey>;
  try {
    pinned = verificationKey(settings.key);
  } catch (error) {
    throw new InvalidConfigError(
      'LEGACY_WEBHOOK_KEY',
      `an EC P-256 public key PEM or a secret of at least 32 bytes (${(error as Error).message})`,
    );
  }
  if (authorization === undefined || authorization.trim() === '')
    return { ok: false, reason: 'missing_token' };
  const token = BEARER.exec(authorization)?.[1];
  if (!token) return { ok: false, reason: 'not_bearer' };
  try {
    const { payload, protectedHeader } = await jwtVerify(token, pinned.key, {
      algorithms: [pinned.algorithm],
      issuer: settings.issuer,
      audience: settings.audience,
      requiredClaims: ['exp', 'iat'],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      // Also makes jose refuse an iat in the future (beyond the tolerance).
      maxTokenAge: MAX_TOKEN_TTL_SECONDS,
      currentDate: now,
    });
    if (payload.exp! - payload.iat! > MAX_TOKEN_TTL_SECONDS)
      return { ok: false, reason: 'lifetime_too_long' };
    return { ok: true, subject: payload.sub, kid: protectedHeader.kid };
  } catch (error) {
    return { ok: false, reason: rejectionOf(error) };
  }
}
