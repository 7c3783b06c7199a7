/**
 * docs/event-flows.md from the synthesized backend of each stage: one Mermaid diagram of every
 * path, then a table per kind of source with what matters when it breaks, and the names each
 * stage gives a resource. Deterministic (sorted, no timestamps) so a test can compare it.
 */
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { deploymentSettings } from '../amplify/environment';
import { loadCloudAssembly } from '../local/assembly/cloud-assembly';
import { buildFlowMap, type FlowEdge, type FlowMap, withoutCodeAssets } from '../local/assembly/flow-map';
import { functionNames } from '../local/assembly/functions';
import { readInventory } from '../local/assembly/inventory';
import { amplifyBackendIdentifier, OFFLINE_APP_ID, type SynthIdentifier } from './synth-context';

export const REPO_ROOT = resolve(import.meta.dirname, '..');
export const EVENT_FLOWS_DOC = 'docs/event-flows.md';

export const FLOW_STAGES = ['sandbox', 'dev', 'prod'] as const;
export type FlowStage = (typeof FLOW_STAGES)[number];

/** The deployments the map shows; the same identifiers as the infra tests, so they share a synth. */
export const FLOW_IDENTIFIERS: Record<FlowStage, SynthIdentifier> = {
  sandbox: { type: 'sandbox', name: 'alice' },
  dev: { type: 'branch', name: 'dev', appId: OFFLINE_APP_ID },
  prod: { type: 'branch', name: 'main', appId: OFFLINE_APP_ID },
};

export function flowMapOf(assemblyDir: string, identifier: SynthIdentifier, root = REPO_ROOT): FlowMap {
  const assembly = withoutCodeAssets(loadCloudAssembly(assemblyDir));
  const inventory = readInventory(
    assembly,
    {
      awsUrl: 'http://aws.invalid',
      graphqlUrl: 'http://graphql.invalid/graphql',
      realtimeUrl: 'ws://graphql.invalid/graphql/realtime',
      restApiUrl: 'http://rest.invalid',
    },
    { functionNames: functionNames(root) },
  );
  const { namePrefix } = deploymentSettings(amplifyBackendIdentifier(identifier));
  return buildFlowMap(assembly, inventory, {
    root,
    namePrefix,
    // Any developer's sandbox: `sandbox-<name>-chat-events`.
    ...(identifier.type === 'sandbox' ? { namePrefixLabel: 'sandbox-<name>-' } : {}),
  });
}

const EDGE_ARROWS: Record<FlowEdge['kind'], string> = {
  invokes: '-->',
  stream: '==>',
  polls: '-->',
  subscription: '-->',
  redrive: '-.->',
  'on-failure': '-.->',
  publishes: '-->',
  sends: '-->',
  writes: '-->',
  calls: '-->',
  pushes: '-->',
};

const SHAPES: Record<string, [string, string]> = {
  schedule: ['([', '])'],
  graphql: ['[/', '/]'],
  rest: ['[/', '/]'],
  trigger: ['[/', '/]'],
  function: ['[', ']'],
  table: ['[(', ')]'],
  topic: ['{{', '}}'],
  queue: ['[[', ']]'],
  legacy: ['>', ']'],
  push: ['>', ']'],
};

const KIND_TITLES: Record<string, string> = {
  schedule: 'schedule',
  graphql: 'GraphQL',
  rest: 'REST',
  trigger: 'Cognito trigger',
  function: 'function',
  table: 'table',
  topic: 'SNS topic',
  queue: 'SQS queue',
  legacy: 'Legacy API',
  push: 'push',
};

function mermaidId(id: string): string {
  return id.replace(/[^A-Za-z0-9]/g, '_');
}

function mermaidText(text: string): string {
  return text.replace(/"/g, '#quot;');
}

/** One value when every stage agrees, else each stage's. */
function perStage<T>(
  maps: Record<FlowStage, FlowMap>,
  pick: (map: FlowMap) => T | undefined,
  show: (value: T) => string,
): string {
  const values = FLOW_STAGES.map((stage) => {
    const value = pick(maps[stage]);
    return value === undefined ? '—' : show(value);
  });
  return values.every((value) => value === values[0])
    ? values[0]!
    : FLOW_STAGES.map((stage, index) => `${stage}: ${values[index]}`).join('<br>');
}

function code(value: string): string {
  return value === '—' || value === 'none' ? value : `\`${value.replace(/\|/g, '\\|')}\``;
}

function seconds(value: number): string {
  if (value < 0) return 'unlimited';
  if (value % 86_400 === 0) return `${value / 86_400} d`;
  if (value % 3600 === 0) return `${value / 3600} h`;
  if (value % 60 === 0 && value >= 60) return `${value / 60} min`;
  return `${value} s`;
}

function table(headers: string[], rows: string[][]): string {
  if (rows.length === 0) return '_none_\n';
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return `${[line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n')}\n`;
}

/** Keys present in any stage, sorted. */
function unionKeys(maps: Record<FlowStage, FlowMap>, keys: (map: FlowMap) => string[]): string[] {
  return [...new Set(FLOW_STAGES.flatMap((stage) => keys(maps[stage])))].sort();
}

function diagram(maps: Record<FlowStage, FlowMap>): string {
  // Every node and edge any stage has; the tables below say where stages differ.
  const nodes = new Map(
    FLOW_STAGES.flatMap((stage) => maps[stage].nodes.map((node) => [node.id, node] as const)),
  );
  const edges = new Map(
    FLOW_STAGES.flatMap((stage) =>
      maps[stage].edges.map(
        (edge) => [`${edge.from}|${edge.to}|${edge.kind}|${edge.label ?? ''}`, edge] as const,
      ),
    ),
  );
  const lines = ['```mermaid', 'flowchart LR'];
  for (const id of [...nodes.keys()].sort()) {
    const node = nodes.get(id)!;
    const [open, close] = SHAPES[node.kind] ?? ['[', ']'];
    const title = node.kind === 'function' ? node.label : `${KIND_TITLES[node.kind]}: ${node.label}`;
    lines.push(`  ${mermaidId(id)}${open}"${mermaidText(title)}"${close}`);
  }
  for (const key of [...edges.keys()].sort()) {
    const edge = edges.get(key)!;
    const label =
      edge.kind === 'invokes' && !edge.label ? '' : [edge.kind, edge.label].filter(Boolean).join(': ');
    const arrow = EDGE_ARROWS[edge.kind];
    lines.push(
      `  ${mermaidId(edge.from)} ${arrow}${label ? `|"${mermaidText(label)}"|` : ''} ${mermaidId(edge.to)}`,
    );
  }
  lines.push('```');
  return `${lines.join('\n')}\n`;
}

/** The file as committed: rendered, then formatted by Biome (as `npm run lint` checks it). */
/** What starts a function, as the kinds of its sources ("GraphQL, table"); README's function list repeats it. */
export function startedByOf(map: FlowMap, functionName: string): string {
  return (
    map.edges
      .filter((e) => e.to === `function:${functionName}`)
      .map((e) => e.from.split(':')[0]!)
      .map((kind) => KIND_TITLES[kind] ?? kind)
      .filter((kind, index, all) => all.indexOf(kind) === index)
      .sort()
      .join(', ') || '—'
  );
}

export function eventFlowsDocument(maps: Record<FlowStage, FlowMap>): string {
  const formatted = spawnSync(
    join(REPO_ROOT, 'node_modules/.bin/biome'),
    ['format', `--stdin-file-path=${EVENT_FLOWS_DOC}`],
    { cwd: REPO_ROOT, input: renderEventFlows(maps), encoding: 'utf8' },
  );
  if (formatted.status !== 0) throw new Error(`biome format failed: ${formatted.stderr}`);
  return formatted.stdout;
}

export function renderEventFlows(maps: Record<FlowStage, FlowMap>): string {
  const out: string[] = [];
  out.push(
    '# Event flows',
    '',
    '<!-- Generated by `npm run flows` from the synthesized templates of the sandbox, dev and prod',
    '     stages. Do not edit: test/infra/event-flows.test.ts fails when this file is out of date. -->',
    '',
    'Every path an event takes through the backend: what starts each function (a schedule, a',
    'GraphQL operation, a REST route, a Cognito trigger, a DynamoDB stream, an SQS queue), what it',
    'writes, publishes and sends, where its failures go, and the Legacy API endpoints it calls.',
    '',
    'How it is derived, so nothing here is kept by hand:',
    '',
    '- sources, queues, topics, subscriptions, schedules, routes, operations and function settings:',
    '  the synthesized CloudFormation templates;',
    '- "writes", "publishes", "sends" and "pushes": the IAM grants of each function\'s role, plus the',
    '  models a function writes through the GraphQL API, found by a scan of its code (its handler and',
    '  every module it imports); only writes to a table whose stream something consumes are shown;',
    '- Legacy API calls: the same code scan, against the endpoint catalog in',
    '  [legacy-api.md](legacy-api.md). How each Legacy API answer is treated (dropped, retried,',
    '  dead-lettered) is in [legacy-api.md](legacy-api.md#conventions).',
    '',
    'Where the stages differ, a cell lists each stage.',
    '',
    '## Map',
    '',
    'Thick arrows are DynamoDB streams, dotted ones failure paths (on-failure destinations, DLQs).',
    '',
    diagram(maps),
  );

  const streamKeys = unionKeys(maps, (map) =>
    map.streamSources.map((s) => `${s.table}\u0000${s.functionName}`),
  );
  const stream = (key: string) => (map: FlowMap) =>
    map.streamSources.find((s) => `${s.table}\u0000${s.functionName}` === key);
  out.push(
    '## DynamoDB streams',
    '',
    'A failing batch is retried (split in two when bisect is on) until the retries or the record age',
    "run out; then the batch's stream position (not the record) goes to the on-failure queue. With",
    'partial batch responses, only the records from the first failed one on are retried.',
    '',
    table(
      [
        'table',
        'function',
        'filter',
        'batch',
        'window',
        'retries',
        'bisect',
        'max record age',
        'partial batch',
        'on failure',
        'start',
      ],
      streamKeys.map((key) => {
        const [tableName, functionName] = key.split('\u0000') as [string, string];
        const at = stream(key);
        return [
          tableName,
          functionName,
          perStage(maps, (map) => at(map)?.filters.join(' \\| ') || 'none', code),
          perStage(maps, (map) => at(map)?.batchSize, String),
          perStage(maps, (map) => at(map)?.batchingWindowSeconds, seconds),
          perStage(
            maps,
            (map) => at(map)?.maximumRetryAttempts,
            (n) => (n < 0 ? 'until expiry' : String(n)),
          ),
          perStage(
            maps,
            (map) => at(map)?.bisectBatchOnFunctionError,
            (b) => (b ? 'yes' : 'no'),
          ),
          perStage(maps, (map) => at(map)?.maximumRecordAgeSeconds, seconds),
          perStage(
            maps,
            (map) => at(map)?.reportBatchItemFailures,
            (b) => (b ? 'yes' : '**no**'),
          ),
          perStage(maps, (map) => at(map)?.onFailureQueue ?? '**none**', String),
          perStage(maps, (map) => at(map)?.startingPosition, String),
        ];
      }),
    ),
  );

  const queueSourceKeys = unionKeys(maps, (map) =>
    map.queueSources.map((s) => `${s.queue}\u0000${s.functionName}`),
  );
  const queueSource = (key: string) => (map: FlowMap) =>
    map.queueSources.find((s) => `${s.queue}\u0000${s.functionName}` === key);
  const queueFacts = (key: string) => (map: FlowMap) => map.queues.find((q) => q.key === key);
  out.push(
    '## SQS consumers',
    '',
    'A message whose processing fails becomes visible again after the visibility timeout and is',
    'received again; after the maximum receive count it moves to the dead-letter queue, where the dev',
    'inbox and the redrive tooling find it.',
    '',
    table(
      [
        'queue',
        'function',
        'batch',
        'window',
        'filter',
        'partial batch',
        'visibility timeout',
        'dead-letter queue',
        'max receives',
      ],
      queueSourceKeys.map((key) => {
        const [queueKey, functionName] = key.split('\u0000') as [string, string];
        const at = queueSource(key);
        const queue = queueFacts(queueKey);
        return [
          queueKey,
          functionName,
          perStage(maps, (map) => at(map)?.batchSize, String),
          perStage(maps, (map) => at(map)?.batchingWindowSeconds, seconds),
          perStage(maps, (map) => at(map)?.filters.join(' \\| ') || 'none', code),
          perStage(
            maps,
            (map) => at(map)?.reportBatchItemFailures,
            (b) => (b ? 'yes' : '**no**'),
          ),
          perStage(maps, (map) => queue(map)?.visibilityTimeoutSeconds, seconds),
          perStage(maps, (map) => queue(map)?.deadLetterQueue ?? '**none**', String),
          perStage(maps, (map) => queue(map)?.maxReceiveCount, String),
        ];
      }),
    ),
  );

  const queueKeys = unionKeys(maps, (map) => map.queues.map((q) => q.key));
  out.push(
    '## Queues',
    '',
    table(
      ['queue', 'sandbox', 'dev', 'prod', 'retention', 'dead-letter queue', 'fed by', 'consumed by'],
      queueKeys.map((key) => {
        const at = queueFacts(key);
        const feeders = (map: FlowMap) =>
          map.edges
            .filter((e) => e.to === `queue:${key}`)
            .map((e) => `${e.from.replace(/^[a-z]+:/, '')} (${e.kind})`)
            .sort()
            .join(', ') || '—';
        const consumers = (map: FlowMap) =>
          map.queueSources
            .filter((s) => s.queue === key)
            .map((s) => s.functionName)
            .join(', ') || '—';
        return [
          key,
          ...FLOW_STAGES.map((stage) => code(at(maps[stage])?.name ?? '—')),
          perStage(maps, (map) => at(map)?.retentionSeconds, seconds),
          perStage(maps, (map) => (at(map) ? (at(map)!.deadLetterQueue ?? 'none') : undefined), String),
          perStage(maps, feeders, String),
          perStage(maps, consumers, String),
        ];
      }),
    ),
  );

  const topicKeys = unionKeys(maps, (map) => map.topics.map((t) => t.key));
  const subscriptionKeys = unionKeys(maps, (map) =>
    map.subscriptions.map((s) => `${s.topic}\u0000${s.target}`),
  );
  out.push(
    '## SNS topics',
    '',
    table(
      ['topic', 'sandbox', 'dev', 'prod', 'published by'],
      topicKeys.map((key) => [
        key,
        ...FLOW_STAGES.map((stage) => code(maps[stage].topics.find((t) => t.key === key)?.name ?? '—')),
        perStage(
          maps,
          (map) =>
            map.edges
              .filter((e) => e.to === `topic:${key}` && e.kind === 'publishes')
              .map((e) => e.from.replace(/^function:/, ''))
              .join(', ') || '—',
          String,
        ),
      ]),
    ),
    '### Subscriptions',
    '',
    table(
      ['topic', 'protocol', 'target', 'raw delivery', 'filter policy'],
      subscriptionKeys.map((key) => {
        const [topic, target] = key.split('\u0000') as [string, string];
        const at = (map: FlowMap) => map.subscriptions.find((s) => s.topic === topic && s.target === target);
        return [
          topic,
          perStage(maps, (map) => at(map)?.protocol, String),
          target,
          perStage(
            maps,
            (map) => at(map)?.rawMessageDelivery,
            (b) => (b ? 'yes' : 'no'),
          ),
          perStage(
            maps,
            (map) => {
              const found = at(map);
              if (!found) return undefined;
              return found.filterPolicy
                ? `${found.filterPolicy} (${found.filterPolicyScope ?? 'MessageAttributes'})`
                : 'none';
            },
            (value) => (value === 'none' ? value : code(value)),
          ),
        ];
      }),
    ),
  );

  const scheduleKeys = unionKeys(maps, (map) => map.schedules.map((s) => s.functionName));
  out.push(
    '## Schedules',
    '',
    'EventBridge Scheduler invokes the function asynchronously: Lambda retries a failed run twice, then',
    'drops it unless the function has an on-failure destination.',
    '',
    table(
      ['function', 'expression', 'time zone'],
      scheduleKeys.map((name) => [
        name,
        perStage(
          maps,
          (map) =>
            map.schedules
              .filter((s) => s.functionName === name)
              .map((s) => s.expression)
              .join(', '),
          code,
        ),
        perStage(maps, (map) => map.schedules.find((s) => s.functionName === name)?.timezone, String),
      ]),
    ),
  );

  const operationKeys = unionKeys(maps, (map) =>
    map.operations.map((o) => `${o.typeName}.${o.fieldName}\u0000${o.functionName}`),
  );
  const routeKeys = unionKeys(maps, (map) =>
    map.routes.map((r) => `${r.method} ${r.path}\u0000${r.functionName}`),
  );
  const triggerKeys = unionKeys(maps, (map) =>
    map.triggers.map((t) => `${t.trigger}\u0000${t.functionName}`),
  );
  out.push(
    '## Synchronous entry points',
    '',
    'A caller waits for these: an error goes back to it, nothing is retried by AWS.',
    '',
    table(
      ['entry point', 'function'],
      [
        ...operationKeys.map((key) => key.split('\u0000')).map(([op, fn]) => [`GraphQL \`${op}\``, fn!]),
        ...routeKeys.map((key) => key.split('\u0000')).map(([route, fn]) => [`REST \`${route}\``, fn!]),
        ...triggerKeys
          .map((key) => key.split('\u0000'))
          .map(([trigger, fn]) => [`Cognito \`${trigger}\``, fn!]),
      ].map((row) => row as string[]),
    ),
  );

  const functionKeys = unionKeys(maps, (map) => map.functions.map((f) => f.name));
  out.push(
    '## Functions',
    '',
    'Reserved concurrency "—" means the account\'s unreserved pool. Legacy API calls come from a scan',
    "of the function's code against the catalog in [legacy-api.md](legacy-api.md).",
    '',
    table(
      ['function', 'timeout', 'memory', 'reserved concurrency', 'started by', 'Legacy API calls'],
      functionKeys.map((name) => {
        const at = (map: FlowMap) => map.functions.find((f) => f.name === name);
        const startedBy = (map: FlowMap) => startedByOf(map, name);
        return [
          name,
          perStage(maps, (map) => at(map)?.timeoutSeconds, seconds),
          perStage(
            maps,
            (map) => at(map)?.memoryMB,
            (mb) => `${mb} MB`,
          ),
          perStage(
            maps,
            (map) => (at(map) ? (at(map)!.reservedConcurrency ?? -1) : undefined),
            (n) => (n < 0 ? '—' : String(n)),
          ),
          perStage(maps, startedBy, String),
          perStage(
            maps,
            (map) =>
              at(map)
                ?.legacyCalls.map((call) => `\`${call}\``)
                .join(', ') || '—',
            String,
          ),
        ];
      }),
    ),
  );

  const tableKeys = unionKeys(maps, (map) =>
    map.tables.filter((t) => map.nodes.some((node) => node.id === `table:${t.key}`)).map((t) => t.key),
  );
  out.push(
    '## Tables in the flows',
    '',
    '`<apiId>` is the AppSync API id of the deployment.',
    '',
    table(
      ['table', 'sandbox', 'dev', 'prod'],
      tableKeys.map((key) => [
        key,
        ...FLOW_STAGES.map((stage) => code(maps[stage].tables.find((t) => t.key === key)?.name ?? '—')),
      ]),
    ),
  );
  return `${out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}
