/**
 * `npm run flows`: synthesizes the sandbox, dev and prod stages offline (no bundling) and writes
 * docs/event-flows.md. `-- --check` only compares and exits 1 when the file is out of date.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  EVENT_FLOWS_DOC,
  eventFlowsDocument,
  FLOW_IDENTIFIERS,
  FLOW_STAGES,
  type FlowStage,
  flowMapOf,
  REPO_ROOT,
} from './event-flows';
import { synthContext } from './synth-context';

const { values } = parseArgs({ options: { check: { type: 'boolean', default: false } } });

function synthesize(stage: FlowStage, outdir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const stderr: string[] = [];
    const child = spawn(process.execPath, ['--import', 'tsx', 'amplify/backend.ts'], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: {
        ...process.env,
        AMPLIFY_DISABLE_TELEMETRY: '1',
        CDK_OUTDIR: outdir,
        CDK_CONTEXT_JSON: JSON.stringify(synthContext(FLOW_IDENTIFIERS[stage], { bundle: false })),
      },
    });
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) =>
      status === 0
        ? resolve()
        : reject(new Error(`synth of ${stage} failed (exit ${status}):\n${stderr.join('')}`)),
    );
  });
}

const work = mkdtempSync(join(tmpdir(), 'bootalk-flows-'));
try {
  const started = Date.now();
  const dirs = Object.fromEntries(FLOW_STAGES.map((stage) => [stage, join(work, stage)])) as Record<
    FlowStage,
    string
  >;
  await Promise.all(FLOW_STAGES.map((stage) => synthesize(stage, dirs[stage])));
  const maps = Object.fromEntries(
    FLOW_STAGES.map((stage) => [stage, flowMapOf(dirs[stage], FLOW_IDENTIFIERS[stage])]),
  ) as Record<FlowStage, ReturnType<typeof flowMapOf>>;
  const markdown = eventFlowsDocument(maps);
  const path = join(REPO_ROOT, EVENT_FLOWS_DOC);
  let current = '';
  try {
    current = readFileSync(path, 'utf8');
  } catch {}
  if (values.check) {
    if (current !== markdown) {
      console.error(`${EVENT_FLOWS_DOC} is out of date: run npm run flows`);
      process.exitCode = 1;
    }
  } else {
    writeFileSync(path, markdown);
    console.log(
      `${EVENT_FLOWS_DOC} ${current === markdown ? 'unchanged' : 'written'} in ${Date.now() - started} ms`,
    );
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
