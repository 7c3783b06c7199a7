import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assetHashOf, type CloudAssembly } from './cloud-assembly';
import type { Templates } from './templates';

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

function readTemplate(assembly: CloudAssembly, inline: unknown, location: unknown): string {
  if (typeof inline === 'string') return inline;
  if (typeof location === 'string') {
    const hash = assetHashOf(location);
    if (hash) return readFileSync(assembly.assetPath(hash), 'utf8');
  }
  return '';
}

/** AppSync: the API, its schema, data sources, functions and resolvers. */
export function readAppSync({
  assembly,
  resolver,
  ofType,
  functionNameOf,
}: Templates): AppSyncSpec | undefined {
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
