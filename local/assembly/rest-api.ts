import type { Templates } from './templates';

export interface RestRouteSpec {
  method: string;
  /** `/v1/me/badge` */
  path: string;
  authorization: 'NONE' | 'COGNITO_USER_POOLS' | string;
  integration:
    | { kind: 'lambda'; functionName: string }
    | { kind: 'mock'; statusCode: number; body: string; headers: Record<string, string> };
}

export interface RestApiSpec {
  name: string;
  stageName: string;
  routes: RestRouteSpec[];
}

/** API Gateway: the REST API's routes and stage. */
export function readRestApi({ resolver, ofType, functionNameOf }: Templates): RestApiSpec | undefined {
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
