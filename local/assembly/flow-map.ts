import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { CloudAssembly, StackNode } from './cloud-assembly';
import { createResolver, type LocalUrls } from './intrinsics';
import type { BackendInventory } from './inventory';

/**
 * Every event path of the backend, read from the synthesized templates: what starts each
 * function (schedule, stream, queue, GraphQL operation, REST route, Cognito trigger), what it
 * writes, publishes and sends (its IAM grants), where failures go (on-failure queues, DLQs), and
 * the Legacy API endpoints it calls (a scan of its code against docs/legacy-api.md's catalog).
 * Nothing here names a resource: a new queue, topic or consumer appears by being synthesized.
 *
 * Keys are the same in every deployment (the deployment's name prefix and the AppSync API id
 * are taken out), so sandbox, dev and prod maps line up.
 */

export type FlowNodeKind =
  | 'schedule'
  | 'graphql'
  | 'rest'
  | 'trigger'
  | 'function'
  | 'table'
  | 'topic'
  | 'queue'
  | 'legacy'
  | 'push';

export interface FlowNode {
  /** Stable across deployments: `<kind>:<key>`. */
  id: string;
  kind: FlowNodeKind;
  label: string;
  /** The physical name in this deployment, when the templates fix it. */
  physicalName?: string;
}

export type FlowEdgeKind =
  | 'invokes'
  | 'stream'
  | 'polls'
  | 'subscription'
  | 'redrive'
  | 'on-failure'
  | 'publishes'
  | 'sends'
  | 'writes'
  | 'calls'
  | 'pushes';

export interface FlowEdge {
  from: string;
  to: string;
  kind: FlowEdgeKind;
  label?: string;
}

export interface FunctionFacts {
  name: string;
  timeoutSeconds: number;
  memoryMB: number;
  /** Absent: the account's unreserved pool. */
  reservedConcurrency?: number;
  /** `METHOD /path` from docs/legacy-api.md's catalog, found in the function's code. */
  legacyCalls: string[];
  /** Models the function writes through the GraphQL API (a scan of its code). */
  graphqlWrites: string[];
}

export interface StreamSourceFacts {
  functionName: string;
  table: string;
  batchSize: number;
  batchingWindowSeconds?: number;
  filters: string[];
  reportBatchItemFailures: boolean;
  bisectBatchOnFunctionError: boolean;
  /** -1: until the record expires. */
  maximumRetryAttempts: number;
  /** -1: the stream's retention (24 h). */
  maximumRecordAgeSeconds: number;
  onFailureQueue?: string;
  startingPosition?: string;
}

export interface QueueSourceFacts {
  functionName: string;
  queue: string;
  batchSize: number;
  batchingWindowSeconds?: number;
  filters: string[];
  reportBatchItemFailures: boolean;
}

export interface QueueFacts {
  key: string;
  name: string;
  visibilityTimeoutSeconds: number;
  retentionSeconds: number;
  deadLetterQueue?: string;
  maxReceiveCount?: number;
}

export interface TopicFacts {
  key: string;
  name: string;
}

export interface SubscriptionFacts {
  topic: string;
  protocol: string;
  /** Queue key for sqs, the endpoint otherwise. */
  target: string;
  rawMessageDelivery: boolean;
  filterPolicy?: string;
  filterPolicyScope?: string;
}

export interface FlowMap {
  nodes: FlowNode[];
  edges: FlowEdge[];
  functions: FunctionFacts[];
  streamSources: StreamSourceFacts[];
  queueSources: QueueSourceFacts[];
  queues: QueueFacts[];
  topics: TopicFacts[];
  subscriptions: SubscriptionFacts[];
  schedules: { functionName: string; expression: string; timezone: string }[];
  operations: { typeName: string; fieldName: string; functionName: string }[];
  routes: { method: string; path: string; authorization: string; functionName: string }[];
  triggers: { trigger: string; functionName: string }[];
  /** Table key → physical name in this deployment. */
  tables: { key: string; name: string; streamed: boolean }[];
}

/** Placeholder URLs: the map never shows endpoints, only names. */
const MAP_URLS: LocalUrls = {
  awsUrl: 'http://aws.invalid',
  graphqlUrl: 'http://graphql.invalid/graphql',
  realtimeUrl: 'ws://graphql.invalid/graphql/realtime',
  restApiUrl: 'http://rest.invalid',
};

const TABLE_WRITES = new Set([
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:*',
]);

/** Functions whose code assets are absent (a synth without bundling) still have a map. */
export function withoutCodeAssets(assembly: CloudAssembly): CloudAssembly {
  return {
    ...assembly,
    assetPath(hash) {
      try {
        return assembly.assetPath(hash);
      } catch {
        return '';
      }
    },
  };
}

export interface FlowMapOptions {
  /** The repository: function code under amplify/functions, the catalog in docs/legacy-api.md. */
  root: string;
  /** Every SNS/SQS/table name starts with it in this deployment (`dev-`, `` in prod). */
  namePrefix: string;
  /** What the prefix is shown as, e.g. `sandbox-<name>-` for any developer's sandbox. */
  namePrefixLabel?: string;
}

export function buildFlowMap(
  assembly: CloudAssembly,
  inventory: BackendInventory,
  options: FlowMapOptions,
): FlowMap {
  const resolver = createResolver(MAP_URLS);
  const apiId = inventory.appSync?.apiId;
  const display = (name: string): string => {
    let shown = apiId ? name.replace(apiId, '<apiId>') : name;
    if (options.namePrefixLabel !== undefined && options.namePrefix && shown.startsWith(options.namePrefix)) {
      shown = options.namePrefixLabel + shown.slice(options.namePrefix.length);
    }
    return shown;
  };
  const keyOf = (name: string): string =>
    options.namePrefix && name.startsWith(options.namePrefix) ? name.slice(options.namePrefix.length) : name;

  const nodes = new Map<string, FlowNode>();
  const edges = new Map<string, FlowEdge>();
  const node = (kind: FlowNodeKind, key: string, label = key, physicalName?: string): string => {
    const id = `${kind}:${key}`;
    if (!nodes.has(id)) nodes.set(id, { id, kind, label, ...(physicalName ? { physicalName } : {}) });
    return id;
  };
  const edge = (from: string, to: string, kind: FlowEdgeKind, label?: string) => {
    const key = `${from}|${to}|${kind}|${label ?? ''}`;
    if (!edges.has(key)) edges.set(key, { from, to, kind, ...(label ? { label } : {}) });
  };

  // Tables: model tables by model name, the others by their name without the deployment prefix.
  const tables = inventory.tables.map((table) => ({
    key: table.modelName ?? keyOf(table.tableName),
    name: display(table.tableName),
    tableName: table.tableName,
    streamed: Boolean(table.streamViewType),
  }));
  const consumedStreams = new Set(
    inventory.eventSourceMappings.flatMap((m) =>
      m.source.kind === 'dynamodb-stream' ? [m.source.tableName] : [],
    ),
  );
  const tableKeyByName = new Map(tables.map((table) => [table.tableName, table.key]));
  const tableNode = (tableName: string) => {
    const key = tableKeyByName.get(tableName) ?? keyOf(tableName);
    const table = tables.find((candidate) => candidate.key === key);
    return node('table', key, key, table?.name);
  };
  const queueNode = (queueName: string) =>
    node('queue', keyOf(queueName), keyOf(queueName), display(queueName));
  const topicNode = (topicName: string) =>
    node('topic', keyOf(topicName), keyOf(topicName), display(topicName));
  const functionNode = (name: string) => node('function', name);

  const catalog = legacyCatalog(options.root);
  const modelNames = inventory.tables.flatMap((table) => (table.modelName ? [table.modelName] : []));
  const reserved = reservedConcurrency(assembly, resolver);
  const functions: FunctionFacts[] = inventory.functions.map((fn) => {
    const sources = functionSources(options.root, fn.name);
    return {
      name: fn.name,
      timeoutSeconds: fn.timeoutSeconds,
      memoryMB: fn.memoryMB,
      ...(reserved.has(fn.name) ? { reservedConcurrency: reserved.get(fn.name)! } : {}),
      legacyCalls: catalog
        .filter((entry) => sources.some((source) => entry.pattern.test(source)))
        .map((e) => e.label),
      graphqlWrites: modelNames.filter((model) => sources.some((source) => writesModel(source, model))),
    };
  });
  for (const fn of functions) functionNode(fn.name);

  const schedules = inventory.schedules.map(({ functionName, expression, timezone }) => ({
    functionName,
    expression,
    timezone,
  }));
  for (const schedule of schedules) {
    const id = node('schedule', `${schedule.functionName} ${schedule.expression}`, schedule.expression);
    edge(id, functionNode(schedule.functionName), 'invokes', schedule.timezone);
  }

  const operations = graphqlOperations(inventory);
  for (const operation of operations) {
    const id = node('graphql', `${operation.typeName}.${operation.fieldName}`);
    edge(id, functionNode(operation.functionName), 'invokes');
  }

  const routes = (inventory.restApi?.routes ?? []).flatMap((route) =>
    route.integration.kind === 'lambda'
      ? [
          {
            method: route.method,
            path: route.path,
            authorization: route.authorization,
            functionName: route.integration.functionName,
          },
        ]
      : [],
  );
  for (const route of routes) {
    edge(node('rest', `${route.method} ${route.path}`), functionNode(route.functionName), 'invokes');
  }

  const triggers = Object.entries(inventory.userPool?.triggers ?? {}).map(([trigger, functionName]) => ({
    trigger,
    functionName,
  }));
  for (const trigger of triggers) {
    edge(node('trigger', `Cognito ${trigger.trigger}`), functionNode(trigger.functionName), 'invokes');
  }

  const streamSources: StreamSourceFacts[] = [];
  const queueSources: QueueSourceFacts[] = [];
  for (const mapping of inventory.eventSourceMappings) {
    const filters = mapping.filterPatterns;
    if (mapping.source.kind === 'dynamodb-stream') {
      const tableId = tableNode(mapping.source.tableName);
      const facts: StreamSourceFacts = {
        functionName: mapping.functionName,
        table: nodes.get(tableId)!.label,
        batchSize: mapping.batchSize,
        ...(mapping.maximumBatchingWindowSeconds !== undefined
          ? { batchingWindowSeconds: mapping.maximumBatchingWindowSeconds }
          : {}),
        filters,
        reportBatchItemFailures: mapping.reportBatchItemFailures,
        bisectBatchOnFunctionError: mapping.bisectBatchOnFunctionError,
        maximumRetryAttempts: mapping.maximumRetryAttempts,
        maximumRecordAgeSeconds: mapping.maximumRecordAgeInSeconds,
        ...(mapping.onFailureQueueName ? { onFailureQueue: keyOf(mapping.onFailureQueueName) } : {}),
        ...(mapping.startingPosition ? { startingPosition: mapping.startingPosition } : {}),
      };
      streamSources.push(facts);
      edge(tableId, functionNode(mapping.functionName), 'stream', filterSummary(filters));
      if (mapping.onFailureQueueName) {
        edge(functionNode(mapping.functionName), queueNode(mapping.onFailureQueueName), 'on-failure');
      }
    } else {
      const queueId = queueNode(mapping.source.queueName);
      queueSources.push({
        functionName: mapping.functionName,
        queue: nodes.get(queueId)!.label,
        batchSize: mapping.batchSize,
        ...(mapping.maximumBatchingWindowSeconds !== undefined
          ? { batchingWindowSeconds: mapping.maximumBatchingWindowSeconds }
          : {}),
        filters,
        reportBatchItemFailures: mapping.reportBatchItemFailures,
      });
      edge(queueId, functionNode(mapping.functionName), 'polls', filterSummary(filters));
    }
  }

  const queues: QueueFacts[] = inventory.queues.map((queue) => {
    const id = queueNode(queue.name);
    if (queue.redrive) {
      edge(
        id,
        queueNode(queue.redrive.deadLetterQueueName),
        'redrive',
        `after ${queue.redrive.maxReceiveCount}`,
      );
    }
    return {
      key: nodes.get(id)!.label,
      name: display(queue.name),
      visibilityTimeoutSeconds: queue.visibilityTimeoutSeconds,
      retentionSeconds: queue.messageRetentionSeconds,
      ...(queue.redrive
        ? {
            deadLetterQueue: keyOf(queue.redrive.deadLetterQueueName),
            maxReceiveCount: queue.redrive.maxReceiveCount,
          }
        : {}),
    };
  });

  const topicNameByArn = new Map(inventory.topics.map((topic) => [topic.arn, topic.name]));
  const topics: TopicFacts[] = inventory.topics.map((topic) => {
    const id = topicNode(topic.name);
    return { key: nodes.get(id)!.label, name: display(topic.name) };
  });
  const subscriptions: SubscriptionFacts[] = inventory.subscriptions.map((subscription) => {
    const topicName = topicNameByArn.get(subscription.topicArn) ?? subscription.topicArn.split(':').pop()!;
    const topicId = topicNode(topicName);
    const target = subscription.queueName ? keyOf(subscription.queueName) : subscription.endpoint;
    const filterPolicy = subscription.filterPolicy ? stableJson(subscription.filterPolicy) : undefined;
    if (subscription.queueName) {
      edge(topicId, queueNode(subscription.queueName), 'subscription', filterPolicy ? 'filtered' : undefined);
    } else if (subscription.protocol === 'lambda') {
      edge(topicId, functionNode(functionNameOfArn(subscription.endpoint, inventory)), 'subscription');
    }
    return {
      topic: nodes.get(topicId)!.label,
      protocol: subscription.protocol,
      target,
      rawMessageDelivery: subscription.rawMessageDelivery,
      ...(filterPolicy ? { filterPolicy } : {}),
      ...(subscription.filterPolicyScope ? { filterPolicyScope: subscription.filterPolicyScope } : {}),
    };
  });

  // What each function writes, publishes and sends: its IAM grants.
  const grants = functionGrants(assembly, resolver, inventory);
  const topicByArn = new Map(inventory.topics.map((topic) => [topic.arn, topic.name]));
  const queueByArn = new Map(inventory.queues.map((queue) => [queue.arn, queue.name]));
  const tableByArn = new Map(inventory.tables.map((table) => [`table/${table.tableName}`, table.tableName]));
  for (const grant of grants) {
    const from = functionNode(grant.functionName);
    for (const resourceArn of grant.resources) {
      if (grant.actions.some((action) => action === 'sns:Publish' || action === 'sns:*')) {
        const topic = topicByArn.get(resourceArn);
        if (topic) edge(from, topicNode(topic), 'publishes');
      }
      if (grant.actions.some((action) => action === 'sqs:SendMessage' || action === 'sqs:*')) {
        const queue = queueByArn.get(resourceArn);
        if (queue) edge(from, queueNode(queue), 'sends');
      }
      // Only writes that start a flow: to a table whose stream something consumes.
      if (grant.actions.some((action) => TABLE_WRITES.has(action))) {
        const table = tableByArn.get(/table\/[^/]+/.exec(resourceArn)?.[0] ?? '');
        if (table && consumedStreams.has(table)) edge(from, tableNode(table), 'writes');
      }
      if (grant.actions.some((action) => action.startsWith('mobiletargeting:Send'))) {
        edge(from, node('push', 'End User Messaging push', 'End User Messaging push'), 'pushes');
      }
    }
  }
  for (const fn of functions) {
    for (const model of fn.graphqlWrites) {
      const table = tables.find((candidate) => candidate.key === model);
      if (table && consumedStreams.has(table.tableName))
        edge(functionNode(fn.name), tableNode(table.tableName), 'writes');
    }
    for (const call of fn.legacyCalls) edge(functionNode(fn.name), node('legacy', call), 'calls');
  }
  // The grant an on-failure destination needs is not a second path.
  for (const [key, candidate] of edges) {
    if (candidate.kind === 'sends' && edges.has(`${candidate.from}|${candidate.to}|on-failure|`))
      edges.delete(key);
  }

  const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
  const edgeOrder = (a: FlowEdge, b: FlowEdge) =>
    `${a.from}|${a.to}|${a.kind}|${a.label ?? ''}`.localeCompare(
      `${b.from}|${b.to}|${b.kind}|${b.label ?? ''}`,
    );
  const byName =
    <T>(key: (item: T) => string) =>
    (a: T, b: T) =>
      key(a).localeCompare(key(b));
  return {
    nodes: [...nodes.values()].sort(byId),
    edges: [...edges.values()].sort(edgeOrder),
    functions: functions.sort(byName((fn) => fn.name)),
    streamSources: streamSources.sort(byName((s) => `${s.table} ${s.functionName}`)),
    queueSources: queueSources.sort(byName((s) => `${s.queue} ${s.functionName}`)),
    queues: queues.sort(byName((q) => q.key)),
    topics: topics.sort(byName((t) => t.key)),
    subscriptions: subscriptions.sort(byName((s) => `${s.topic} ${s.target}`)),
    schedules: schedules.sort(byName((s) => `${s.functionName} ${s.expression}`)),
    operations: operations.sort(byName((o) => `${o.typeName}.${o.fieldName}`)),
    routes: routes.sort(byName((r) => `${r.path} ${r.method}`)),
    triggers: triggers.sort(byName((t) => t.trigger)),
    tables: tables.map(({ key, name, streamed }) => ({ key, name, streamed })).sort(byName((t) => t.key)),
  };
}

function functionNameOfArn(arn: string, inventory: BackendInventory): string {
  const physical = arn.split(':').pop() ?? arn;
  return (
    inventory.functions.find((fn) => fn.environment.AWS_LAMBDA_FUNCTION_NAME === physical)?.name ?? physical
  );
}

/** `INSERT`, `MODIFY lastReadAt`, … : the events a filter lets through, short enough for an edge. */
export function filterSummary(patterns: string[]): string | undefined {
  if (patterns.length === 0) return undefined;
  return patterns
    .map((pattern) => {
      try {
        const parsed = JSON.parse(pattern) as { eventName?: string[]; dynamodb?: unknown };
        const events = parsed.eventName?.join('/') ?? 'any';
        return parsed.dynamodb ? `${events} (filtered)` : events;
      } catch {
        return 'filtered';
      }
    })
    .join(' | ');
}

/** Keys sorted, so the same policy always prints the same. */
export function stableJson(value: unknown): string {
  const sortKeys = (input: unknown): unknown => {
    if (Array.isArray(input)) return input.map(sortKeys);
    if (input && typeof input === 'object') {
      return Object.fromEntries(
        Object.entries(input as Record<string, unknown>)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([key, inner]) => [key, sortKeys(inner)]),
      );
    }
    return input;
  };
  return JSON.stringify(sortKeys(typeof value === 'string' ? JSON.parse(value) : value));
}

/** GraphQL fields resolved by a function: a Lambda data source directly or as a pipeline step. */
function graphqlOperations(
  inventory: BackendInventory,
): { typeName: string; fieldName: string; functionName: string }[] {
  const api = inventory.appSync;
  if (!api) return [];
  const functionOfDataSource = new Map(
    api.dataSources.flatMap((ds) => (ds.functionName ? [[ds.name, ds.functionName] as const] : [])),
  );
  const dataSourceOfStep = new Map(api.functions.map((step) => [step.id, step.dataSourceName]));
  const found: { typeName: string; fieldName: string; functionName: string }[] = [];
  for (const resolver of api.resolvers) {
    const dataSources = [
      ...(resolver.dataSourceName ? [resolver.dataSourceName] : []),
      ...resolver.functionIds.map((id) => dataSourceOfStep.get(id) ?? ''),
    ];
    for (const functionName of new Set(dataSources.flatMap((ds) => functionOfDataSource.get(ds) ?? []))) {
      found.push({ typeName: resolver.typeName, fieldName: resolver.fieldName, functionName });
    }
  }
  return found;
}

function reservedConcurrency(
  assembly: CloudAssembly,
  resolver: ReturnType<typeof createResolver>,
): Map<string, number> {
  const found = new Map<string, number>();
  for (const stack of assembly.stacks) {
    for (const resource of Object.values(stack.template.Resources ?? {})) {
      if (resource.Type !== 'AWS::Lambda::Function') continue;
      const name = friendlyName(resource.Properties);
      const value = resource.Properties?.ReservedConcurrentExecutions;
      if (name && value !== undefined) found.set(name, Number(resolver.resolve(stack, value)));
    }
  }
  return found;
}

function friendlyName(properties: Record<string, unknown> | undefined): string | undefined {
  const tags = (properties?.Tags ?? []) as { Key: string; Value: string }[];
  return tags.find((tag) => tag.Key === 'amplify:friendly-name')?.Value;
}

interface Grant {
  functionName: string;
  actions: string[];
  resources: string[];
}

/** Allow statements of the policies attached to each function's role, with ARNs resolved. */
function functionGrants(
  assembly: CloudAssembly,
  resolver: ReturnType<typeof createResolver>,
  inventory: BackendInventory,
): Grant[] {
  const functionByRole = new Map<string, string>();
  for (const fn of inventory.functions) {
    if (fn.roleArn) functionByRole.set(fn.roleArn.split('/').pop()!, fn.name);
  }
  const grants: Grant[] = [];
  for (const stack of assembly.stacks) {
    for (const resource of Object.values(stack.template.Resources ?? {})) {
      if (resource.Type !== 'AWS::IAM::Policy' && resource.Type !== 'AWS::IAM::ManagedPolicy') continue;
      const roles = resolveQuietly(stack, resource.Properties?.Roles, resolver);
      const functionNames = (Array.isArray(roles) ? roles : [])
        .map((role) => functionByRole.get(String(role).split('/').pop()!))
        .filter((name): name is string => Boolean(name));
      if (functionNames.length === 0) continue;
      const document = resource.Properties?.PolicyDocument as { Statement?: unknown[] } | undefined;
      for (const statement of document?.Statement ?? []) {
        const { Effect, Action, Resource } = statement as {
          Effect?: string;
          Action?: unknown;
          Resource?: unknown;
        };
        if (Effect !== 'Allow') continue;
        const actions = ([] as unknown[]).concat(Action ?? []).map(String);
        const resolved = resolveQuietly(stack, Resource, resolver);
        const resources = ([] as unknown[]).concat(resolved ?? []).map(String);
        for (const functionName of functionNames) grants.push({ functionName, actions, resources });
      }
    }
  }
  return grants;
}

function resolveQuietly(
  stack: StackNode,
  value: unknown,
  resolver: ReturnType<typeof createResolver>,
): unknown {
  try {
    return resolver.resolve(stack, value);
  } catch {
    return undefined;
  }
}

interface CatalogEntry {
  label: string;
  pattern: RegExp;
}

/** `### \`GET /v1/brokers\`` headings of docs/legacy-api.md, as patterns over string literals. */
export function legacyCatalog(root: string): CatalogEntry[] {
  const file = join(root, 'docs/legacy-api.md');
  if (!existsSync(file)) return [];
  const entries: CatalogEntry[] = [];
  for (const match of readFileSync(file, 'utf8').matchAll(/^###\s+`([A-Z]+)\s+(\/[^`\s]*)`/gm)) {
    const [, method, path] = match as unknown as [string, string, string];
    const body = path
      .split(/\{[^}]+\}/)
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('(?:\\$\\{[^}]+\\}|[^/\'"`?]+)');
    // The path as a string literal (or the start of one: a query string or a template follows).
    entries.push({ label: `${method} ${path}`, pattern: new RegExp(`['"\`]${body}(?=['"\`?]|\\$\\{)`) });
  }
  return entries.sort((a, b) => a.label.localeCompare(b.label));
}

function writesModel(source: string, model: string): boolean {
  return new RegExp(
    // `client.models.Message.create(…)`, `(await models()).Message.create(…)`, or a document's
    // `createMessage(input: …)`.
    `models(?:\\(\\)\\))?\\.${model}\\.(?:create|update|delete)\\b|\\b(?:create|update|delete)${model}\\s*\\(\\s*input\\b`,
  ).test(source);
}

/** The function's handler and every module it imports from this repository, transitively. */
export function functionSources(root: string, functionName: string): string[] {
  const entry = join(root, 'amplify/functions', functionName, 'handler.ts');
  const seen = new Set<string>();
  const sources: string[] = [];
  const visit = (file: string) => {
    if (seen.has(file) || !existsSync(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    sources.push(text);
    for (const match of text.matchAll(/(?:from\s+|import\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g)) {
      const target = resolve(dirname(file), match[1]!);
      for (const candidate of [
        target,
        `${target}.ts`,
        target.replace(/\.js$/, '.ts'),
        join(target, 'index.ts'),
      ]) {
        if (existsSync(candidate) && candidate.endsWith('.ts')) {
          visit(candidate);
          break;
        }
      }
    }
  };
  visit(entry);
  return sources;
}
