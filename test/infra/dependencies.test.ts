import { beforeAll, describe, expect, it } from 'vitest';
import { type CfnTemplate, DEPLOYMENTS, type DeploymentKey, type Synth, synthAll } from './synth';

/**
 * resource → the resources of the same template it depends on: `DependsOn`, `Ref`,
 * `Fn::GetAtt` and `${…}` in `Fn::Sub`. Between nested stacks that is what CloudFormation
 * orders them by (outputs of one passed as parameters of another).
 */
function dependencyGraph(template: CfnTemplate): Map<string, Set<string>> {
  const resources = template.Resources ?? {};
  const graph = new Map<string, Set<string>>();
  const collect = (value: unknown, into: Set<string>): void => {
    if (Array.isArray(value)) {
      for (const item of value) collect(item, into);
    } else if (value && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        if (key === 'Ref' && typeof inner === 'string') into.add(inner);
        else if (key === 'Fn::GetAtt')
          into.add(Array.isArray(inner) ? String(inner[0]) : String(inner).split('.')[0]!);
        else if (key === 'Fn::Sub') {
          const text = Array.isArray(inner) ? inner[0] : inner;
          for (const [, name] of String(text).matchAll(/\$\{([^!}.]+)[^}]*\}/g)) into.add(name!);
          if (Array.isArray(inner)) collect(inner[1], into);
        } else collect(inner, into);
      }
    }
  };
  for (const [id, resource] of Object.entries(resources)) {
    const dependsOn = new Set<string>([resource.DependsOn ?? []].flat());
    collect(resource.Properties, dependsOn);
    graph.set(id, new Set([...dependsOn].filter((other) => other in resources)));
  }
  return graph;
}

/** A cycle as a list of resources, or undefined (depth-first search with grey/black marks). */
function findCycle(graph: Map<string, Set<string>>): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === 'done') return undefined;
    if (state.get(node) === 'visiting') return [...path.slice(path.indexOf(node)), node];
    state.set(node, 'visiting');
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

/** The root stack's nested stacks and which of them each one waits for. */
function nestedStackGraph(root: CfnTemplate): Map<string, Set<string>> {
  const nested = Object.entries(root.Resources ?? {}).filter(
    ([, resource]) => resource.Type === 'AWS::CloudFormation::Stack',
  );
  const name = (logicalId: string) => logicalId.replace(/[0-9A-F]{8}$/, '');
  const graph = dependencyGraph(root);
  return new Map(
    nested.map(([id]) => [
      name(id),
      new Set(
        [...(graph.get(id) ?? [])]
          .filter((other) => root.Resources![other]!.Type === 'AWS::CloudFormation::Stack')
          .map(name),
      ),
    ]),
  );
}

let synths: Record<DeploymentKey, Synth>;

beforeAll(async () => {
  synths = await synthAll(Object.keys(DEPLOYMENTS) as DeploymentKey[]);
});

describe('dependency graph', () => {
  it('finds a cycle when there is one', () => {
    const cyclic: CfnTemplate = {
      Resources: {
        A: {
          Type: 'AWS::CloudFormation::Stack',
          Properties: { Parameters: { p: { 'Fn::GetAtt': ['B', 'Outputs.x'] } } },
        },
        B: {
          Type: 'AWS::CloudFormation::Stack',
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub placeholder
          Properties: { Parameters: { p: { 'Fn::Sub': '${C.Arn}' } } },
        },
        C: { Type: 'AWS::SNS::Topic', DependsOn: ['A'] },
      },
    };
    expect(findCycle(dependencyGraph(cyclic))).toEqual(['A', 'B', 'C', 'A']);
    delete cyclic.Resources!.C!.DependsOn;
    expect(findCycle(dependencyGraph(cyclic))).toBeUndefined();
  });

  it('orders the REST API stack after the auth stack (its user pool) and the data stack (its functions)', () => {
    const graph = nestedStackGraph(synths.sandbox.root);
    expect([...graph.keys()].sort()).toEqual([
      'auth',
      'data',
      'function',
      'messaging',
      'push',
      'restapi',
      'tables',
    ]);
    expect(graph.get('restapi')).toEqual(new Set(['auth', 'data']));
    // The data stack's functions use the idempotency table, send given-up stream records to the
    // stream-failures queue and queue pushes; push-sender sends through the push application.
    expect(graph.get('data')).toEqual(new Set(['auth', 'tables', 'messaging', 'push']));
    expect(graph.get('push')).toEqual(new Set());
    expect(graph.get('tables')).toEqual(new Set());
  });

  it.each(Object.keys(DEPLOYMENTS))('has no dependency cycle in any template of the %s synth', (key) => {
    const deployment = synths[key as DeploymentKey];
    for (const { name, json } of deployment.templates) {
      expect(findCycle(dependencyGraph(json)), name).toBeUndefined();
    }
    expect(findCycle(nestedStackGraph(deployment.root))).toBeUndefined();
  });
});
