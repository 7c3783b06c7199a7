import { LOCAL_ACCOUNT, LOCAL_REGION } from '../contracts';
import { iamAllows, SignatureError, type SignedCaller, type SignedRequest } from '../iam/signed-callers';
import type { AuthorizationMode, IamIdentity, JwtClaims, LocalExecutionContext } from './execution-context';

/**
 * Who is calling, decided the way AppSync decides it: a SigV4 `Authorization` header is an
 * IAM caller whose signature is verified with its secret key (a function's local credentials,
 * `verifyIam`), anything else must be a Cognito token that the Cognito service verifies
 * (signature, expiry, issuer). The simulator's own check only decodes tokens.
 */

export interface RequestAuthOptions {
  /** The API's authorization modes (default first), from the synthesized API. */
  modes: readonly string[];
  /** The API's id: IAM grants name `arn:aws:appsync:…:apis/<id>/types/<Type>/fields/<field>`. */
  apiId: string;
  verifyJwt(token: string): Promise<JwtClaims>;
  /** Verifies a SigV4-signed request and names its caller; throws SignatureError. Absent: SigV4 is refused. */
  verifyIam?(request: SignedRequest): Promise<SignedCaller>;
}

/** AppSync answers these with HTTP 401 and `errorType: UnauthorizedException`. */
export class UnauthorizedError extends Error {
  override name = 'UnauthorizedError';
  readonly status: number = 401;
  constructor(
    message: string,
    readonly errorType = 'UnauthorizedException',
  ) {
    super(message);
  }
}

/** A refused SigV4 signature: HTTP 403 with the AWS error type (InvalidSignatureException, …). */
export class ForbiddenError extends UnauthorizedError {
  override readonly status = 403;
}

export type RequestIdentity = Pick<LocalExecutionContext, 'requestAuthorizationMode' | 'jwt' | 'iamToken'> & {
  /** For an IAM caller: may it call this root field (its role's appsync:GraphQL grants)? */
  mayCall?: (typeName: string, fieldName: string) => boolean;
};

const SIGV4 = 'AWS4-HMAC-SHA256';

const SIGNATURE_ERROR_TYPES: Record<SignatureError['reason'], string> = {
  MissingAuthenticationToken: 'MissingAuthenticationTokenException',
  UnrecognizedClient: 'UnrecognizedClientException',
  InvalidSignature: 'InvalidSignatureException',
  SignatureExpired: 'InvalidSignatureException',
};

/**
 * `signed` is the whole HTTP request, needed to check a SigV4 signature; the realtime endpoint
 * has only the header and refuses SigV4 (functions do not subscribe).
 */
export async function authenticate(
  authorization: string | undefined,
  options: RequestAuthOptions,
  signed?: SignedRequest,
): Promise<RequestIdentity> {
  if (!authorization) throw new UnauthorizedError('Valid authorization header not provided.');
  if (authorization.startsWith(SIGV4)) {
    requireMode(options, 'AWS_IAM');
    if (!options.verifyIam || !signed) {
      throw new ForbiddenError(
        'The security token included in the request is invalid.',
        'UnrecognizedClientException',
      );
    }
    let caller: SignedCaller;
    try {
      caller = await options.verifyIam(signed);
    } catch (error) {
      if (error instanceof SignatureError)
        throw new ForbiddenError(error.message, SIGNATURE_ERROR_TYPES[error.reason]);
      throw error;
    }
    const apiArn = `arn:aws:appsync:${LOCAL_REGION}:${LOCAL_ACCOUNT}:apis/${options.apiId}`;
    return {
      requestAuthorizationMode: 'AWS_IAM',
      iamToken: {
        accountId: LOCAL_ACCOUNT,
        ...iamIdentityOf(caller),
        cognitoIdentityPoolId: null,
        cognitoIdentityId: null,
      },
      mayCall: (typeName, fieldName) =>
        iamAllows(caller.statements, 'appsync:GraphQL', `${apiArn}/types/${typeName}/fields/${fieldName}`),
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

/** The role a function calls as, as Gen 2 resolvers check it (adminRoles name the role). */
function iamIdentityOf(caller: SignedCaller): IamIdentity {
  return { userArn: caller.callerArn, username: `${caller.roleName}:${caller.physicalName}` };
}
