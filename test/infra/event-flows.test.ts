import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  EVENT_FLOWS_DOC,
  eventFlowsDocument,
  FLOW_IDENTIFIERS,
  type FlowStage,
  flowMapOf,
  REPO_ROOT,
  renderEventFlows,
  startedByOf,
} from '../../scripts/event-flows';
import { DEPLOYMENTS, type Synth, synthAll } from './synth';

const STAGE_DEPLOYMENTS = { sandbox: 'sandbox', dev: 'dev', prod: 'prod' } as const;

let maps: Record<FlowStage, ReturnType<typeof flowMapOf>>;
let prodSynth: Synth;

async function currentMaps() {
  const synths = await synthAll(Object.values(STAGE_DEPLOYMENTS));
  prodSynth = synths.prod;
  return Object.fromEntries(
    (Object.keys(STAGE_DEPLOYMENTS) as FlowStage[]).map((stage) => [
      stage,
      flowMapOf(synths[STAGE_DEPLOYMENTS[stage]].dir, FLOW_IDENTIFIERS[stage]),
    ]),
  ) as Record<FlowStage, ReturnType<typeof flowMapOf>>;
}

describe('the event-flow map (docs/event-flows.md)', () => {
  // Three deployments, synthesized one after another when no other infra test shares them.
  beforeAll(async () => {
    maps = await currentMaps();
  }, 900_000);

  it('is synthesized from the same deployments the infra tests synthesize', () => {
    for (const stage of Object.keys(STAGE_DEPLOYMENTS) as FlowStage[]) {
      expect(DEPLOYMENTS[STAGE_DEPLOYMENTS[stage]].identifier).toEqual(FLOW_IDENTIFIERS[stage]);
    }
  });

  it('is what `npm run flows` generates from the code as it is now', async () => {
    const generated = eventFlowsDocument(maps);
    const committed = readFileSync(join(REPO_ROOT, EVENT_FLOWS_DOC), 'utf8');
    // On failure: run `npm run flows` and commit docs/event-flows.md.
    expect(committed).toBe(generated);
  });

  it('shows every event source mapping, schedule, queue and topic of the templates', () => {
    const synth = prodSynth;
    const prod = maps.prod;
    const mappings = synth.resourcesOfType('AWS::Lambda::EventSourceMapping');
    expect(prod.streamSources.length + prod.queueSources.length).toBe(mappings.length);
    expect(prod.schedules).toHaveLength(synth.resourcesOfType('AWS::Scheduler::Schedule').length);
    expect(prod.queues).toHaveLength(synth.resourcesOfType('AWS::SQS::Queue').length);
    expect(prod.topics).toHaveLength(synth.resourcesOfType('AWS::SNS::Topic').length);
    expect(prod.subscriptions).toHaveLength(synth.resourcesOfType('AWS::SNS::Subscription').length);
    const doc = renderEventFlows(maps);
    for (const queue of prod.queues) expect(doc).toContain(`\`${queue.name}\``);
    for (const source of prod.streamSources)
      expect(doc).toContain(`| ${source.table} | ${source.functionName} |`);
  });

  it('gives a sandbox name as a pattern, not the name of the sandbox that happened to be synthesized', async () => {
    const doc = eventFlowsDocument(maps);
    expect(doc).toContain('sandbox-<name>-');
    expect(doc).not.toContain(`sandbox-${FLOW_IDENTIFIERS.sandbox.name}-`);
  });
  it("is what README's function list says starts each function, and that list has every function folder", () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('\n## Functions\n'), readme.indexOf('\n## Environments\n'));
    const listed = Object.fromEntries(
      section
        .split('\n')
        .filter((line) => line.startsWith('| `'))
        .map((line) => line.split('|').map((cell) => cell.trim()))
        .map((cells) => [cells[1]!.replaceAll('`', ''), cells[2]]),
    );
    const folders = readdirSync(join(REPO_ROOT, 'amplify/functions')).filter((name) =>
      existsSync(join(REPO_ROOT, 'amplify/functions', name, 'resource.ts')),
    );
    expect(Object.keys(listed).sort()).toEqual(folders.sort());
    // On failure: README's "started by" column is out of date (compare docs/event-flows.md's Functions table).
    expect(listed).toEqual(
      Object.fromEntries(maps.prod.functions.map((fn) => [fn.name, startedByOf(maps.prod, fn.name)])),
    );
  });
});
