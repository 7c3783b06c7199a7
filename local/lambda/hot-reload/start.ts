import type { LocalRestApi } from '../../apigateway/server';
import type { LocalAppSync } from '../../appsync/local-appsync';
import { loadCloudAssembly } from '../../assembly/cloud-assembly';
import { functionNames } from '../../assembly/functions';
import { readInventory } from '../../assembly/inventory';
import { type SynthesizedBackend, synthesize } from '../../assembly/synth-cache';
import { createTables, type DynamoDbLocal } from '../../dynamodb/dynamodb-local';
import type { StartStep } from '../../start-step';
import type { LocalLambda } from '../start';
import { HotReloader } from './hot-reload';

/** Watch mode: handler changes swapped into the workers, resource changes by a new synth. */
export function hotReloader(
  { options, endpoints, progress, onStop }: StartStep,
  services: {
    synth: SynthesizedBackend;
    lambda: LocalLambda;
    dynamodb: DynamoDbLocal;
    appSync: LocalAppSync;
    restApi: LocalRestApi;
  },
): HotReloader {
  const { synth, lambda, dynamodb, appSync, restApi } = services;
  const reloader = new HotReloader({
    root: options.root,
    functions: () => lambda.current,
    replaceFunctions: async (specs) => {
      lambda.current = lambda.current.map((spec) => specs.find((next) => next.name === spec.name) ?? spec);
      await lambda.runner.load(specs);
    },
    resynthesize: async (changed) => {
      progress('reload', `${changed.join(', ')} changed: synthesizing`);
      const next = await synthesize(options.root, synth.synthOut, { context: synth.context });
      const nextInventory = readInventory(loadCloudAssembly(next.outdir), endpoints, {
        functionNames: functionNames(options.root),
      });
      lambda.signedCallers.update(nextInventory.functions);
      lambda.current = nextInventory.functions.map(lambda.toLocal);
      const replaced = await lambda.runner.load(lambda.current);
      await createTables(dynamodb.client, nextInventory.tables);
      if (nextInventory.appSync) appSync.reload(nextInventory.appSync);
      restApi.reload(nextInventory.restApi?.routes ?? []);
      progress(
        'reload',
        `live: ${replaced.length} functions replaced, API and tables updated (restart for new queues, topics and event sources)`,
      );
    },
    say: progress,
  });
  if (options.watch) {
    reloader.start();
    onStop(() => reloader.stop(), 'event sources');
  }
  return reloader;
}
