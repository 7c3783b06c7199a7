import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Synth, synth } from './synth';

// docs/openapi.yaml describes the REST API frontends and the legacy team code against: it must
// list exactly the routes the synthesized API serves, with the same authorization.

let sandbox: Synth;

beforeAll(async () => {
  sandbox = await synth('sandbox');
});

type Resource = { Type: string; Properties?: Record<string, unknown> };

/** `METHOD /path authorization` for every method of the synthesized API (CORS preflights aside). */
function synthesizedRoutes(resources: Record<string, Resource>): string[] {
  const pathOf = (ref: unknown): string => {
    const id = (ref as { Ref?: string }).Ref;
    const resource = id ? resources[id] : undefined;
    if (resource?.Type !== 'AWS::ApiGateway::Resource') return '';
    return `${pathOf(resource.Properties!.ParentId)}/${resource.Properties!.PathPart}`;
  };
  return Object.values(resources)
    .filter((resource) => resource.Type === 'AWS::ApiGateway::Method')
    .filter((method) => method.Properties!.HttpMethod !== 'OPTIONS')
    .map((method) => {
      const p = method.Properties!;
      const auth = p.AuthorizationType === 'COGNITO_USER_POOLS' ? 'userPool' : 'none';
      return `${p.HttpMethod} ${pathOf(p.ResourceId)} ${auth}`;
    })
    .sort();
}

/** The same from the OpenAPI file: paths at two spaces, methods at four, `security` below them. */
function documentedRoutes(yaml: string): string[] {
  const routes: string[] = [];
  let path = '';
  let current: { method: string; auth: string } | undefined;
  const flush = () => {
    if (current) routes.push(`${current.method} ${path} ${current.auth}`);
    current = undefined;
  };
  let inPaths = false;
  for (const line of yaml.split('\n')) {
    if (/^\S/.test(line)) {
      flush();
      inPaths = line.startsWith('paths:');
      continue;
    }
    if (!inPaths) continue;
    const pathMatch = /^ {2}(\/\S*):\s*$/.exec(line);
    if (pathMatch) {
      flush();
      path = pathMatch[1]!;
      continue;
    }
    const methodMatch = /^ {4}(get|post|put|patch|delete):\s*$/.exec(line);
    if (methodMatch) {
      flush();
      current = { method: methodMatch[1]!.toUpperCase(), auth: 'unset' };
      continue;
    }
    if (current && /^ {6}security: \[\]/.test(line)) current.auth = 'none';
    if (current && /^ {8}- userPool: \[\]/.test(line)) current.auth = 'userPool';
    if (current && /^ {8}- legacyServiceToken: \[\]/.test(line)) current.auth = 'none';
  }
  flush();
  return routes.sort();
}

describe('docs/openapi.yaml', () => {
  it('lists every route of the synthesized REST API with its API Gateway authorization', () => {
    const resources = sandbox.templateFile('rest-api').json.Resources as Record<string, Resource>;
    const documented = documentedRoutes(readFileSync('docs/openapi.yaml', 'utf8'));
    expect(documented).not.toContain(expect.stringMatching(/ unset$/));
    expect(documented).toEqual(synthesizedRoutes(resources));
  });
});
