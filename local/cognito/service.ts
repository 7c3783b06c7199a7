import { randomUUID } from 'node:crypto';
import type { JWK } from 'jose';
import { maskPhone } from '../../amplify/functions/shared/otp/phone';
import { type FunctionInvoker, LOCAL_ACCOUNT } from '../contracts';
import {
  accessDeniedMessage,
  iamAllows,
  SignatureError,
  type SignedCaller,
  type SignedRequest,
} from '../iam/signed-callers';
import { resolveUserPoolConfig, type UserPoolConfig, type UserPoolConfigInput } from './config';
import { CognitoError } from './errors';
import { createRefreshTokenStore } from './refresh-tokens';
import type { CognitoServices, RequestContext } from './services';
import { createSessionStore } from './sessions';
import { targets } from './targets';
import { type AccessTokenClaims, createTokenSigner, loadOrCreateSigningKey } from './tokens';
import { createTriggers } from './triggers';
import { type CognitoUser, createUserStore, type UserStatus } from './user-store';

export const TARGET_PREFIX = 'AWSCognitoIdentityProviderService.';

export interface CognitoServiceOptions {
  config: UserPoolConfigInput;
  invoker: FunctionInvoker;
  /** Keeps users, refresh tokens and the signing key in this folder across restarts. */
  persistDir?: string;
  /** A PKCS#8 RSA private key to sign with instead of a generated (or persisted) one. */
  signingKeyPem?: string;
  /** Epoch milliseconds; tests move the clock. */
  now?: () => number;
  /**
   * Verifies the SigV4 signature of an IAM-authorized call (Admin*, ListUsers) and names the
   * function that made it; throws SignatureError. Without it those calls are refused, as AWS
   * refuses them without credentials.
   */
  verifyIam?: (request: SignedRequest) => Promise<SignedCaller>;
  /**
   * Users taken over from another pool (a Gen 1 rehearsal), with their own `sub`s: added when the
   * store has no user by that username, so a persisted store keeps its later changes.
   */
  importUsers?: readonly CognitoUser[];
}

/** The operations an app calls with no AWS credentials (a client id or a token instead). */
const PUBLIC_OPERATIONS = new Set([
  'SignUp',
  'InitiateAuth',
  'RespondToAuthChallenge',
  'GetUser',
  'GlobalSignOut',
  'DeleteUser',
  'RevokeToken',
  'GetTokensFromRefreshToken',
]);

const SIGNATURE_ERROR_TYPES: Record<SignatureError['reason'], string> = {
  MissingAuthenticationToken: 'MissingAuthenticationTokenException',
  UnrecognizedClient: 'UnrecognizedClientException',
  InvalidSignature: 'InvalidSignatureException',
  SignatureExpired: 'InvalidSignatureException',
};

export interface CognitoResponse {
  status: number;
  /** A JSON value: the operation's output, or `{ __type, message }`. */
  body: unknown;
  headers: Record<string, string>;
}

/** A user as the dev inbox shows it: the phone number masked. */
export interface LocalUserSummary {
  username: string;
  sub: string;
  phone: string;
  status: UserStatus;
  enabled: boolean;
  groups: string[];
  createdAt: string;
}

export interface CognitoService {
  config: UserPoolConfig;
  /** Answers one JSON-protocol call; `target` is the X-Amz-Target header (with or without its prefix). */
  handle(
    target: string,
    body: unknown,
    headers?: Record<string, string | string[] | undefined>,
    /** The HTTP method and path, for a SigV4 check (POST / by default). */
    http?: { method?: string; path?: string },
  ): Promise<CognitoResponse>;
  jwks(): { keys: JWK[] };
  /** For the local REST API authorizer: a NotAuthorizedException (CognitoError) when not valid. */
  verifyAccessToken(token: string): Promise<AccessTokenClaims>;
  users: { list(): LocalUserSummary[] };
  /** The PKCS#8 private key the tokens are signed with, for tests that need to forge one. */
  signingKeyPem: string;
}

export function createCognitoService(options: CognitoServiceOptions): CognitoService {
  const config = resolveUserPoolConfig(options.config);
  const now = options.now ?? Date.now;
  const refreshTokens = createRefreshTokenStore({ persistDir: options.persistDir, now });
  const key = loadOrCreateSigningKey({
    persistDir: options.persistDir,
    privateKeyPem: options.signingKeyPem,
  });
  const tokens = createTokenSigner({ config, key, now, isOriginActive: refreshTokens.isOriginActive });
  const services: CognitoServices = {
    config,
    users: createUserStore({ persistDir: options.persistDir, now }),
    sessions: createSessionStore({ validityMinutes: config.authSessionValidityMinutes, now }),
    refreshTokens,
    tokens,
    triggers: createTriggers({ config, invoker: options.invoker }),
    now,
    startedAt: now(),
  };
  for (const user of options.importUsers ?? []) {
    if (!services.users.get(user.username)) services.users.add(user);
  }
  const operations = new Map(Object.entries(targets).map(([name, target]) => [name, target(services)]));
  const poolArn = `arn:aws:cognito-idp:${config.region}:${LOCAL_ACCOUNT}:userpool/${config.userPoolId}`;

  /** A signed call from a function whose role may make it, or a CognitoError as AWS answers. */
  async function authorizeIam(operation: string, request: SignedRequest): Promise<void> {
    if (!options.verifyIam) {
      throw new CognitoError('MissingAuthenticationTokenException', 'Missing Authentication Token');
    }
    let caller: SignedCaller;
    try {
      caller = await options.verifyIam(request);
    } catch (error) {
      if (error instanceof SignatureError)
        throw new CognitoError(SIGNATURE_ERROR_TYPES[error.reason], error.message);
      throw error;
    }
    const action = `cognito-idp:${operation}`;
    if (!iamAllows(caller.statements, action, poolArn)) {
      throw new CognitoError('AccessDeniedException', accessDeniedMessage(caller, action, poolArn));
    }
  }

  return {
    config,
    async handle(target, body, headers = {}, http = {}) {
      const requestId = randomUUID();
      try {
        const name = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : target;
        const operation = operations.get(name);
        if (!operation) {
          throw new CognitoError(
            'UnknownOperationException',
            `The local Cognito endpoint does not implement ${target}.`,
          );
        }
        if (!PUBLIC_OPERATIONS.has(name)) {
          await authorizeIam(name, {
            method: http.method ?? 'POST',
            path: http.path ?? '/',
            headers,
            body: typeof body === 'string' ? body : JSON.stringify(body ?? {}),
          });
        }
        const context: RequestContext = {
          userAgent: header(headers, 'x-amz-user-agent') ?? header(headers, 'user-agent'),
        };
        const output = await operation(parseBody(body) as never, context);
        return { status: 200, body: output, headers: responseHeaders(requestId) };
      } catch (error) {
        const known =
          error instanceof CognitoError
            ? error
            : new CognitoError('InternalErrorException', (error as Error).message ?? String(error), 500);
        if (!(error instanceof CognitoError)) console.error('local cognito:', error);
        return {
          status: known.status,
          body: { __type: known.type, message: known.message },
          headers: { ...responseHeaders(requestId), 'x-amzn-ErrorType': known.type },
        };
      }
    },
    jwks: tokens.jwks,
    verifyAccessToken: tokens.verifyAccessToken,
    users: {
      list: () =>
        services.users.list().map((user) => ({
          username: user.username,
          sub: user.sub,
          phone: maskPhone(user.attributes.phone_number ?? ''),
          status: user.status,
          enabled: user.enabled,
          groups: user.groups,
          createdAt: new Date(user.createdAt).toISOString(),
        })),
    },
    signingKeyPem: key.privateKeyPem,
  };
}

function parseBody(body: unknown): Record<string, unknown> {
  let value = body;
  if (typeof body === 'string' || body instanceof Uint8Array) {
    const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
    try {
      value = text.trim() === '' ? {} : JSON.parse(text);
    } catch {
      throw new CognitoError('SerializationException', 'The request body is not valid JSON.');
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CognitoError('SerializationException', 'The request body must be a JSON object.');
  }
  return value as Record<string, unknown>;
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const entry = Object.entries(headers).find(([key]) => key.toLowerCase() === name);
  const value = entry?.[1];
  return Array.isArray(value) ? value[0] : value;
}

function responseHeaders(requestId: string): Record<string, string> {
  return { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-RequestId': requestId };
}
