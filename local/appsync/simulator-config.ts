import { readFileSync } from 'node:fs';
import { type AmplifyAppSyncSimulatorConfig, addDataLoader } from '@aws-amplify/amplify-appsync-simulator';
import type { AppSyncSpec } from '../assembly/graphql-api';
import { type FunctionInvoker, LOCAL_ACCOUNT, LOCAL_REGION } from '../contracts';
import { LOCAL_ENGINE_CREDENTIALS, localEngineSigner } from '../dynamodb/engine-client';

/**
 * The simulator's configuration from the synthesized API: every resolver and function
 * template as an in-memory mapping template (parsed once), DynamoDB data sources on
 * DynamoDB Local, Lambda data sources on the local function invoker.
 */

export class LocalAppSyncConfigError extends Error {
  override name = 'LocalAppSyncConfigError';
}

export interface DataSourceTargets {
  dynamodbEndpoint: string;
  invoker?: FunctionInvoker;
}

const LOCAL_LAMBDA = 'LOCAL_AWS_LAMBDA';

export function simulatorConfigOf(
  spec: AppSyncSpec,
  targets: DataSourceTargets,
): AmplifyAppSyncSimulatorConfig {
  registerLocalLambdaLoader();
  const mappingTemplates: { path: string; content: string }[] = [];
  const template = (path: string, content: string) => {
    // The simulator rejects an empty template; AppSync treats it as "pass the previous result on".
    mappingTemplates.push({ path, content: content.trim() ? content : '$util.toJson($ctx.prev.result)' });
    return path;
  };

  const dataSources = spec.dataSources.map((source) => {
    switch (source.type) {
      case 'AMAZON_DYNAMODB':
        return {
          type: 'AMAZON_DYNAMODB',
          name: source.name,
          config: {
            endpoint: targets.dynamodbEndpoint,
            region: LOCAL_REGION,
            accessKeyId: 'local',
            secretAccessKey: 'local',
            tableName: requireValue(source.tableName, `Data source ${source.name} has no table name`),
          },
          // The loader hands `config` and `options` to DynamoDBClient, which reads keys from `credentials` only.
          options: { credentials: LOCAL_ENGINE_CREDENTIALS, signer: localEngineSigner },
        };
      case 'NONE':
        return { type: 'NONE', name: source.name };
      case 'AWS_LAMBDA':
        return {
          type: LOCAL_LAMBDA,
          name: source.name,
          functionName: requireValue(source.functionName, `Data source ${source.name} has no function`),
          invoker: targets.invoker,
        };
      default:
        throw new LocalAppSyncConfigError(
          `Data source ${source.name} is of type ${source.type}; the local AppSync runs AMAZON_DYNAMODB, AWS_LAMBDA and NONE data sources only.`,
        );
    }
  });

  const functions = spec.functions.map((fn) => ({
    name: fn.id,
    dataSourceName: fn.dataSourceName,
    requestMappingTemplateLocation: template(`functions/${fn.name}.req.vtl`, fn.requestTemplate),
    responseMappingTemplateLocation: template(`functions/${fn.name}.res.vtl`, fn.responseTemplate),
  }));

  const resolvers = spec.resolvers.map((resolver) => {
    const name = `${resolver.typeName}.${resolver.fieldName}`;
    const templates = {
      requestMappingTemplateLocation: template(`resolvers/${name}.req.vtl`, resolver.requestTemplate),
      responseMappingTemplateLocation: template(`resolvers/${name}.res.vtl`, resolver.responseTemplate),
    };
    if (resolver.kind === 'PIPELINE') {
      for (const id of resolver.functionIds) {
        if (!spec.functions.some((fn) => fn.id === id)) {
          throw new LocalAppSyncConfigError(
            `Resolver ${name} runs function ${id}, which the API does not define`,
          );
        }
      }
      return {
        kind: 'PIPELINE',
        typeName: resolver.typeName,
        fieldName: resolver.fieldName,
        functions: resolver.functionIds,
        ...templates,
      };
    }
    return {
      kind: 'UNIT',
      typeName: resolver.typeName,
      fieldName: resolver.fieldName,
      dataSourceName: requireValue(resolver.dataSourceName, `Unit resolver ${name} has no data source`),
      ...templates,
    };
  });

  return {
    schema: { path: 'schema.graphql', content: readFileSync(spec.schemaFile, 'utf8') },
    mappingTemplates,
    dataSources,
    functions,
    resolvers,
    appSync: {
      name: spec.name,
      apiKey: '',
      accountId: LOCAL_ACCOUNT,
      defaultAuthenticationType: {
        authenticationType: spec.defaultAuthentication,
        ...(spec.userPoolId ? { cognitoUserPoolConfig: { userPoolId: spec.userPoolId } } : {}),
      },
      additionalAuthenticationProviders: spec.additionalAuthentications.map((authenticationType) => ({
        authenticationType,
      })),
    },
  } as unknown as AmplifyAppSyncSimulatorConfig;
}

function requireValue(value: string | undefined, message: string): string {
  if (!value) throw new LocalAppSyncConfigError(message);
  return value;
}

/** AppSync's error for a function that threw or timed out: always `Lambda:Unhandled`, with the function's message. */
export class LambdaUnhandledError extends Error {
  override name = 'LambdaUnhandledError';
  readonly type = 'Lambda:Unhandled';
}

interface LambdaRequest {
  operation?: string;
  payload?: unknown;
  invocationType?: 'RequestResponse' | 'Event';
}

class LocalLambdaDataLoader {
  private readonly source: { name: string; functionName: string; invoker?: FunctionInvoker };

  constructor(config?: unknown) {
    this.source = config as LocalLambdaDataLoader['source'];
  }

  async load(request: LambdaRequest): Promise<unknown> {
    const { functionName, invoker } = this.source;
    if (request.operation !== 'Invoke') {
      throw new LambdaUnhandledError(
        `Operation ${request.operation} is not supported by the local Lambda data source`,
      );
    }
    if (!invoker?.has(functionName)) {
      throw new LambdaUnhandledError(
        `Function ${functionName} (data source ${this.source.name}) is not running locally`,
      );
    }
    const invocation = invoker.invoke(functionName, request.payload ?? null);
    if (request.invocationType === 'Event') {
      invocation.catch(() => undefined);
      return null;
    }
    const outcome = await invocation;
    if (!outcome.ok) throw new LambdaUnhandledError(outcome.error?.errorMessage ?? `${functionName} failed`);
    return outcome.result ?? null;
  }
}

let lambdaLoaderRegistered = false;

function registerLocalLambdaLoader(): void {
  if (lambdaLoaderRegistered) return;
  (addDataLoader as (type: string, loader: unknown) => void)(LOCAL_LAMBDA, LocalLambdaDataLoader);
  lambdaLoaderRegistered = true;
}
