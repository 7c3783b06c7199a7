import type { IncomingHttpHeaders } from 'node:http';
import type { GraphQLError } from 'graphql';

/** Verified claims of a Cognito token (what the Cognito service's JWKS check returns). */
export type JwtClaims = Record<string, unknown> & { sub?: string; iss?: string };

/** The IAM caller AppSync sees for a SigV4-signed request (a function's role). */
export interface IamIdentity {
  /** `arn:aws:sts::<account>:assumed-role/<role>/<session>` */
  userArn: string;
  /** `<role id>:<session>` */
  username: string;
  accountId?: string;
}

export type AuthorizationMode = 'AMAZON_COGNITO_USER_POOLS' | 'AWS_IAM';

/**
 * The simulator's GraphQL context (what its resolvers and VTL read), plus the filters a
 * subscription's resolver set with `$extensions.setSubscriptionFilter`.
 */
export interface LocalExecutionContext {
  jwt?: JwtClaims;
  requestAuthorizationMode: AuthorizationMode;
  sourceIp: string;
  headers: IncomingHttpHeaders | Record<string, string>;
  appsyncErrors: (Error | GraphQLError)[];
  iamToken?: IamIdentity & { accountId: string; cognitoIdentityPoolId?: null; cognitoIdentityId?: null };
  subscriptionFilters?: unknown[];
}
