/**
 * Local sandbox benchmarks: cold start (no cached synth), warm start (cached synth), and
 * handler edit → live. Prints median and spread over several runs. Not a test: timings on a
 * shared machine are noisy; read the spread.
 *
 *   npm run bench              all three
 *   npm run bench -- --runs 3  fewer runs
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { assertPortFree } from '../local/ports/free-port';

const root = resolve(import.meta.dirname, '..');
const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const runs = Number(values.runs);

interface Running {
  child: ChildProcess;
  output: () => string;
  waitFor: (pattern: RegExp, timeoutMs: number) => Promise<void>;
}

async function freeBase(): Promise<number> {
  for (;;) {
    const base = 30_000 + Math.floor(Math.random() * 10_000);
    try {
      await Promise.all(Array.from({ length: 7 }, (_, i) => assertPortFree(base + i, 'bench')));
      return base;
    } catch {
      // try another
    }
  }
}

async function startSandbox(): Promise<Running> {
  const base = await freeBase();
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'local/start.ts',
      '--port',
      String(base),
      '--outputs',
      join(root, '.amplify/bench-outputs.json'),
      '--quiet',
    ],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      // As `npm start` runs it (package.json): trusting the local CA from the start.
      env: { ...process.env, NODE_EXTRA_CA_CERTS: '.amplify/sandbox/tls/ca.crt' },
    },
  );
  let output = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    output += chunk;
    for (const listener of listeners) listener();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  return {
    child,
    output: () => output,
    waitFor: (pattern, timeoutMs) =>
      new Promise((done, fail) => {
        const from = output.length;
        const check = () => {
          if (pattern.test(output.slice(from))) {
            listeners.delete(check);
            clearTimeout(timer);
            done();
          }
        };
        const timer = setTimeout(
          () => fail(new Error(`timed out waiting for ${pattern}:\n${output}`)),
          timeoutMs,
        );
        listeners.add(check);
        check();
      }),
  };
}

async function stop(running: Running): Promise<void> {
  const exited = new Promise((done) => running.child.once('exit', done));
  running.child.kill('SIGTERM');
  await exited;
}

async function timeStart(cold: boolean): Promise<number> {
  if (cold) rmSync(join(root, '.amplify/sandbox/cdk.out'), { recursive: true, force: true });
  const started = performance.now();
  const running = await startSandbox();
  await running.waitFor(/Local sandbox ready/, 300_000);
  const elapsed = performance.now() - started;
  await stop(running);
  return elapsed;
}

async function timeEditToLive(running: Running, file: string): Promise<number> {
  const started = performance.now();
  appendFileSync(file, `\n// bench ${Date.now()}\n`);
  await running.waitFor(/live in \d+ ms/, 60_000);
  return performance.now() - started;
}

function summary(name: string, samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  return {
    measure: name,
    runs: samples.length,
    'median (s)': (median / 1000).toFixed(2),
    'min (s)': (sorted[0]! / 1000).toFixed(2),
    'max (s)': (sorted.at(-1)! / 1000).toFixed(2),
  };
}

const cold: number[] = [];
for (let i = 0; i < Math.min(runs, 3); i++) cold.push(await timeStart(true));
const warm: number[] = [];
for (let i = 0; i < runs; i++) warm.push(await timeStart(false));

const edit: number[] = [];
const file = join(root, 'amplify/functions/auth-define-challenge/challenge-flow.ts');
const original = readFileSync(file, 'utf8');
const running = await startSandbox();
try {
  await running.waitFor(/Local sandbox ready/, 300_000);
  for (let i = 0; i < runs; i++) {
    edit.push(await timeEditToLive(running, file));
    await new Promise((done) => setTimeout(done, 300));
  }
} finally {
  writeFileSync(file, original);
  await stop(running);
}

console.table([
  summary('cold start (synth)', cold),
  summary('warm start (cached synth)', warm),
  summary('handler edit → live', edit),
]);
