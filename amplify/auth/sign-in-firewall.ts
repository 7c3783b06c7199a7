import type { IUserPool } from 'aws-cdk-lib/aws-cognito';
import { CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';

/**
 * The limit per client in front of sign-in (issue 18): the per-number OTP limits stop guessing
 * one number, this stops one client from walking through many (cooling other people's numbers
 * down, or spending their SMS quota). AWS WAF counts per source IP; the local Cognito endpoint
 * (local/cognito/sign-in-rate-limit.ts) counts the same requests with these same numbers.
 *
 * 300 in 5 minutes: Korean carriers put many phones behind one address (CGNAT), and a sign-in
 * is 3 calls (SignUp, InitiateAuth, RespondToAuthChallenge), so 100 sign-ins per 5 minutes from
 * one address. Token refreshes are not counted: an active user refreshes hourly, a sign-in
 * happens once a quarter.
 */
export const SIGN_IN_RATE_LIMIT = {
  /** Requests per source IP in the window; above it WAF blocks the address until it falls back. */
  limit: 300,
  windowSeconds: 300,
  /** The X-Amz-Target operations counted; InitiateAuth only for the CUSTOM_AUTH flow. */
  operations: ['SignUp', 'InitiateAuth', 'RespondToAuthChallenge'],
  /** InitiateAuth is counted only when its body contains this (a sign-in, not a refresh). */
  initiateAuthBodyContains: 'CUSTOM_AUTH',
} as const;

const TARGET_PREFIX = 'AWSCognitoIdentityProviderService.';

/** Is this request one the sign-in limit counts? The local endpoint asks the same question. */
export function countsTowardSignInLimit(target: string, rawBody: string): boolean {
  const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
  if (!(SIGN_IN_RATE_LIMIT.operations as readonly string[]).includes(operation)) return false;
  return operation !== 'InitiateAuth' || rawBody.includes(SIGN_IN_RATE_LIMIT.initiateAuthBodyContains);
}

function targetIs(operation: string): CfnWebACL.StatementProperty {
  return {
    byteMatchStatement: {
      fieldToMatch: { singleHeader: { Name: 'x-amz-target' } },
      positionalConstraint: 'EXACTLY',
      searchString: `${TARGET_PREFIX}${operation}`,
      textTransformations: [{ priority: 0, type: 'NONE' }],
    },
  };
}

function counted(operation: string): CfnWebACL.StatementProperty {
  if (operation !== 'InitiateAuth') return targetIs(operation);
  return {
    andStatement: {
      statements: [
        targetIs(operation),
        {
          byteMatchStatement: {
            // Cognito's bodies are small; a larger one is inspected up to the limit, then matched.
            fieldToMatch: { body: { oversizeHandling: 'MATCH' } },
            positionalConstraint: 'CONTAINS',
            searchString: SIGN_IN_RATE_LIMIT.initiateAuthBodyContains,
            textTransformations: [{ priority: 0, type: 'NONE' }],
          },
        },
      ],
    },
  };
}

/** A regional web ACL with the sign-in rate rule, associated with the user pool. */
export function addSignInFirewall(
  scope: Construct,
  options: { userPool: IUserPool; name: string },
): CfnWebACL {
  const metric = (suffix: string) => `${options.name}-${suffix}`.replace(/[^A-Za-z0-9_-]/g, '-');
  const webAcl = new CfnWebACL(scope, 'SignInFirewall', {
    name: options.name,
    scope: 'REGIONAL',
    defaultAction: { allow: {} },
    visibilityConfig: {
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName: metric('acl'),
    },
    rules: [
      {
        name: 'sign-in-rate-per-ip',
        priority: 0,
        action: { block: {} },
        statement: {
          rateBasedStatement: {
            aggregateKeyType: 'IP',
            limit: SIGN_IN_RATE_LIMIT.limit,
            evaluationWindowSec: SIGN_IN_RATE_LIMIT.windowSeconds,
            scopeDownStatement: {
              orStatement: { statements: SIGN_IN_RATE_LIMIT.operations.map(counted) },
            },
          },
        },
        visibilityConfig: {
          cloudWatchMetricsEnabled: true,
          sampledRequestsEnabled: true,
          metricName: metric('sign-in-rate'),
        },
      },
    ],
  });
  new CfnWebACLAssociation(scope, 'SignInFirewallAssociation', {
    resourceArn: options.userPool.userPoolArn,
    webAclArn: webAcl.attrArn,
  });
  return webAcl;
}
