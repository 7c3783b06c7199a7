import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
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

describe('dependency graph', () => {
  let synths: Record<DeploymentKey, Synth>;

  beforeAll(async () => {
    synths = await synthAll(Object.keys(DEPLOYMENTS) as DeploymentKey[]);
  });

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

const FUNCTIONS = fileURLToPath(new URL('../../amplify/functions/', import.meta.url));

/**
 * The module specifiers of a source file: static imports (type-only and side-effect ones too),
 * `export … from`, and dynamic `import(…)`; a dynamic import of anything but a string literal
 * is kept as its expression, since no rule can check it.
 */
function importSpecifiers(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\/|(^|[^:'"`])\/\/.*$/gm, '$1');
  const fromClauses =
    /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[\w$]+\s*,\s*)?(?:\{[^}]*\}|\*(?:\s+as\s+[\w$]+)?|[\w$]+)\s*from\s*(['"])([^'"]+)\1/g;
  const sideEffects = /(?:^|[\s;])import\s*(['"])([^'"]+)\1/g;
  const dynamic = [...code.matchAll(/\bimport\s*\(\s*([^)]*?)\s*\)/g)].map((match) => {
    const literal = /^(['"])([^'"]*)\1$/.exec(match[1]!);
    return literal ? literal[2]! : match[1]!;
  });
  return [
    ...[...code.matchAll(fromClauses)].map((match) => match[2]!),
    ...[...code.matchAll(sideEffects)].map((match) => match[2]!),
    ...dynamic,
  ];
}

/** One import inside amplify/functions, both ends relative to it (`message-push/handler.ts` → `shared/batch`). */
interface ImportEdge {
  from: string;
  specifier: string;
  /** Undefined for a package, or for a dynamic import whose target is computed. */
  to: string | undefined;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(path);
    return /\.[cm]?[jt]s$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

function importEdges(root: string): ImportEdge[] {
  return sourceFiles(root).flatMap((file) =>
    importSpecifiers(readFileSync(file, 'utf8')).map((specifier) => ({
      from: relative(root, file),
      specifier,
      to: /^\.\.?\//.test(specifier) ? relative(root, resolve(dirname(file), specifier)) : undefined,
    })),
  );
}

const isComputed = (specifier: string) => !/^[\w@./-]/.test(specifier) || /[`$+(]/.test(specifier);

/**
 * The imports that break the rules between folders, as sentences naming each one:
 * (a) a function folder imports only its own files and shared/;
 * (b) shared/ never imports a function folder;
 * (c) the shared runtime (shared/*.ts) imports no domain folder (shared/<domain>/).
 * Imports that leave amplify/functions (../../environment, ../../data/resource) are wiring and
 * types, outside these rules.
 */
function importOffences(edges: readonly ImportEdge[]): string[] {
  const offences: string[] = [];
  for (const { from, specifier, to } of edges) {
    const fromFolder = from.split('/')[0]!;
    const describe = `${from} imports '${specifier}'`;
    if (isComputed(specifier)) {
      offences.push(`${describe}: a computed import, which no rule can check`);
      continue;
    }
    if (to === undefined || to.startsWith('..')) continue;
    const [toFolder, ...rest] = to.split('/');
    if (fromFolder === 'shared') {
      if (toFolder !== 'shared')
        offences.push(`${describe}: shared/ imports the function folder ${toFolder}/`);
      else if (from.split('/').length === 2 && rest.length > 1)
        offences.push(`${describe}: the shared runtime imports the domain folder shared/${rest[0]}/`);
    } else if (toFolder !== fromFolder && toFolder !== 'shared') {
      offences.push(`${describe}: a function folder imports another function folder, ${toFolder}/`);
    }
  }
  return offences;
}

describe('imports between folders of amplify/functions', () => {
  const edges = importEdges(FUNCTIONS);

  it('reads every kind of import, export-from and dynamic import', () => {
    const source = [
      "import { a } from './a';",
      "import type { B } from '../b/b';",
      'import {',
      '  c,',
      '  type C,',
      "} from './c';",
      "import d, { e } from './d';",
      "import * as f from './f';",
      "import './side-effect';",
      "export { g } from './g';",
      "export * from './h';",
      "export type { I } from './i';",
      "const j = await import('./j');",
      "const k = await import('./' + name);",
      "// import { not } from './a-comment';",
      "/* export { nor } from './a-block-comment'; */",
      "const text = 'import this from that';",
      "const url = 'https://example.com/from';",
    ].join('\n');
    expect(importSpecifiers(source).sort()).toEqual(
      [
        './a',
        '../b/b',
        './c',
        './d',
        './f',
        './side-effect',
        './g',
        './h',
        './i',
        './j',
        "'./' + name",
      ].sort(),
    );
  });

  it('names each import that breaks a rule, and passes those that keep them', () => {
    const edge = (from: string, specifier: string): ImportEdge => ({
      from,
      specifier,
      to: relative(FUNCTIONS, resolve(FUNCTIONS, dirname(from), specifier)),
    });
    expect(
      importOffences([
        edge('message-push/handler.ts', './push-store'),
        edge('message-push/handler.ts', '../shared/batch'),
        edge('message-push/handler.ts', '../shared/chat/chat-message'),
        edge('message-push/resource.ts', '../../environment'),
        edge('shared/chat/system-message.ts', './chat-store'),
        edge('shared/chat/system-message.ts', '../decision'),
        edge('shared/chat/chat-store.ts', '../../../data/resource'),
        edge('shared/alerts/alert-plan.ts', '../notifications/notification-create'),
        { from: 'shared/logger.ts', specifier: '@aws-lambda-powertools/logger', to: undefined },
        edge('chat-reminder/reminder-plan.ts', '../message-push/push-plan'),
        edge('shared/chat/system-message.ts', '../../conversation-link/chat-store'),
        edge('shared/batch.ts', '../conversation-link/handler'),
        edge('shared/batch.ts', './chat/chat-message'),
        { from: 'shared/batch.ts', specifier: 'name', to: undefined },
      ]).concat(importOffences([{ from: 'badge-sync/handler.ts', specifier: "'./' + name", to: undefined }])),
    ).toEqual([
      "chat-reminder/reminder-plan.ts imports '../message-push/push-plan': a function folder imports another function folder, message-push/",
      "shared/chat/system-message.ts imports '../../conversation-link/chat-store': shared/ imports the function folder conversation-link/",
      "shared/batch.ts imports '../conversation-link/handler': shared/ imports the function folder conversation-link/",
      "shared/batch.ts imports './chat/chat-message': the shared runtime imports the domain folder shared/chat/",
      "badge-sync/handler.ts imports ''./' + name': a computed import, which no rule can check",
    ]);
  });

  it('scans every function folder', () => {
    const folders = readdirSync(FUNCTIONS, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
    expect(new Set(edges.map((edge) => edge.from.split('/')[0]))).toEqual(new Set(folders));
  });

  it('keeps every function folder to its own files and shared/, shared/ out of function folders, and the runtime out of domain folders', () => {
    expect(importOffences(edges)).toEqual([]);
  });
});
