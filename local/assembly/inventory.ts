import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EventSourceMappingSpec, FunctionSpec, TableSpec } from '../contracts';
import { assetHashOf, type CfnResource, type CloudAssembly, type StackNode } from './cloud-assembly';
import { createResolver, type LocalUrls, type Resolver } from './intrinsics';

/**
 * Everything the local sandbox runs, read from the synthesized templates with every
 * intrinsic resolved: no name or setting is duplicated between the backend and local/.
 */

export interface TopicSpec {
  name: string;
  arn: string;
}

export interface QueueSpec {
  name: string;
  arn: string;
  url: string;
  visibilityTimeoutSeconds: number;
  messageRetentionSeconds: number;
  redrive?: { deadLetterQueueName: string; maxReceiveCount: number };
}

export interface SubscriptionSpec {
  topicArn: string;
  protocol: string;
  /** Queue name for protocol sqs. */
  queueName?: string;
  endpoint: string;
  rawMessageDelivery: boolean;
  filterPolicy?: Record<string, unknown>;
  filterPolicyScope?: 'MessageAttributes' | 'MessageBody';
}

export interface ScheduleSpec {
  name: string;
  functionName: string;
  /** `cron(0 9 ? * 2 *)` or `rate(5 minutes)`. */
  expression: string;
  timezone: string;
}

export interface UserPoolSpec {
  userPoolId: string;
  clientId: string;
  groups: string[];
  /** Cognito trigger (preSignUp, defineAuthChallenge, …) → function name. */
  triggers: Record<string, string>;
  explicitAuthFlows: string[];
  preventUserExistenceErrors: boolean;
  authSessionValidityMinutes: number;
  accessTokenValidityMinutes: number;
  idTokenValidityMinutes: number;
  refreshTokenValidityDays: number;
}

export interface AppSyncSpec {
  apiId: string;
  /** The API's QueryDepthLimit and ResolverCountLimit (absent or 0: AppSync's defaults, no depth limit). */
  queryDepthLimit?: number;
  resolverCountLimit?: number;
  name: string;
  schemaFile: string;
  defaultAuthentication: string;
  additionalAuthentications: string[];
  userPoolId?: string;
  dataSources: { name: string; type: string; tableName?: string; functionName?: string }[];
  functions: {
    id: string;
    name: string;
    dataSourceName: string;
    requestTemplate: string;
    responseTemplate: string;
  }[];
  resolvers: {
    typeName: string;
    fieldName: string;
    kind: 'UNIT' | 'PIPELINE';
    dataSourceName?: string;
    functionIds: string[];
    requestTemplate: string;
    responseTemplate: string;
  }[];
}

export interface RestRouteSpec {
  method: string;
  /** `/v1/me/badge` */
  path: string;
  authorization: 'NONE' | 'COGNITO_USER_POOLS' | string;
  integration:
    | { kind: 'lambda'; functionName: string }
    | { kind: 'mock'; statusCode: number; body: string; headers: Record<string, string> };
}

export interface BackendInventory {
  functions: FunctionSpec[];
  tables: TableSpec[];
  topics: TopicSpec[];
  queues: QueueSpec[];
  subscriptions: SubscriptionSpec[];
  eventSourceMappings: EventSourceMappingSpec[];
  schedules: ScheduleSpec[];
  userPool?: UserPoolSpec;
  appSync?: AppSyncSpec;
  restApi?: { name: string; stageName: string; routes: RestRouteSpec[] };
  ssmParameters: { name: string; type: string; value: string }[];
  pushApplicationIds: string[];
  /** The root stack's outputs, resolved (what `ampx generate outputs` reads). */
  outputs: Record<string, string>;
}

interface Located {
  stack: StackNode;
  logicalId: string;
  resource: CfnResource;
}

function resourcesOfType(assembly: CloudAssembly, resolver: Resolver, type: string): Located[] {
  const found: Located[] = [];
  for (const stack of assembly.stacks) {
    for (const [logicalId, resource] of Object.entries(stack.template.Resources ?? {})) {
      if (resource.Type !== type) continue;
      if (resource.Condition && !resolver.condition(stack, resource.Condition)) continue;
      found.push({ stack, logicalId, resource });
    }
  }
  return found;
}

function lastSegment(arnOrName: string, separator = ':'): string {
  return arnOrName.split(separator).pop()!;
}

function readTemplate(assembly: CloudAssembly, inline: unknown, location: unknown): string {
  if (typeof inline === 'string') return inline;
  if (typeof location === 'string') {
    const hash = assetHashOf(location);
    if (hash) return readFileSync(assembly.assetPath(hash), 'utf8');
  }
  return '';
}

/** What each reader is given: the templates, every intrinsic resolved, and the functions' Amplify names. */
interface Templates {
  assembly: CloudAssembly;
  resolver: Resolver;
  /** The resources of one type in every stack, without those whose condition is false. */
  ofType(type: string): Located[];
  /** A resource's properties with every intrinsic resolved. */
  props(located: Located): Record<string, unknown>;
  /** Our function's Amplify name from its ARN or physical name; any other function's physical name. */
  functionNameOf(arnOrName: unknown): string;
}

export function readInventory(
  assembly: CloudAssembly,
  urls: LocalUrls,
  options: { functionNames: ReadonlySet<string> },
): BackendInventory {
  const resolver = createResolver(urls);
  const located: Omit<Templates, 'functionNameOf'> = {
    assembly,
    resolver,
    ofType: (type) => resourcesOfType(assembly, resolver, type),
    props: (resource) =>
      resolver.resolve(resource.stack, resource.resource.Properties ?? {}) as Record<string, unknown>,
  };
  const { functions, functionNameOf } = readFunctions(located, options.functionNames);
  const t: Templates = { ...located, functionNameOf };
  return {
    functions,
    tables: readTables(t),
    topics: readTopics(t),
    queues: readQueues(t),
    subscriptions: readSubscriptions(t),
    eventSourceMappings: readEventSourceMappings(t),
    schedules: readSchedules(t),
    userPool: readUserPool(t),
    appSync: readAppSync(t),
    restApi: readRestApi(t),
    ssmParameters: readSsmParameters(t),
    pushApplicationIds: readPushApplicationIds(t),
    outputs: readOutputs(t),
  };
}

/** Lambda: our functions (tagged with their Amplify name), each with its role's policy statements. */
function readFunctions(
  t: Omit<Templates, 'functionNameOf'>,
  functionNames: ReadonlySet<string>,
): { functions: FunctionSpec[]; functionNameOf: Templates['functionNameOf'] } {
  // Custom-resource handlers carry no Amplify name: they are not ours.
  const functions: FunctionSpec[] = [];
  const functionNameByPhysical = new Map<string, string>();
  for (const located of t.ofType('AWS::Lambda::Function')) {
    const tags = (located.resource.Properties?.Tags ?? []) as { Key: string; Value: string }[];
    const name = tags.find((tag) => tag.Key === 'amplify:friendly-name')?.Value;
    if (!name || !functionNames.has(name)) continue;
    const p = t.props(located);
    const physical = String(t.resolver.ref(located.stack, located.logicalId));
    functionNameByPhysical.set(physical, name);
    const code = p.Code as { S3Key?: string };
    const bundleDir = t.assembly.assetPath(assetHashOf(String(code.S3Key)) ?? '');
    functions.push({
      name,
      bundleDir,
      handler: String(p.Handler ?? 'index.handler'),
      ...(typeof p.Role === 'string' ? { roleArn: p.Role } : {}),
      timeoutSeconds: Number(p.Timeout ?? 3),
      memoryMB: Number(p.MemorySize ?? 128),
      environment: {
        ...Object.fromEntries(
          Object.entries(
            ((p.Environment as { Variables?: Record<string, unknown> })?.Variables ?? {}) as object,
          ).map(([key, value]) => [key, String(value)]),
        ),
        AWS_LAMBDA_FUNCTION_NAME: physical,
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(p.MemorySize ?? 128),
      },
    });
  }
  // Each role's policy statements (AWS::IAM::Policy names the roles it attaches to).
  const statementsByRole = new Map<string, NonNullable<FunctionSpec['iamStatements']>>();
  for (const located of t.ofType('AWS::IAM::Policy')) {
    const p = t.props(located);
    const statements = ((p.PolicyDocument as { Statement?: unknown[] })?.Statement ?? []) as NonNullable<
      FunctionSpec['iamStatements']
    >;
    for (const role of (p.Roles ?? []) as unknown[]) {
      const name = lastSegment(String(role), '/');
      statementsByRole.set(name, [...(statementsByRole.get(name) ?? []), ...statements]);
    }
  }
  for (const fn of functions) {
    const role = fn.roleArn ? lastSegment(fn.roleArn, '/') : undefined;
    fn.iamStatements = (role && statementsByRole.get(role)) || [];
  }
  const functionNameOf = (arnOrName: unknown): string => {
    const physical = lastSegment(String(arnOrName));
    return functionNameByPhysical.get(physical) ?? physical;
  };
  return { functions, functionNameOf };
}

/** DynamoDB: Amplify's model tables, adopted Gen 1 tables and plain CloudFormation tables. */
function readTables(t: Templates): TableSpec[] {
  const tables: TableSpec[] = [];
  for (const located of [
    ...t.ofType('Custom::AmplifyDynamoDBTable'),
    // Gen 1 tables this branch adopts: described like Amplify's own, but they must already exist.
    ...t.ofType('Custom::ImportedAmplifyDynamoDBTable'),
    ...t.ofType('AWS::DynamoDB::Table'),
  ]) {
    const p = t.props(located);
    const imported = located.resource.Type === 'Custom::ImportedAmplifyDynamoDBTable';
    const amplify = imported || located.resource.Type === 'Custom::AmplifyDynamoDBTable';
    const key = (entry: Record<string, string>) => ({
      AttributeName: entry.attributeName ?? entry.AttributeName!,
      KeyType: (entry.keyType ?? entry.KeyType) as 'HASH' | 'RANGE',
    });
    const gsis = ((amplify ? p.globalSecondaryIndexes : p.GlobalSecondaryIndexes) ?? []) as Record<
      string,
      unknown
    >[];
    const stream = (amplify ? p.streamSpecification : p.StreamSpecification) as
      | Record<string, string>
      | undefined;
    const ttl = (amplify ? p.timeToLiveSpecification : p.TimeToLiveSpecification) as
      | Record<string, unknown>
      | undefined;
    const tableName = String(amplify ? p.tableName : t.resolver.ref(located.stack, located.logicalId));
    tables.push({
      logicalId: located.logicalId,
      tableName,
      modelName: amplify ? tableName.split('-')[0] : undefined,
      keySchema: ((amplify ? p.keySchema : p.KeySchema) as Record<string, string>[]).map(key),
      attributeDefinitions: (
        (amplify ? p.attributeDefinitions : p.AttributeDefinitions) as Record<string, string>[]
      ).map((entry) => ({
        AttributeName: entry.attributeName ?? entry.AttributeName!,
        AttributeType: (entry.attributeType ?? entry.AttributeType) as 'S' | 'N' | 'B',
      })),
      globalSecondaryIndexes: gsis.map((index) => {
        const projection = (index.projection ?? index.Projection) as Record<string, unknown>;
        return {
          IndexName: String(index.indexName ?? index.IndexName),
          KeySchema: ((index.keySchema ?? index.KeySchema) as Record<string, string>[]).map(key),
          Projection: {
            ProjectionType: (projection.projectionType ?? projection.ProjectionType) as
              | 'ALL'
              | 'KEYS_ONLY'
              | 'INCLUDE',
            ...(projection.nonKeyAttributes || projection.NonKeyAttributes
              ? { NonKeyAttributes: (projection.nonKeyAttributes ?? projection.NonKeyAttributes) as string[] }
              : {}),
          },
        };
      }),
      streamViewType: (stream?.streamViewType ?? stream?.StreamViewType) as TableSpec['streamViewType'],
      ttlAttribute:
        ttl && (ttl.enabled ?? ttl.Enabled) ? String(ttl.attributeName ?? ttl.AttributeName) : undefined,
      ...(imported ? { imported: true } : {}),
    });
  }

  return tables;
}

function readTopics(t: Templates): TopicSpec[] {
  return t.ofType('AWS::SNS::Topic').map((located) => ({
    name: String(t.resolver.getAtt(located.stack, located.logicalId, 'TopicName')),
    arn: String(t.resolver.ref(located.stack, located.logicalId)),
  }));
}

const queueNameOfArn = (arn: unknown) => lastSegment(String(arn));

function readQueues(t: Templates): QueueSpec[] {
  return t.ofType('AWS::SQS::Queue').map((located) => {
    const p = t.props(located);
    const redrive = p.RedrivePolicy as { deadLetterTargetArn?: string; maxReceiveCount?: number } | undefined;
    return {
      name: String(t.resolver.getAtt(located.stack, located.logicalId, 'QueueName')),
      arn: String(t.resolver.getAtt(located.stack, located.logicalId, 'Arn')),
      url: String(t.resolver.ref(located.stack, located.logicalId)),
      visibilityTimeoutSeconds: Number(p.VisibilityTimeout ?? 30),
      messageRetentionSeconds: Number(p.MessageRetentionPeriod ?? 345_600),
      ...(redrive?.deadLetterTargetArn
        ? {
            redrive: {
              deadLetterQueueName: queueNameOfArn(redrive.deadLetterTargetArn),
              maxReceiveCount: Number(redrive.maxReceiveCount ?? 10),
            },
          }
        : {}),
    };
  });
}

function readSubscriptions(t: Templates): SubscriptionSpec[] {
  return t.ofType('AWS::SNS::Subscription').map((located) => {
    const p = t.props(located);
    return {
      topicArn: String(p.TopicArn),
      protocol: String(p.Protocol),
      endpoint: String(p.Endpoint),
      ...(p.Protocol === 'sqs' ? { queueName: queueNameOfArn(p.Endpoint) } : {}),
      rawMessageDelivery: p.RawMessageDelivery === true || p.RawMessageDelivery === 'true',
      ...(p.FilterPolicy ? { filterPolicy: p.FilterPolicy as Record<string, unknown> } : {}),
      ...(p.FilterPolicyScope ? { filterPolicyScope: p.FilterPolicyScope as 'MessageAttributes' } : {}),
    };
  });
}

/** Lambda's event source mappings: DynamoDB streams and SQS queues. */
function readEventSourceMappings(t: Templates): EventSourceMappingSpec[] {
  return t.ofType('AWS::Lambda::EventSourceMapping').map((located) => {
    const p = t.props(located);
    const sourceArn = String(p.EventSourceArn);
    const onFailure = (p.DestinationConfig as { OnFailure?: { Destination?: string } } | undefined)?.OnFailure
      ?.Destination;
    return {
      functionName: t.functionNameOf(p.FunctionName),
      source: sourceArn.includes(':dynamodb:')
        ? {
            kind: 'dynamodb-stream' as const,
            tableName: sourceArn.split(':table/')[1]!.split('/stream/')[0]!,
          }
        : { kind: 'sqs' as const, queueName: queueNameOfArn(sourceArn) },
      batchSize: Number(p.BatchSize ?? (sourceArn.includes(':sqs:') ? 10 : 100)),
      ...(p.MaximumBatchingWindowInSeconds !== undefined
        ? { maximumBatchingWindowSeconds: Number(p.MaximumBatchingWindowInSeconds) }
        : {}),
      filterPatterns: (
        (p.FilterCriteria as { Filters?: { Pattern: string }[] } | undefined)?.Filters ?? []
      ).map((filter) => filter.Pattern),
      reportBatchItemFailures: ((p.FunctionResponseTypes as string[] | undefined) ?? []).includes(
        'ReportBatchItemFailures',
      ),
      bisectBatchOnFunctionError: p.BisectBatchOnFunctionError === true,
      maximumRetryAttempts: Number(p.MaximumRetryAttempts ?? -1),
      maximumRecordAgeInSeconds: Number(p.MaximumRecordAgeInSeconds ?? -1),
      ...(onFailure ? { onFailureQueueName: queueNameOfArn(onFailure) } : {}),
      ...(p.StartingPosition ? { startingPosition: p.StartingPosition as 'LATEST' | 'TRIM_HORIZON' } : {}),
    };
  });
}

/** EventBridge Scheduler: the functions' schedules. */
function readSchedules(t: Templates): ScheduleSpec[] {
  return t.ofType('AWS::Scheduler::Schedule').map((located) => {
    const p = t.props(located);
    return {
      name: String(t.resolver.ref(located.stack, located.logicalId)),
      functionName: t.functionNameOf((p.Target as { Arn: string }).Arn),
      expression: String(p.ScheduleExpression),
      timezone: String(p.ScheduleExpressionTimezone ?? 'UTC'),
    };
  });
}

function readSsmParameters(t: Templates): BackendInventory['ssmParameters'] {
  return t.ofType('AWS::SSM::Parameter').map((located) => {
    const p = t.props(located);
    return { name: String(p.Name), type: String(p.Type ?? 'String'), value: String(p.Value) };
  });
}

/** End User Messaging (Pinpoint) push applications. */
function readPushApplicationIds(t: Templates): string[] {
  return t
    .ofType('AWS::Pinpoint::App')
    .map((located) => String(t.resolver.ref(located.stack, located.logicalId)));
}

/** The root stack's outputs, resolved. */
function readOutputs(t: Templates): Record<string, string> {
  const outputs: Record<string, string> = {};
  for (const name of Object.keys(t.assembly.root.template.Outputs ?? {})) {
    outputs[name] = String(t.resolver.output(t.assembly.root, name));
  }

  return outputs;
}

function readUserPool({ resolver, ofType, functionNameOf }: Templates): UserPoolSpec | undefined {
  const [pool] = ofType('AWS::Cognito::UserPool');
  const [client] = ofType('AWS::Cognito::UserPoolClient');
  if (!pool || !client) return undefined;
  const poolProps = resolver.resolve(pool.stack, pool.resource.Properties ?? {}) as Record<string, unknown>;
  const clientProps = resolver.resolve(client.stack, client.resource.Properties ?? {}) as Record<
    string,
    unknown
  >;
  const lambdaConfig = (poolProps.LambdaConfig ?? {}) as Record<string, unknown>;
  const triggerKeys: Record<string, string> = {
    PreSignUp: 'preSignUp',
    DefineAuthChallenge: 'defineAuthChallenge',
    CreateAuthChallenge: 'createAuthChallenge',
    VerifyAuthChallengeResponse: 'verifyAuthChallengeResponse',
    PostConfirmation: 'postConfirmation',
    PreAuthentication: 'preAuthentication',
    PostAuthentication: 'postAuthentication',
    PreTokenGeneration: 'preTokenGeneration',
  };
  const triggers: Record<string, string> = {};
  for (const [key, trigger] of Object.entries(triggerKeys)) {
    if (lambdaConfig[key]) triggers[trigger] = functionNameOf(lambdaConfig[key]);
  }
  const units = (clientProps.TokenValidityUnits ?? {}) as Record<string, string>;
  const toMinutes = (value: unknown, unit: string | undefined, fallbackMinutes: number) => {
    if (value === undefined) return fallbackMinutes;
    const factor = { seconds: 1 / 60, minutes: 1, hours: 60, days: 1440 }[unit ?? 'hours'] ?? 60;
    return Number(value) * factor;
  };
  return {
    userPoolId: String(resolver.ref(pool.stack, pool.logicalId)),
    clientId: String(resolver.ref(client.stack, client.logicalId)),
    groups: ofType('AWS::Cognito::UserPoolGroup').map((group) =>
      String(resolver.resolve(group.stack, group.resource.Properties?.GroupName)),
    ),
    triggers,
    explicitAuthFlows: (clientProps.ExplicitAuthFlows as string[] | undefined) ?? [],
    preventUserExistenceErrors: clientProps.PreventUserExistenceErrors === 'ENABLED',
    authSessionValidityMinutes: Number(clientProps.AuthSessionValidity ?? 3),
    accessTokenValidityMinutes: toMinutes(clientProps.AccessTokenValidity, units.AccessToken, 60),
    idTokenValidityMinutes: toMinutes(clientProps.IdTokenValidity, units.IdToken, 60),
    refreshTokenValidityDays:
      toMinutes(clientProps.RefreshTokenValidity, units.RefreshToken ?? 'days', 30 * 1440) / 1440,
  };
}

function readAppSync({ assembly, resolver, ofType, functionNameOf }: Templates): AppSyncSpec | undefined {
  const [api] = ofType('AWS::AppSync::GraphQLApi');
  const [schema] = ofType('AWS::AppSync::GraphQLSchema');
  if (!api || !schema) return undefined;
  const apiProps = resolver.resolve(api.stack, api.resource.Properties ?? {}) as Record<string, unknown>;
  const schemaProps = resolver.resolve(schema.stack, schema.resource.Properties ?? {}) as Record<
    string,
    unknown
  >;
  const schemaHash = assetHashOf(String(schemaProps.DefinitionS3Location ?? ''));
  const schemaFile = schemaHash
    ? assembly.assetPath(schemaHash)
    : join(assembly.outdir, 'inline-schema.graphql');
  if (!schemaHash && !existsSync(schemaFile))
    throw new Error('The AppSync schema is not a synthesized asset');

  const dataSources = ofType('AWS::AppSync::DataSource').map((located) => {
    const p = resolver.resolve(located.stack, located.resource.Properties ?? {}) as Record<string, unknown>;
    const dynamo = p.DynamoDBConfig as { TableName?: string } | undefined;
    const lambda = p.LambdaConfig as { LambdaFunctionArn?: string } | undefined;
    return {
      name: String(p.Name),
      type: String(p.Type),
      ...(dynamo?.TableName ? { tableName: dynamo.TableName } : {}),
      ...(lambda?.LambdaFunctionArn ? { functionName: functionNameOf(lambda.LambdaFunctionArn) } : {}),
    };
  });

  const functions = ofType('AWS::AppSync::FunctionConfiguration').map((located) => {
    const p = resolver.resolve(located.stack, located.resource.Properties ?? {}) as Record<string, unknown>;
    return {
      id: String(resolver.getAtt(located.stack, located.logicalId, 'FunctionId')),
      name: String(p.Name),
      dataSourceName: String(p.DataSourceName),
      requestTemplate: readTemplate(assembly, p.RequestMappingTemplate, p.RequestMappingTemplateS3Location),
      responseTemplate: readTemplate(
        assembly,
        p.ResponseMappingTemplate,
        p.ResponseMappingTemplateS3Location,
      ),
    };
  });

  const resolvers = ofType('AWS::AppSync::Resolver').map((located) => {
    const p = resolver.resolve(located.stack, located.resource.Properties ?? {}) as Record<string, unknown>;
    return {
      typeName: String(p.TypeName),
      fieldName: String(p.FieldName),
      kind: (p.Kind === 'PIPELINE' ? 'PIPELINE' : 'UNIT') as 'UNIT' | 'PIPELINE',
      ...(p.DataSourceName ? { dataSourceName: String(p.DataSourceName) } : {}),
      functionIds: ((p.PipelineConfig as { Functions?: string[] } | undefined)?.Functions ?? []).map(String),
      requestTemplate: readTemplate(assembly, p.RequestMappingTemplate, p.RequestMappingTemplateS3Location),
      responseTemplate: readTemplate(
        assembly,
        p.ResponseMappingTemplate,
        p.ResponseMappingTemplateS3Location,
      ),
    };
  });

  const userPoolConfig = apiProps.UserPoolConfig as { UserPoolId?: string } | undefined;
  return {
    apiId: String(resolver.getAtt(api.stack, api.logicalId, 'ApiId')),
    name: String(apiProps.Name),
    ...(Number(apiProps.QueryDepthLimit) > 0 ? { queryDepthLimit: Number(apiProps.QueryDepthLimit) } : {}),
    ...(Number(apiProps.ResolverCountLimit) > 0
      ? { resolverCountLimit: Number(apiProps.ResolverCountLimit) }
      : {}),
    schemaFile,
    defaultAuthentication: String(apiProps.AuthenticationType),
    additionalAuthentications: (
      (apiProps.AdditionalAuthenticationProviders ?? []) as { AuthenticationType: string }[]
    ).map((provider) => provider.AuthenticationType),
    ...(userPoolConfig?.UserPoolId ? { userPoolId: userPoolConfig.UserPoolId } : {}),
    dataSources,
    functions,
    resolvers,
  };
}

function readRestApi({ resolver, ofType, functionNameOf }: Templates): BackendInventory['restApi'] {
  const [api] = ofType('AWS::ApiGateway::RestApi');
  if (!api) return undefined;
  const stack = api.stack;
  const resources = stack.template.Resources ?? {};
  const rootId = String(resolver.getAtt(stack, api.logicalId, 'RootResourceId'));
  const pathOf = (resourceId: string): string => {
    if (resourceId === rootId) return '';
    const entry = Object.entries(resources).find(
      ([logicalId, resource]) =>
        resource.Type === 'AWS::ApiGateway::Resource' &&
        String(resolver.ref(stack, logicalId)) === resourceId,
    );
    if (!entry) return '';
    const p = resolver.resolve(stack, entry[1].Properties ?? {}) as { ParentId: string; PathPart: string };
    return `${pathOf(p.ParentId)}/${p.PathPart}`;
  };
  const routes: RestRouteSpec[] = [];
  for (const located of ofType('AWS::ApiGateway::Method')) {
    if (located.stack !== stack) continue;
    const p = resolver.resolve(stack, located.resource.Properties ?? {}) as Record<string, unknown>;
    if (p.HttpMethod === 'OPTIONS') continue;
    const integration = (p.Integration ?? {}) as Record<string, unknown>;
    const responses = (integration.IntegrationResponses ?? []) as {
      StatusCode?: string;
      ResponseTemplates?: Record<string, string>;
      ResponseParameters?: Record<string, string>;
    }[];
    routes.push({
      method: String(p.HttpMethod),
      path: pathOf(String(p.ResourceId)) || '/',
      authorization: String(p.AuthorizationType ?? 'NONE'),
      integration:
        integration.Type === 'MOCK'
          ? {
              kind: 'mock',
              statusCode: Number(responses[0]?.StatusCode ?? 200),
              body: responses[0]?.ResponseTemplates?.['application/json'] ?? '',
              headers: {},
            }
          : {
              kind: 'lambda',
              functionName: functionNameOf(
                /function:([^/]+)\/invocations/.exec(String(integration.Uri))?.[1],
              ),
            },
    });
  }
  const [stage] = ofType('AWS::ApiGateway::Stage');
  return {
    name: String(resolver.resolve(stack, api.resource.Properties?.Name)),
    stageName: stage ? String(resolver.resolve(stage.stack, stage.resource.Properties?.StageName)) : 'local',
    routes,
  };
}
