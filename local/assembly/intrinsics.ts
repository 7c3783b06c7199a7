import { createHash } from 'node:crypto';
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../contracts';
import type { CfnResource, StackNode } from './cloud-assembly';

/**
 * Resolves CloudFormation intrinsics (Ref, Fn::GetAtt, Fn::Join, Fn::Sub, …) the way a
 * deploy would, giving every resource a local physical id: table names, queue URLs, ARNs.
 * What each resource type answers for Ref and GetAtt lives in `physicalValue`.
 */

export interface LocalUrls {
  awsUrl: string;
  graphqlUrl: string;
  realtimeUrl: string;
  restApiUrl: string;
}

export class IntrinsicError extends Error {
  override name = 'IntrinsicError';
}

const NO_VALUE = Symbol('AWS::NoValue');

export interface Resolver {
  resolve(stack: StackNode, value: unknown): unknown;
  /** Ref of a resource. */
  ref(stack: StackNode, logicalId: string): unknown;
  getAtt(stack: StackNode, logicalId: string, attribute: string): unknown;
  output(stack: StackNode, name: string): unknown;
  condition(stack: StackNode, name: string): boolean;
}

function shortHash(value: string, length = 8): string {
  return createHash('sha256').update(value).digest('hex').slice(0, length);
}

function arn(service: string, resource: string, region = LOCAL_REGION): string {
  return `arn:aws:${service}:${region}:${LOCAL_ACCOUNT}:${resource}`;
}

export function createResolver(urls: LocalUrls): Resolver {
  const cache = new Map<string, unknown>();
  const resolving = new Set<string>();

  const memo = (key: string, compute: () => unknown): unknown => {
    if (cache.has(key)) return cache.get(key);
    if (resolving.has(key)) throw new IntrinsicError(`Circular reference while resolving ${key}`);
    resolving.add(key);
    try {
      const value = compute();
      cache.set(key, value);
      return value;
    } finally {
      resolving.delete(key);
    }
  };

  const resourceOf = (stack: StackNode, logicalId: string): CfnResource => {
    const resource = stack.template.Resources?.[logicalId];
    if (!resource) throw new IntrinsicError(`${stack.name}: no resource ${logicalId}`);
    return resource;
  };

  const prop = (stack: StackNode, resource: CfnResource, name: string): unknown =>
    resource.Properties?.[name] === undefined ? undefined : resolve(stack, resource.Properties[name]);

  /** A generated name like CloudFormation's: `<stack>-<logicalId>-<hash>`, trimmed. */
  const generatedName = (stack: StackNode, logicalId: string, maxLength = 64): string => {
    const base = `${stack.name.slice(0, 20)}-${logicalId.slice(0, 24)}`;
    return `${base}-${shortHash(`${stack.name}/${logicalId}`, 12).toUpperCase()}`.slice(0, maxLength);
  };

  const physicalName = (
    stack: StackNode,
    logicalId: string,
    nameProperty: string,
    maxLength?: number,
  ): string => {
    const resource = resourceOf(stack, logicalId);
    const explicit = prop(stack, resource, nameProperty);
    return typeof explicit === 'string' ? explicit : generatedName(stack, logicalId, maxLength);
  };

  /** What Ref (attribute undefined) or Fn::GetAtt answers for each resource type. */
  const physicalValue = (stack: StackNode, logicalId: string, attribute?: string): unknown => {
    const resource = resourceOf(stack, logicalId);
    const id = `${stack.name}/${logicalId}`;
    switch (resource.Type) {
      case 'AWS::CloudFormation::Stack': {
        const child = stack.children.get(logicalId)!;
        if (attribute?.startsWith('Outputs.')) return output(child, attribute.slice('Outputs.'.length));
        return arn('cloudformation', `stack/${child.name}/${shortHash(child.name)}`);
      }
      case 'AWS::DynamoDB::Table':
      case 'Custom::AmplifyDynamoDBTable':
      // A Gen 1 table adopted by name (amplify/migration/gen1-resources.json): same properties.
      case 'Custom::ImportedAmplifyDynamoDBTable': {
        const name = physicalName(
          stack,
          logicalId,
          resource.Type === 'AWS::DynamoDB::Table' ? 'TableName' : 'tableName',
        );
        if (attribute === 'Arn' || attribute === 'TableArn') return arn('dynamodb', `table/${name}`);
        if (attribute === 'StreamArn' || attribute === 'TableStreamArn') {
          return arn('dynamodb', `table/${name}/stream/1970-01-01T00:00:00.000`);
        }
        return name;
      }
      case 'AWS::Lambda::Function': {
        const name = physicalName(stack, logicalId, 'FunctionName');
        return attribute === 'Arn' ? arn('lambda', `function:${name}`) : name;
      }
      case 'AWS::SNS::Topic': {
        const name = physicalName(stack, logicalId, 'TopicName', 256);
        return attribute === 'TopicName' ? name : arn('sns', name);
      }
      case 'AWS::SQS::Queue': {
        const name = physicalName(stack, logicalId, 'QueueName', 80);
        if (attribute === 'Arn') return arn('sqs', name);
        if (attribute === 'QueueName') return name;
        return `${urls.awsUrl}/${LOCAL_ACCOUNT}/${name}`;
      }
      case 'AWS::Cognito::UserPool': {
        const poolId = `${LOCAL_REGION}_local${shortHash(id, 4)}`;
        if (attribute === 'Arn') return arn('cognito-idp', `userpool/${poolId}`);
        if (attribute === 'ProviderName') return `cognito-idp.${LOCAL_REGION}.amazonaws.com/${poolId}`;
        if (attribute === 'ProviderURL') return `https://cognito-idp.${LOCAL_REGION}.amazonaws.com/${poolId}`;
        return poolId;
      }
      case 'AWS::Cognito::UserPoolClient':
        return `local${shortHash(id, 21)}`;
      case 'AWS::Cognito::IdentityPool':
        return `${LOCAL_REGION}:${shortHash(id, 8)}-0000-4000-8000-${shortHash(`${id}#`, 12)}`;
      case 'AWS::IAM::Role': {
        const name = physicalName(stack, logicalId, 'RoleName');
        if (attribute === 'RoleId') return `AROALOCAL${shortHash(id, 12).toUpperCase()}`;
        return attribute === 'Arn' ? `arn:aws:iam::${LOCAL_ACCOUNT}:role/${name}` : name;
      }
      case 'AWS::IAM::ManagedPolicy':
        return `arn:aws:iam::${LOCAL_ACCOUNT}:policy/${generatedName(stack, logicalId)}`;
      case 'AWS::AppSync::GraphQLApi': {
        const apiId = `local${shortHash(id, 20)}`;
        if (attribute === 'GraphQLUrl') return urls.graphqlUrl;
        if (attribute === 'RealtimeUrl') return urls.realtimeUrl;
        if (attribute === 'GraphQLDns') return new URL(urls.graphqlUrl).host;
        if (attribute === 'Arn') return arn('appsync', `apis/${apiId}`);
        return apiId;
      }
      case 'AWS::AppSync::DataSource': {
        const name = prop(stack, resource, 'Name');
        return attribute === 'DataSourceArn' ? arn('appsync', `datasources/${String(name)}`) : name;
      }
      case 'AWS::AppSync::FunctionConfiguration': {
        if (attribute === 'Name') return prop(stack, resource, 'Name');
        return `fn-${shortHash(id, 16)}`;
      }
      case 'AWS::S3::Bucket': {
        const name = physicalName(stack, logicalId, 'BucketName').toLowerCase();
        if (attribute === 'Arn') return `arn:aws:s3:::${name}`;
        if (attribute?.endsWith('DomainName')) return `${name}.s3.${LOCAL_REGION}.amazonaws.com`;
        return name;
      }
      case 'AWS::ApiGateway::RestApi': {
        const apiId = shortHash(id, 10);
        if (attribute === 'RootResourceId') return `root${shortHash(id, 6)}`;
        return apiId;
      }
      case 'AWS::ApiGateway::Stage':
        return prop(stack, resource, 'StageName');
      case 'AWS::KMS::Key':
        return attribute === 'Arn'
          ? arn('kms', `key/${shortHash(id, 8)}-0000-4000-8000-${shortHash(`${id}#`, 12)}`)
          : `${shortHash(id, 8)}-0000-4000-8000-${shortHash(`${id}#`, 12)}`;
      case 'AWS::SSM::Parameter': {
        const name = physicalName(stack, logicalId, 'Name');
        return attribute === 'Value' ? prop(stack, resource, 'Value') : name;
      }
      case 'AWS::Pinpoint::App': {
        const appId = shortHash(id, 32);
        return attribute === 'Arn' ? arn('mobiletargeting', `apps/${appId}`) : appId;
      }
      case 'AWS::Logs::LogGroup': {
        const name = physicalName(stack, logicalId, 'LogGroupName', 512);
        return attribute === 'Arn' ? arn('logs', `log-group:${name}:*`) : name;
      }
      case 'AWS::StepFunctions::StateMachine':
        return arn('states', `stateMachine:${generatedName(stack, logicalId)}`);
      case 'AWS::Lambda::LayerVersion':
        return arn('lambda', `layer:${generatedName(stack, logicalId)}:1`);
      case 'AWS::Scheduler::Schedule': {
        const name = physicalName(stack, logicalId, 'Name');
        return attribute === 'Arn' ? arn('scheduler', `schedule/default/${name}`) : name;
      }
      default:
        return attribute
          ? `local:${resource.Type}:${logicalId}.${attribute}`
          : `${generatedName(stack, logicalId)}`;
    }
  };

  const parameter = (stack: StackNode, name: string): unknown => {
    const pseudo: Record<string, unknown> = {
      'AWS::Region': LOCAL_REGION,
      'AWS::AccountId': LOCAL_ACCOUNT,
      'AWS::Partition': 'aws',
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::StackName': stack.name,
      'AWS::StackId': arn('cloudformation', `stack/${stack.name}/${shortHash(stack.name)}`),
      'AWS::NoValue': NO_VALUE,
      'AWS::NotificationARNs': [],
    };
    if (name in pseudo) return pseudo[name];
    const definition = stack.template.Parameters?.[name];
    if (!definition) return undefined;
    if (stack.parent && stack.logicalIdInParent) {
      const passed = (resourceOf(stack.parent, stack.logicalIdInParent).Properties?.Parameters ??
        {}) as Record<string, unknown>;
      if (name in passed) return resolve(stack.parent, passed[name]);
    }
    if (definition.Default !== undefined) return definition.Default;
    throw new IntrinsicError(`${stack.name}: parameter ${name} has no value`);
  };

  const ref = (stack: StackNode, name: string): unknown =>
    memo(`${stack.name}|Ref|${name}`, () =>
      name.startsWith('AWS::') || stack.template.Parameters?.[name]
        ? parameter(stack, name)
        : physicalValue(stack, name),
    );

  const getAtt = (stack: StackNode, logicalId: string, attribute: string): unknown =>
    memo(`${stack.name}|GetAtt|${logicalId}.${attribute}`, () => physicalValue(stack, logicalId, attribute));

  const output = (stack: StackNode, name: string): unknown => {
    const definition = stack.template.Outputs?.[name];
    if (!definition) throw new IntrinsicError(`${stack.name}: no output ${name}`);
    return resolve(stack, definition.Value);
  };

  const condition = (stack: StackNode, name: string): boolean =>
    memo(`${stack.name}|Condition|${name}`, () => {
      const definition = stack.template.Conditions?.[name];
      if (definition === undefined) throw new IntrinsicError(`${stack.name}: no condition ${name}`);
      return Boolean(resolve(stack, definition));
    }) as boolean;

  const substitute = (stack: StackNode, template: string, variables: Record<string, unknown>): string =>
    template.replace(/\$\{([^}!][^}]*)\}/g, (_whole, expression: string) => {
      if (expression in variables) return String(resolve(stack, variables[expression]));
      const dot = expression.indexOf('.');
      if (dot > 0 && !expression.startsWith('AWS::')) {
        return String(getAtt(stack, expression.slice(0, dot), expression.slice(dot + 1)));
      }
      return String(ref(stack, expression));
    });

  function resolve(stack: StackNode, value: unknown): unknown {
    if (Array.isArray(value)) {
      return value.map((item) => resolve(stack, item)).filter((item) => item !== NO_VALUE);
    }
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1) {
      const [key, argument] = entries[0]!;
      switch (key) {
        case 'Ref':
          return ref(stack, String(argument));
        case 'Fn::GetAtt': {
          const [logicalId, attribute] = Array.isArray(argument)
            ? (argument as string[])
            : String(argument).split(/\.(.*)/s);
          return getAtt(stack, logicalId!, String(resolve(stack, attribute)));
        }
        case 'Fn::Join': {
          const [separator, parts] = argument as [string, unknown[]];
          return (resolve(stack, parts) as unknown[]).map(String).join(separator);
        }
        case 'Fn::Sub': {
          const [template, variables] = Array.isArray(argument) ? argument : [argument, {}];
          return substitute(stack, String(template), variables as Record<string, unknown>);
        }
        case 'Fn::Select': {
          const [index, list] = argument as [unknown, unknown];
          return (resolve(stack, list) as unknown[])[Number(resolve(stack, index))];
        }
        case 'Fn::Split': {
          const [separator, source] = argument as [string, unknown];
          return String(resolve(stack, source)).split(separator);
        }
        case 'Fn::If': {
          const [name, whenTrue, whenFalse] = argument as [string, unknown, unknown];
          return resolve(stack, condition(stack, name) ? whenTrue : whenFalse);
        }
        case 'Fn::Equals': {
          const [left, right] = argument as [unknown, unknown];
          return JSON.stringify(resolve(stack, left)) === JSON.stringify(resolve(stack, right));
        }
        case 'Fn::Not':
          return !resolve(stack, (argument as unknown[])[0]);
        case 'Fn::And':
          return (argument as unknown[]).every((item) => resolve(stack, item));
        case 'Fn::Or':
          return (argument as unknown[]).some((item) => resolve(stack, item));
        case 'Fn::Contains': {
          const [list, item] = argument as [unknown, unknown];
          return (resolve(stack, list) as unknown[]).some(
            (element) => JSON.stringify(element) === JSON.stringify(resolve(stack, item)),
          );
        }
        case 'Condition':
          return condition(stack, String(argument));
        case 'Fn::GetAZs':
          return [`${LOCAL_REGION}a`, `${LOCAL_REGION}b`, `${LOCAL_REGION}c`];
        case 'Fn::Base64':
          return Buffer.from(String(resolve(stack, argument))).toString('base64');
        case 'Fn::ImportValue':
          throw new IntrinsicError(`${stack.name}: Fn::ImportValue is not supported locally`);
      }
    }
    const result: Record<string, unknown> = {};
    for (const [key, item] of entries) {
      const resolved = resolve(stack, item);
      if (resolved !== NO_VALUE) result[key] = resolved;
    }
    return result;
  }

  return { resolve, ref, getAtt, output, condition };
}
