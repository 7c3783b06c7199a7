import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomUUID,
} from 'node:crypto';
import { type JWK, type JWTPayload, errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import type { UserPoolConfig } from './config';
import { notAuthorized } from './errors';
import { jsonFile } from './json-file';
import type { CognitoUser } from './user-store';

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicJwk: JWK;
  privateKeyPem: string;
}

/** The given key, the one kept in `persistDir` so tokens outlive a restart, or a new RSA key pair. */
export function loadOrCreateSigningKey(
  options: { persistDir?: string; privateKeyPem?: string } = {},
): SigningKey {
  const file = jsonFile<{ privateKeyPem: string }>(options.persistDir, 'signing-key.json');
  const givenPem = options.privateKeyPem ?? file.load()?.privateKeyPem;
  const privateKey = givenPem
    ? createPrivateKey(givenPem)
    : generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  if (!givenPem) file.save({ privateKeyPem });
  const publicKey = createPublicKey(privateKey);
  const { n, e } = publicKey.export({ format: 'jwk' });
  // RFC 7638 thumbprint: the same key always gets the same kid.
  const kid = createHash('sha256')
    .update(JSON.stringify({ e, kty: 'RSA', n }))
    .digest('base64url');
  return {
    kid,
    privateKey,
    publicKey,
    privateKeyPem,
    publicJwk: { kty: 'RSA', alg: 'RS256', use: 'sig', kid, n, e },
  };
}

export interface AccessTokenClaims extends JWTPayload {
  sub: string;
  client_id: string;
  username: string;
  token_use: 'access';
  scope: string;
  auth_time: number;
  origin_jti: string;
  event_id: string;
  jti: string;
  'cognito:groups'?: string[];
}

/** What a pre token generation trigger (V1) changed. */
export interface ClaimsOverride {
  claimsToAddOrOverride?: Record<string, string>;
  claimsToSuppress?: string[];
  groupsToOverride?: string[];
}

export interface TokenRequest {
  user: CognitoUser;
  clientId: string;
  originJti: string;
  /** Epoch seconds. */
  authTime: number;
  override?: ClaimsOverride;
}

export interface IssuedTokens {
  accessToken: string;
  idToken: string;
  /** Seconds the access token is valid, Cognito's `ExpiresIn`. */
  expiresIn: number;
}

export interface TokenSigner {
  jwks(): { keys: JWK[] };
  issue(request: TokenRequest): Promise<IssuedTokens>;
  /** Signature, issuer, expiry, token_use and revocation; a NotAuthorizedException otherwise. */
  verifyAccessToken(token: string): Promise<AccessTokenClaims>;
}

export function createTokenSigner(deps: {
  config: UserPoolConfig;
  key: SigningKey;
  now: () => number;
  isOriginActive: (originJti: string) => boolean;
}): TokenSigner {
  const { config, key, now } = deps;

  const sign = (claims: Record<string, unknown>) =>
    new SignJWT(claims).setProtectedHeader({ kid: key.kid, alg: 'RS256' }).sign(key.privateKey);

  return {
    jwks: () => ({ keys: [key.publicJwk] }),

    async issue({ user, clientId, originJti, authTime, override }) {
      const iat = Math.floor(now() / 1000);
      const eventId = randomUUID();
      const groups = override?.groupsToOverride ?? user.groups;
      const groupClaim = groups.length > 0 ? { 'cognito:groups': groups } : {};
      const idClaims: Record<string, unknown> = {
        sub: user.sub,
        ...groupClaim,
        ...attributeClaims(user.attributes),
        iss: config.issuer,
        'cognito:username': user.username,
        origin_jti: originJti,
        aud: clientId,
        event_id: eventId,
        token_use: 'id',
        auth_time: authTime,
        exp: iat + config.idTokenValidityMinutes * 60,
        iat,
        jti: randomUUID(),
      };
      for (const claim of override?.claimsToSuppress ?? []) delete idClaims[claim];
      Object.assign(idClaims, override?.claimsToAddOrOverride);
      const accessClaims = {
        sub: user.sub,
        ...groupClaim,
        iss: config.issuer,
        client_id: clientId,
        origin_jti: originJti,
        event_id: eventId,
        token_use: 'access',
        scope: 'aws.cognito.signin.user.admin',
        auth_time: authTime,
        exp: iat + config.accessTokenValidityMinutes * 60,
        iat,
        jti: randomUUID(),
        username: user.username,
      };
      return {
        accessToken: await sign(accessClaims),
        idToken: await sign(idClaims),
        expiresIn: config.accessTokenValidityMinutes * 60,
      };
    },

    async verifyAccessToken(token) {
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, key.publicKey, {
          algorithms: ['RS256'],
          issuer: config.issuer,
          currentDate: new Date(now()),
        }));
      } catch (error) {
        if (error instanceof joseErrors.JWTExpired) throw notAuthorized('Access Token has expired');
        throw notAuthorized('Invalid Access Token');
      }
      if (payload.token_use !== 'access' || typeof payload.origin_jti !== 'string') {
        throw notAuthorized('Invalid Access Token');
      }
      if (!deps.isOriginActive(payload.origin_jti)) throw notAuthorized('Access Token has been revoked');
      return payload as AccessTokenClaims;
    },
  };
}

/** User attributes as ID token claims: `*_verified` become booleans, as Cognito writes them. */
function attributeClaims(attributes: Record<string, string>): Record<string, unknown> {
  const claims: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'sub' || name.startsWith('cognito:')) continue;
    claims[name] = name.endsWith('_verified') ? value === 'true' : value;
  }
  return claims;
}
