import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  RestApi as ApiGatewayRestApi,
  AuthorizationType,
  CognitoUserPoolsAuthorizer,
  Cors,
  EndpointType,
  type Integration,
  LogGroupLogDestination,
  type Method,
  MethodLoggingLevel,
  type RequestValidator,
  type Resource,
} from 'aws-cdk-lib/aws-apigateway';
import type { IUserPool } from 'aws-cdk-lib/aws-cognito';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { type Deployment, resourceName, restApiSettings, retainsData } from '../../environment';

export interface RestApiProps {
  deployment: Deployment;
  /** The Amplify user pool: `/v1` accepts its ID tokens. */
  userPool: IUserPool;
}

/**
 * One access log line per request, JSON. Deliberately no request headers, query strings or
 * bodies: they carry Authorization tokens, phone numbers and webhook signatures.
 */
const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  requestTime: '$context.requestTime',
  httpMethod: '$context.httpMethod',
  resourcePath: '$context.resourcePath',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  latency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  userSub: '$context.authorizer.claims.sub',
  errorMessage: '$context.error.message',
  authorizerError: '$context.authorizer.error',
};

/**
 * The REST API for clients that cannot use GraphQL and for the legacy side's webhooks (DESIGN §2,
 * functions 23–24). Routes are added by the functions that serve them, under `v1` (Cognito
 * authorized by default) or `webhooks` (verified by the function: service JWT).
 */
export class RestApi extends Construct {
  readonly api: ApiGatewayRestApi;
  readonly authorizer: CognitoUserPoolsAuthorizer;
  /** `/v1`: every method added under it requires a user pool token unless it says otherwise. */
  readonly v1: Resource;
  /** `/webhooks`: called by the legacy backend; its functions verify the service JWT. */
  readonly webhooks: Resource;
  /** Validates required parameters and JSON bodies (with a request model) before a function runs. */
  readonly requestValidator: RequestValidator;
  readonly accessLogs: LogGroup;

  constructor(scope: Construct, id: string, props: RestApiProps) {
    super(scope, id);
    const { deployment, userPool } = props;
    const settings = restApiSettings(deployment);
    const apiName = resourceName(deployment, 'bootalk-api');

    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      logGroupName: `/aws/apigateway/${apiName}/access`,
      retention: settings.accessLogRetentionDays,
      removalPolicy: retainsData(deployment) ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });

    this.api = new ApiGatewayRestApi(this, 'Api', {
      restApiName: apiName,
      description: `Bootalk REST API (${deployment.stage})`,
      endpointTypes: [EndpointType.REGIONAL],
      // The CloudWatch role is an account-wide, per-region API Gateway setting (AWS::ApiGateway::Account).
      // Sandboxes, dev and staging share an account: if each stack owned it, every deploy would
      // overwrite it and deleting a sandbox would leave the others pointing at a removed role.
      // It is set once per account and region (README), and logging below relies on it.
      cloudWatchRole: false,
      deployOptions: {
        stageName: deployment.stage,
        accessLogDestination: new LogGroupLogDestination(this.accessLogs),
        accessLogFormat: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
        loggingLevel: MethodLoggingLevel.ERROR,
        // Execution logs with data trace would contain request bodies and headers.
        dataTraceEnabled: false,
        metricsEnabled: true,
        tracingEnabled: true,
        throttlingRateLimit: settings.throttlingRateLimit,
        throttlingBurstLimit: settings.throttlingBurstLimit,
      },
      defaultCorsPreflightOptions: {
        allowOrigins: deployment.webOrigins,
        allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
        allowHeaders: Cors.DEFAULT_HEADERS,
      },
    });

    this.authorizer = new CognitoUserPoolsAuthorizer(this, 'UserPoolAuthorizer', {
      cognitoUserPools: [userPool],
      authorizerName: 'user-pool',
    });

    this.requestValidator = this.api.addRequestValidator('RequestValidator', {
      requestValidatorName: 'parameters-and-body',
      validateRequestParameters: true,
      validateRequestBody: true,
    });

    this.v1 = this.api.root.addResource('v1', {
      defaultMethodOptions: {
        authorizer: this.authorizer,
        authorizationType: AuthorizationType.COGNITO,
      },
    });
    this.webhooks = this.api.root.addResource('webhooks');

    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-APIG3',
      reason:
        'No WAF web ACL yet: the stage is throttled per method (environment.ts restApiSettings) and /v1 ' +
        'requires a user pool token; a WAF is a per-deployment cost to decide for prod separately.',
    });
  }

  /**
   * A method API Gateway lets through without a user pool token: a health check, or a webhook
   * whose function verifies its caller itself. `why` says which, for the cdk-nag record.
   */
  addUnauthenticatedMethod(
    resource: Resource,
    httpMethod: string,
    integration: Integration,
    why: string,
  ): Method {
    const method = resource.addMethod(httpMethod, integration, {
      authorizationType: AuthorizationType.NONE,
      authorizer: undefined,
    });
    Validations.of(method).acknowledge(
      { id: 'AwsSolutions-APIG4', reason: why },
      { id: 'AwsSolutions-COG4', reason: why },
    );
    return method;
  }

  /** A resource under `/v1` without the user pool authorizer `/v1` gives its children. */
  addPublicV1Resource(pathPart: string): Resource {
    return this.v1.addResource(pathPart, {
      defaultMethodOptions: { authorizationType: AuthorizationType.NONE, authorizer: undefined },
    });
  }

  get url(): string {
    return this.api.url;
  }
}
