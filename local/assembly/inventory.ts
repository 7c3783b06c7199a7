import type { EventSourceMappingSpec, FunctionSpec, TableSpec } from '../contracts';
import type { CloudAssembly } from './cloud-assembly';
import { readEventSourceMappings, readSchedules, type ScheduleSpec } from './event-sources';
import { readFunctions } from './functions';
import { type AppSyncSpec, readAppSync } from './graphql-api';
import type { LocalUrls } from './intrinsics';
import {
  type QueueSpec,
  readPushApplicationIds,
  readQueues,
  readSubscriptions,
  readTopics,
  type SubscriptionSpec,
  type TopicSpec,
} from './messaging';
import { type ParameterSpec, readSsmParameters } from './parameters';
import { type RestApiSpec, readRestApi } from './rest-api';
import { readTables } from './tables';
import { readTemplates, type Templates } from './templates';
import { readUserPool, type UserPoolSpec } from './user-pool';

/**
 * Everything the local sandbox runs, read from the synthesized templates with every
 * intrinsic resolved: no name or setting is duplicated between the backend and local/.
 * One reader per service, in the module named after it.
 */

export interface BackendInventory {
  functions: FunctionSpec[];
  tables: TableSpec[];
  topics: TopicSpec[];
  queues: QueueSpec[];
  subscriptions: SubscriptionSpec[];
  eventSourceMappings: EventSourceMappingSpec[];
  schedules: ScheduleSpec[];
  userPool?: UserPoolSpec;
  appSync?: AppSyncSpec;
  restApi?: RestApiSpec;
  ssmParameters: ParameterSpec[];
  pushApplicationIds: string[];
  /** The root stack's outputs, resolved (what `ampx generate outputs` reads). */
  outputs: Record<string, string>;
}

export function readInventory(
  assembly: CloudAssembly,
  urls: LocalUrls,
  options: { functionNames: ReadonlySet<string> },
): BackendInventory {
  const templates = readTemplates(assembly, urls);
  const { functions, functionNameOf } = readFunctions(templates, options.functionNames);
  const t: Templates = { ...templates, functionNameOf };
  return {
    functions,
    tables: readTables(t),
    topics: readTopics(t),
    queues: readQueues(t),
    subscriptions: readSubscriptions(t),
    eventSourceMappings: readEventSourceMappings(t),
    schedules: readSchedules(t),
    userPool: readUserPool(t),
    appSync: readAppSync(t),
    restApi: readRestApi(t),
    ssmParameters: readSsmParameters(t),
    pushApplicationIds: readPushApplicationIds(t),
    outputs: readOutputs(t),
  };
}

/** The root stack's outputs, resolved. */
function readOutputs(t: Templates): Record<string, string> {
  const outputs: Record<string, string> = {};
  for (const name of Object.keys(t.assembly.root.template.Outputs ?? {})) {
    outputs[name] = String(t.resolver.output(t.assembly.root, name));
  }

  return outputs;
}
