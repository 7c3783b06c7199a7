import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { functionNamed, policyActionsOf, resourcesFor } from './function-policies';
import { type Synth, synthAll } from './synth';

const STAGES = {
  sandbox: 'sandbox',
  dev: 'dev',
  staging: 'staging',
  prod: 'prod',
} as const;

let synths: Record<'sandbox' | 'dev' | 'staging' | 'prod', Synth>;
let sandbox: Synth;
let api: Template;

beforeAll(async () => {
  synths = await synthAll(['sandbox', 'dev', 'staging', 'prod']);
  sandbox = synths.sandbox;
  api = sandbox.template('rest-api');
});

function onlyLogicalId(template: Template, type: string, props: object = {}): string {
  const ids = Object.keys(template.findResources(type, props));
  expect(ids, type).toHaveLength(1);
  return ids[0]!;
}

/** Renders an `Fn::Join` as text, each CloudFormation token as `<token>`. */
function renderJoin(value: unknown): string {
  const join = (value as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  return join[1].map((part) => (typeof part === 'string' ? part : '<token>')).join(join[0]);
}

function stageProperties(template: Template) {
  const stages = Object.values(template.findResources('AWS::ApiGateway::Stage'));
  expect(stages).toHaveLength(1);
  return stages[0]!.Properties;
}

describe('rest api', () => {
  it("authorizes with a Cognito user pools authorizer on the Amplify user pool's ARN", () => {
    const authorizer = Object.values(api.findResources('AWS::ApiGateway::Authorizer'))[0]!.Properties;
    expect(authorizer.Type).toBe('COGNITO_USER_POOLS');
    // The ARN comes in as a parameter that the root stack fills from the auth stack's user pool.
    const parameter: string = authorizer.ProviderARNs[0].Ref;
    const passedIn = Object.values(sandbox.root.Resources!)
      .filter((resource) => resource.Type === 'AWS::CloudFormation::Stack')
      .map(
        (resource) =>
          (resource.Properties?.Parameters as Record<string, { 'Fn::GetAtt': [string, string] }>)?.[
            parameter
          ],
      )
      .filter((value) => value !== undefined);
    // The data stack gets the same ARN (account deletion's Cognito grant) under the same name.
    expect(new Set(passedIn.map((value) => JSON.stringify(value))).size).toBe(1);
    const [authStackId, outputName] = passedIn[0]!['Fn::GetAtt'];
    const auth = sandbox.templateFile('auth').json;
    expect(sandbox.root.Resources![authStackId]!.Type).toBe('AWS::CloudFormation::Stack');
    const userPoolId = Object.keys(sandbox.template('auth').findResources('AWS::Cognito::UserPool'))[0];
    expect(auth.Outputs![outputName.replace(/^Outputs\./, '')]!.Value).toEqual({
      'Fn::GetAtt': [userPoolId, 'Arn'],
    });
  });

  it('serves /v1/health without a token and /v1/me/badge with a user pool token, both from rest-app-api', () => {
    const authorizerId = onlyLogicalId(api, 'AWS::ApiGateway::Authorizer');
    const v1 = onlyLogicalId(api, 'AWS::ApiGateway::Resource', { Properties: { PathPart: 'v1' } });
    const health = onlyLogicalId(api, 'AWS::ApiGateway::Resource', {
      Properties: { PathPart: 'health', ParentId: { Ref: v1 } },
    });
    const me = onlyLogicalId(api, 'AWS::ApiGateway::Resource', {
      Properties: { PathPart: 'me', ParentId: { Ref: v1 } },
    });
    const badge = onlyLogicalId(api, 'AWS::ApiGateway::Resource', {
      Properties: { PathPart: 'badge', ParentId: { Ref: me } },
    });
    const methodOn = (resource: string) =>
      Object.values(
        api.findResources('AWS::ApiGateway::Method', { Properties: { ResourceId: { Ref: resource } } }),
      )
        .map((method) => method.Properties)
        .filter((properties) => properties.HttpMethod !== 'OPTIONS');
    const [healthGet] = methodOn(health);
    expect(healthGet).toMatchObject({ HttpMethod: 'GET', AuthorizationType: 'NONE' });
    expect(healthGet.AuthorizerId).toBeUndefined();
    const [badgeGet] = methodOn(badge);
    expect(badgeGet).toMatchObject({
      HttpMethod: 'GET',
      AuthorizationType: 'COGNITO_USER_POOLS',
      AuthorizerId: { Ref: authorizerId },
    });
    for (const method of [healthGet, badgeGet]) {
      expect(method.Integration).toMatchObject({ Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST' });
      expect(renderJoin(method.Integration.Uri)).toMatch(/functions\/<token>\/invocations$/);
    }
    expect(JSON.stringify(healthGet.Integration.Uri)).toBe(JSON.stringify(badgeGet.Integration.Uri));
  });

  it('serves POST /webhooks/legacy from rest-legacy-webhook, which checks the service JWT itself', () => {
    const webhooks = onlyLogicalId(api, 'AWS::ApiGateway::Resource', {
      Properties: { PathPart: 'webhooks' },
    });
    const legacy = onlyLogicalId(api, 'AWS::ApiGateway::Resource', {
      Properties: { PathPart: 'legacy', ParentId: { Ref: webhooks } },
    });
    api.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'POST',
      ResourceId: { Ref: legacy },
      AuthorizationType: 'NONE',
      Integration: { Type: 'AWS_PROXY' },
    });
    // API Gateway may invoke each function only from its own route (the permissions live in this stack).
    const permissions = Object.values(api.findResources('AWS::Lambda::Permission')).map((p) =>
      renderJoin(p.Properties.SourceArn),
    );
    expect(permissions.filter((arn) => !arn.includes('test-invoke-stage')).sort()).toEqual([
      'arn:<token>:execute-api:<token>:<token>:<token>/<token>/GET/v1/health',
      'arn:<token>:execute-api:<token>:<token>:<token>/<token>/GET/v1/me/badge',
      'arn:<token>:execute-api:<token>:<token>:<token>/<token>/POST/webhooks/legacy',
    ]);
  });

  it('keeps a /webhooks resource ready for the legacy webhook', () => {
    api.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: 'webhooks' });
  });

  it('names its stage after the deployment', () => {
    for (const [key, stageName] of Object.entries(STAGES)) {
      const deployment = synths[key as keyof typeof STAGES];
      expect(stageProperties(deployment.template('rest-api')).StageName).toBe(stageName);
    }
  });

  it('writes JSON access logs with request id, ip, status and latency, and no request headers', () => {
    const { AccessLogSetting } = stageProperties(api);
    const logGroup = onlyLogicalId(api, 'AWS::Logs::LogGroup');
    expect(AccessLogSetting.DestinationArn).toEqual({ 'Fn::GetAtt': [logGroup, 'Arn'] });
    const format = JSON.parse(AccessLogSetting.Format);
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      ip: '$context.identity.sourceIp',
      status: '$context.status',
      latency: '$context.responseLatency',
    });
    expect(AccessLogSetting.Format).not.toMatch(/authorization|\$input|header/i);
  });

  it('throttles every method of the stage, harder outside prod', () => {
    expect(stageProperties(api).MethodSettings).toEqual([
      expect.objectContaining({
        HttpMethod: '*',
        ResourcePath: '/*',
        ThrottlingRateLimit: 10,
        ThrottlingBurstLimit: 20,
        DataTraceEnabled: false,
      }),
    ]);
    expect(stageProperties(synths.prod.template('rest-api')).MethodSettings).toEqual([
      expect.objectContaining({ ThrottlingRateLimit: 200, ThrottlingBurstLimit: 400 }),
    ]);
  });

  it("answers CORS preflight for the deployment's web origins only", () => {
    const allowedOrigins = (template: Template) => {
      const origins = new Set<string>();
      for (const method of Object.values(
        template.findResources('AWS::ApiGateway::Method', { Properties: { HttpMethod: 'OPTIONS' } }),
      )) {
        for (const response of method.Properties.Integration.IntegrationResponses) {
          origins.add(
            response.ResponseParameters['method.response.header.Access-Control-Allow-Origin'].replace(
              /'/g,
              '',
            ),
          );
          for (const [, origin] of response.ResponseTemplates['application/json'].matchAll(
            /\$origin == "([^"]+)"/g,
          )) {
            origins.add(origin);
          }
        }
      }
      return [...origins].sort();
    };
    expect(allowedOrigins(api)).toEqual(['http://localhost:3000', 'http://localhost:5173']);
    expect(allowedOrigins(synths.prod.template('rest-api'))).toEqual([
      'https://bootalk.co.kr',
      'https://www.bootalk.co.kr',
    ]);
  });

  it('validates request parameters and bodies', () => {
    api.hasResourceProperties('AWS::ApiGateway::RequestValidator', {
      ValidateRequestBody: true,
      ValidateRequestParameters: true,
    });
  });

  it('leaves the account-wide API Gateway CloudWatch role alone', () => {
    expect(sandbox.resourcesOfType('AWS::ApiGateway::Account')).toEqual([]);
  });

  it('publishes the API URL and name under custom in the Amplify outputs', () => {
    const custom = JSON.parse(renderJoin(sandbox.customOutputs)).custom;
    expect(custom.restApiUrl).toBe('https://<token>.execute-api.<token>.<token>/<token>/');
    expect(custom.restApiName).toBe('sandbox-alice-bootalk-api');
  });
});

describe('rest functions', () => {
  const actions = (name: string) => [...new Set(policyActionsOf(sandbox, name))].sort();

  it('lets rest-app-api read (never write) through AppSync and probe one idempotency key', () => {
    expect(actions('rest-app-api')).toEqual(['appsync:GraphQL', 'dynamodb:GetItem', 's3:GetObject']);
    expect(resourcesFor(sandbox, 'rest-app-api', 'appsync:GraphQL').join(' ')).not.toContain('Mutation');
  });

  it('lets rest-legacy-webhook claim event ids, queue notices and write chat through AppSync', () => {
    expect(actions('rest-legacy-webhook')).toEqual([
      'appsync:GraphQL',
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      's3:GetObject',
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:SendMessage',
    ]);
    expect(resourcesFor(sandbox, 'rest-legacy-webhook', 'sqs:SendMessage').join(' ')).toMatch(
      /MessagingNotice\w*Arn/,
    );
    expect(resourcesFor(sandbox, 'rest-legacy-webhook', 'dynamodb:PutItem').join(' ')).toMatch(/Idempotency/);
  });

  it('keeps the webhook key in a secret and the audience per deployment', () => {
    const variables = (synth: Synth) =>
      (
        functionNamed(synth, 'rest-legacy-webhook').resource.Properties!.Environment as {
          Variables: Record<string, string>;
        }
      ).Variables;
    expect(variables(sandbox).LEGACY_WEBHOOK_AUDIENCE).toBe('bootalk-amplify-sandbox');
    expect(variables(synths.prod).LEGACY_WEBHOOK_AUDIENCE).toBe('bootalk-amplify');
    expect(variables(sandbox).LEGACY_WEBHOOK_ISSUER).toBe('bootalk-legacy-api');
    expect(JSON.parse(variables(sandbox).AMPLIFY_SSM_ENV_CONFIG!)).toHaveProperty('LEGACY_WEBHOOK_KEY');
  });
});
