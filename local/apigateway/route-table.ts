import type { RestRouteSpec } from '../assembly/rest-api';

/**
 * API Gateway REST resource matching: a request goes to the most specific resource
 * (a literal segment beats `{param}`, which beats a greedy `{proxy+}`), then to that resource's
 * method or its `ANY` method. There is no fallback to a less specific resource.
 */

type Segment =
  | { kind: 'literal'; value: string }
  | { kind: 'param'; name: string }
  | { kind: 'greedy'; name: string };

interface Resource {
  path: string;
  segments: Segment[];
  methods: Map<string, RestRouteSpec>;
}

export type RouteMatch =
  | { kind: 'found'; route: RestRouteSpec; resourcePath: string; pathParameters: Record<string, string> }
  /** The resource exists but not the method: API Gateway answers like an unknown route. */
  | { kind: 'no-method'; resourcePath: string }
  | { kind: 'no-resource' };

function parseSegments(path: string): Segment[] {
  return path
    .split('/')
    .filter(Boolean)
    .map((part): Segment => {
      const greedy = /^\{(\w+)\+\}$/.exec(part)?.[1];
      if (greedy) return { kind: 'greedy', name: greedy };
      const param = /^\{(\w+)\}$/.exec(part)?.[1];
      if (param) return { kind: 'param', name: param };
      return { kind: 'literal', value: part };
    });
}

function matchSegments(segments: Segment[], parts: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (const [index, segment] of segments.entries()) {
    if (segment.kind === 'greedy') {
      const rest = parts.slice(index);
      if (rest.length === 0) return undefined;
      params[segment.name] = rest.map(decodeURIComponent).join('/');
      return params;
    }
    const part = parts[index];
    if (part === undefined) return undefined;
    if (segment.kind === 'param') params[segment.name] = decodeURIComponent(part);
    else if (segment.value !== part) return undefined;
  }
  return segments.length === parts.length ? params : undefined;
}

const RANK = { literal: 0, param: 1, greedy: 2 } as const;

/** Negative when `a` is more specific than `b`. */
function compareSpecificity(a: Resource, b: Resource): number {
  for (let index = 0; index < Math.max(a.segments.length, b.segments.length); index += 1) {
    const left = a.segments[index];
    const right = b.segments[index];
    if (!left || !right) return left ? -1 : 1;
    const difference = RANK[left.kind] - RANK[right.kind];
    if (difference !== 0) return difference;
  }
  return 0;
}

export function createRouteTable(routes: readonly RestRouteSpec[]) {
  const resources = new Map<string, Resource>();
  for (const route of routes) {
    const path = `/${parseSegments(route.path)
      .map((segment) =>
        segment.kind === 'literal'
          ? segment.value
          : segment.kind === 'param'
            ? `{${segment.name}}`
            : `{${segment.name}+}`,
      )
      .join('/')}`;
    const resource = resources.get(path) ?? { path, segments: parseSegments(path), methods: new Map() };
    resource.methods.set(route.method.toUpperCase(), route);
    resources.set(path, resource);
  }
  const ordered = [...resources.values()].sort(compareSpecificity);

  return {
    /** The resource for a path, if any (for CORS preflight). */
    resourceFor(path: string): { resourcePath: string; methods: string[] } | undefined {
      const parts = path.split('/').filter(Boolean);
      const resource = ordered.find((candidate) => matchSegments(candidate.segments, parts));
      return resource ? { resourcePath: resource.path, methods: [...resource.methods.keys()] } : undefined;
    },
    match(method: string, path: string): RouteMatch {
      const parts = path.split('/').filter(Boolean);
      for (const resource of ordered) {
        const pathParameters = matchSegments(resource.segments, parts);
        if (!pathParameters) continue;
        const route = resource.methods.get(method.toUpperCase()) ?? resource.methods.get('ANY');
        if (!route) return { kind: 'no-method', resourcePath: resource.path };
        return { kind: 'found', route, resourcePath: resource.path, pathParameters };
      }
      return { kind: 'no-resource' };
    },
  };
}

export type RouteTable = ReturnType<typeof createRouteTable>;
