import { beforeAll, describe, expect, it } from 'vitest';
import { SIGN_IN_RATE_LIMIT } from '../../amplify/auth/sign-in-limit';
import { GRAPHQL_QUERY_LIMITS } from '../../amplify/data/query-limits';
import { type Synth, synthAll } from './synth';

let deployments: Record<'sandbox' | 'dev' | 'prod', Synth>;

beforeAll(async () => {
  deployments = await synthAll(['sandbox', 'dev', 'prod'] as const);
}, 600_000);

const each = () => Object.entries(deployments) as [string, Synth][];

describe('the sign-in firewall (a limit per client in front of the user pool)', () => {
  it('is a regional web ACL with a rate rule per source IP, named with the deployment prefix', () => {
    const names: Record<string, string> = {};
    for (const [key, synth] of each()) {
      const acls = synth.resourcesOfType('AWS::WAFv2::WebACL');
      expect(acls, key).toHaveLength(1);
      const acl = acls[0]!.resource.Properties!;
      names[key] = String(acl.Name);
      expect(acl.Scope).toBe('REGIONAL');
      expect(acl.DefaultAction).toEqual({ Allow: {} });
      const [rule] = acl.Rules as {
        Action: unknown;
        Statement: { RateBasedStatement: Record<string, unknown> };
      }[];
      expect(rule!.Action).toEqual({ Block: {} });
      expect(rule!.Statement.RateBasedStatement).toMatchObject({
        AggregateKeyType: 'IP',
        Limit: SIGN_IN_RATE_LIMIT.limit,
        EvaluationWindowSec: SIGN_IN_RATE_LIMIT.windowSeconds,
      });
    }
    expect(names).toEqual({
      sandbox: 'sandbox-alice-sign-in-firewall',
      dev: 'dev-sign-in-firewall',
      prod: 'sign-in-firewall',
    });
  });

  it('counts SignUp, RespondToAuthChallenge and CUSTOM_AUTH InitiateAuth, not token refreshes', () => {
    const acl = deployments.prod.resourcesOfType('AWS::WAFv2::WebACL')[0]!.resource.Properties!;
    const scope = JSON.stringify((acl.Rules as { Statement: unknown }[])[0]!.Statement);
    for (const operation of SIGN_IN_RATE_LIMIT.operations) {
      expect(scope).toContain(`"SearchString":"AWSCognitoIdentityProviderService.${operation}"`);
    }
    expect(scope).toContain('"SearchString":"CUSTOM_AUTH"');
    expect(scope).toContain('"SingleHeader":{"Name":"x-amz-target"}');
  });

  it('is associated with the user pool of the same deployment', () => {
    for (const [key, synth] of each()) {
      const associations = synth.resourcesOfType('AWS::WAFv2::WebACLAssociation');
      expect(associations, key).toHaveLength(1);
      const { stack, resource } = associations[0]!;
      const pool = synth.resourcesOfType('AWS::Cognito::UserPool').find((found) => found.stack === stack);
      const acl = synth.resourcesOfType('AWS::WAFv2::WebACL').find((found) => found.stack === stack);
      expect(resource.Properties).toEqual({
        ResourceArn: { 'Fn::GetAtt': [pool!.logicalId, 'Arn'] },
        WebACLArn: { 'Fn::GetAtt': [acl!.logicalId, 'Arn'] },
      });
    }
  });
});

describe('the GraphQL API’s query cost limits', () => {
  it('sets queryDepthLimit and resolverCountLimit in every deployment', () => {
    for (const [key, synth] of each()) {
      const apis = synth.resourcesOfType('AWS::AppSync::GraphQLApi');
      expect(apis, key).toHaveLength(1);
      expect(apis[0]!.resource.Properties, key).toMatchObject({
        QueryDepthLimit: GRAPHQL_QUERY_LIMITS.queryDepthLimit,
        ResolverCountLimit: GRAPHQL_QUERY_LIMITS.resolverCountLimit,
      });
    }
  });

  it('leaves room for the badge-sync function’s aliased read of 50 notifications, and refuses 100 badge calls', () => {
    expect(GRAPHQL_QUERY_LIMITS.resolverCountLimit).toBeGreaterThanOrEqual(50);
    expect(GRAPHQL_QUERY_LIMITS.resolverCountLimit).toBeLessThan(100);
    expect(GRAPHQL_QUERY_LIMITS.queryDepthLimit).toBeLessThan(8);
  });
});
