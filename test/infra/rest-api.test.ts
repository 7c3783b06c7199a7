import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
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
    expect(passedIn).toHaveLength(1);
    const [authStackId, outputName] = passedIn[0]!['Fn::GetAtt'];
    const auth = sandbox.templateFile('auth').json;
    expect(sandbox.root.Resources![authStackId]!.Type).toBe('AWS::CloudFormation::Stack');
    const userPoolId = Object.keys(sandbox.template('auth').findResources('AWS::Cognito::UserPool'))[0];
    expect(auth.Outputs![outputName.replace(/^Outputs\./, '')]!.Value).toEqual({
      'Fn::GetAtt': [userPoolId, 'Arn'],
    });
  });

  it('requires a user pool token for GET /v1/health, which answers 200 {"status":"ok"}', () => {
    const authorizerId = onlyLogicalId(api, 'AWS::ApiGateway::Authorizer');
    const v1 = onlyLogicalId(api, 'AWS::ApiGateway::Resource', { Properties: { PathPart: 'v1' } });
    const health = onlyLogicalId(api, 'AWS::ApiGateway::Resource', {
      Properties: { PathPart: 'health', ParentId: { Ref: v1 } },
    });
    api.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'GET',
      ResourceId: { Ref: health },
      AuthorizationType: 'COGNITO_USER_POOLS',
      AuthorizerId: { Ref: authorizerId },
      Integration: {
        Type: 'MOCK',
        IntegrationResponses: [
          {
            StatusCode: '200',
            ResponseTemplates: { 'application/json': Match.stringLikeRegexp('"status": "ok"') },
          },
        ],
      },
    });
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
