import { localRedriveTarget } from '../../scripts/redrive/local-target';
import type { CloudAssembly } from '../assembly/cloud-assembly';
import { buildFlowMap, type FlowMap } from '../assembly/flow-map';
import { SANDBOX_NAME } from '../assembly/synth-cache';
import type { LocalCognito } from '../cognito/start';
import type { AwsGateway } from '../gateway/gateway';
import type { Scheduler } from '../lambda/scheduler/scheduler';
import type { LocalLambda } from '../lambda/start';
import type { LegacyApi } from '../legacy/server';
import type { StartStep } from '../start-step';
import { localFailureStores } from './failure-stores';
import { startInbox } from './server';

/** The dev inbox: what the services captured, and the controls over functions, faults and failure stores. */
export async function startDevInbox(
  { options, ports, endpoints, inventory, onStop }: StartStep,
  services: {
    assembly: CloudAssembly;
    gateway: AwsGateway;
    lambda: LocalLambda;
    legacy: LegacyApi;
    scheduler: Scheduler;
    cognito: LocalCognito;
  },
): Promise<void> {
  const { assembly, gateway, lambda, legacy, scheduler, cognito } = services;
  const startedAt = new Date().toISOString();
  // The event-flow map of this synth, read the first time the Flows page asks for it.
  let flowMap: FlowMap | undefined;
  const inbox = await startInbox({
    port: ports.inbox,
    sources: {
      sms: gateway.captures.sms,
      push: gateway.captures.push,
      legacyCalls: legacy.calls,
      deadLetters: gateway.captures.deadLetters,
      errors: gateway.captures.errors,
      invocations: lambda.invocations,
      functions: {
        names: () => lambda.runner.names(),
        scheduled: () => scheduler.list(),
        invoke: (name, event) => lambda.runner.invoke(name, event),
      },
      legacy: {
        setFaults: (faults) => legacy.setFaults(faults),
        clearFaults: () => legacy.clearFaults(),
        faults: () => legacy.faults(),
        putReferenceItem: (kind, id, body) => legacy.putReferenceItem(kind, id, body),
      },
      queues: {
        names: () => gateway.sqs.queueNames(),
        messages: (name) => gateway.sqs.listMessages(name),
      },
      flows: () => (flowMap ??= buildFlowMap(assembly, inventory, { root: options.root, namePrefix: '' })),
      // The Dead letters tab's Redrive / Replay: the code of `npm run redrive`, on the local services.
      failureStores: localFailureStores(
        gateway.sqs,
        localRedriveTarget({
          awsUrl: endpoints.awsUrl,
          dynamodbUrl: endpoints.dynamodbUrl,
          invoker: lambda.runner,
          mappings: inventory.eventSourceMappings,
        }),
      ),
      users: () =>
        cognito.service.users.list().map((user) => ({
          username: user.username,
          phoneMasked: user.phone,
          groups: user.groups,
          createdAt: user.createdAt,
        })),
      info: () => ({
        startedAt,
        endpoints: { ...endpoints },
        stage: 'sandbox',
        version: SANDBOX_NAME,
        memory: memoryNow(),
        environments: lambda.runner.environments(),
        invocations: lambda.runner.invocationCounts(),
      }),
    },
  });
  onStop(() => inbox.stop());
}

/** The sandbox process's resident memory (worker threads included) and its main thread's heap, in MB. */
function memoryNow(): { rssMB: number; heapUsedMB: number } {
  const { rss, heapUsed } = process.memoryUsage();
  return { rssMB: Math.round(rss / 2 ** 20), heapUsedMB: Math.round(heapUsed / 2 ** 20) };
}
