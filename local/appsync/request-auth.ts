import { LOCAL_ACCOUNT } from '../contracts';
import type { AuthorizationMode, IamIdentity, JwtClaims, LocalExecutionContext } from './execution-context';

/**
 * Who is calling, decided the way AppSync decides it: a SigV4 `Authorization` header is an
 * IAM caller (functions; the signature is not checked locally, the access key names the
 * role), anything else must be a Cognito token that the Cognito service verifies
 * (signature, expiry, issuer). The simulator's own check only decodes tokens.
 */

export interface RequestAuthOptions {
  /** The API's authorization modes (default first), from the synthesized API. */
  modes: readonly string[];
  verifyJwt(token: string): Promise<JwtClaims>;
  iamIdentity(accessKeyId: string): IamIdentity | undefined;
}

/** AppSync answers these with HTTP 401 and `errorType: UnauthorizedException`. */
export class UnauthorizedError extends Error {
  override name = 'UnauthorizedError';
  readonly errorType = 'UnauthorizedException';
}

export type RequestIdentity = Pick<LocalExecutionContext, 'requestAuthorizationMode' | 'jwt' | 'iamToken'>;

const SIGV4 = 'AWS4-HMAC-SHA256';

export async function authenticate(
  authorization: string | undefined,
  options: RequestAuthOptions,
): Promise<RequestIdentity> {
  if (!authorization) throw new UnauthorizedError('Valid authorization header not provided.');
  if (authorization.startsWith(SIGV4)) {
    requireMode(options, 'AWS_IAM');
    const accessKeyId = /Credential=([^/,\s]+)\//.exec(authorization)?.[1];
    const identity = accessKeyId ? options.iamIdentity(accessKeyId) : undefined;
    if (!identity) throw new UnauthorizedError('The security token included in the request is invalid.');
    return {
      requestAuthorizationMode: 'AWS_IAM',
      iamToken: {
        accountId: LOCAL_ACCOUNT,
        ...identity,
        cognitoIdentityPoolId: null,
        cognitoIdentityId: null,
      },
    };
  }
  requireMode(options, 'AMAZON_COGNITO_USER_POOLS');
  let claims: JwtClaims;
  try {
    claims = await options.verifyJwt(authorization.replace(/^Bearer\s+/i, ''));
  } catch (error) {
    const expired =
      /expired/i.test(String((error as Error)?.message)) ||
      (error as { code?: string })?.code === 'ERR_JWT_EXPIRED';
    throw new UnauthorizedError(expired ? 'Token has expired.' : 'You are not authorized to make this call.');
  }
  return { requestAuthorizationMode: 'AMAZON_COGNITO_USER_POOLS', jwt: claims };
}

function requireMode(options: RequestAuthOptions, mode: AuthorizationMode): void {
  if (!options.modes.includes(mode))
    throw new UnauthorizedError(`This API does not accept ${mode} authorization.`);
}

/** A local IAM identity for any access key: the role a function would assume, named after the key. */
export function defaultIamIdentity(accessKeyId: string): IamIdentity {
  return {
    userArn: `arn:aws:sts::${LOCAL_ACCOUNT}:assumed-role/local-function-role/${accessKeyId}`,
    username: `AROALOCALFUNCTIONROLE:${accessKeyId}`,
    accountId: LOCAL_ACCOUNT,
  };
}
