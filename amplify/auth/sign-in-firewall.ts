import type { IUserPool } from 'aws-cdk-lib/aws-cognito';
import { CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';
import { SIGN_IN_RATE_LIMIT, TARGET_PREFIX } from './sign-in-limit';

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
