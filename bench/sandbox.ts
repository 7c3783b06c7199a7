/**
 * Local sandbox benchmarks, measured as a new user would: `npm start` (the real thing) started by
 * the benchmark, and real aws-amplify clients, each in its own Node process, talking to it over
 * HTTPS and WebSockets. Prints a markdown table (measure | result | target) for README, each
 * result with the machine's load average when it was measured. Not a test: timings on a shared
 * machine are noisy; read the load and the spread.
 *
 *   npm run bench                          everything: start, reload, chat (16 users, 60 s)
 *   npm run bench -- --users 16,50         the chat throughput with 16, then 50 users
 *   npm run bench -- --only chat --users 4 --messages 30 --duration 10   a short run
 *
 *   --only start,reload,chat   which measures (default: all)
 *   --runs N                   start and edit runs (default 5; cold starts at most 3)
 *   --messages N               paced messages for the latency measure (default 200)
 *   --users N[,M…]             signed-in users of each throughput run (default 16)
 *   --duration S               seconds each throughput run sends (default 60)
 *   --profile DIR              the sandbox runs with `--cpu-prof --cpu-prof-dir=DIR`: one V8 CPU
 *                              profile per thread (main, each function's worker), written at exit
 *   --node-options="…"         more options for the sandbox's Node (e.g. --heapsnapshot-signal=SIGUSR2)
 */
import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type BenchSandbox, SANDBOX_LOG, sandboxEndpoints, startBenchSandbox } from './bench-sandbox';
import {
  ChatLoad,
  LIMIT_PER_SECOND,
  LIMIT_TEXT,
  LIMIT_WINDOW_MS,
  SAFE_PACE_MS,
  type Send,
} from './chat-load';
import { cpuByName, mainThreadCpuSeconds, memoryByName, processTree, stillRunning } from './process-tree';
import {
  loadAverage,
  markdownTable,
  median,
  megabytes,
  ms,
  percentile,
  type Row,
  seconds,
  withLoad,
} from './report';

const root = resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: {
    only: { type: 'string', default: 'start,reload,chat' },
    runs: { type: 'string', default: '5' },
    messages: { type: 'string', default: '200' },
    users: { type: 'string', default: '16' },
    duration: { type: 'string', default: '60' },
    profile: { type: 'string' },
    'node-options': { type: 'string', default: '' },
  },
});
const only = new Set(values.only.split(','));
const runs = Number(values.runs);
const pacedMessages = Number(values.messages);
const userCounts = values.users.split(',').map((count) => 2 * Math.ceil(Number(count) / 2));
const durationMs = Number(values.duration) * 1000;
const sandboxNodeArgs = [
  ...(values.profile ? ['--cpu-prof', `--cpu-prof-dir=${resolve(values.profile)}`] : []),
  ...values['node-options'].split(' ').filter(Boolean),
];
for (const measure of only) {
  if (!['start', 'reload', 'chat'].includes(measure)) throw new Error(`--only: unknown measure ${measure}`);
}

const rows: Row[] = [];
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
const progress = (line: string) => console.error(`… ${line}`);

async function ready(sandbox: BenchSandbox): Promise<void> {
  await sandbox.waitFor(/Local sandbox ready/, 300_000);
}

async function timeStart(cold: boolean): Promise<number> {
  if (cold) rmSync(join(root, '.amplify/sandbox/cdk.out'), { recursive: true, force: true });
  const started = performance.now();
  const sandbox = await startBenchSandbox(sandboxNodeArgs);
  await ready(sandbox);
  const elapsed = performance.now() - started;
  await sandbox.stop();
  return elapsed;
}

const spread = (samples: number[]) =>
  `median ${seconds(median(samples))}, ${seconds(Math.min(...samples))} – ${seconds(Math.max(...samples))} (${samples.length} run${samples.length === 1 ? '' : 's'})`;

/**
 * Resident memory of every process of the sandbox; inside its Node process, the main thread's heap
 * and the function environments alive (worker threads), as the dev inbox's /api/info reports them.
 */
async function memory(sandbox: BenchSandbox): Promise<string> {
  const { total, byName } = memoryByName(processTree(sandbox.pid));
  const inside = await insideNode(sandbox);
  const parts = byName.map(
    (entry) =>
      `${entry.name}${entry.count > 1 ? ` ×${entry.count}` : ''} ${megabytes(entry.rssBytes)}${entry.name === 'node' ? inside : ''}`,
  );
  return `${megabytes(total)} RSS (${parts.join(', ')})`;
}

/** CPU seconds so far of the sandbox's processes (by name) and of the bench's app users. */
function cpuNow(sandbox: BenchSandbox): {
  sandbox: Map<string, number>;
  users: number;
  nodeMainThread: number | undefined;
} {
  const sandboxTree = processTree(sandbox.pid);
  const inSandbox = new Set(sandboxTree.map((info) => info.pid));
  // The app users are the bench's other children: Node processes of their own.
  const users = processTree(process.pid)
    .filter((info) => info.pid !== process.pid && !inSandbox.has(info.pid))
    .reduce((sum, info) => sum + info.cpuSeconds, 0);
  return { sandbox: cpuByName(sandboxTree), users, nodeMainThread: mainThreadCpuSeconds(sandbox.pid) };
}

function cpuPerMessage(
  before: ReturnType<typeof cpuNow>,
  after: ReturnType<typeof cpuNow>,
  messages: number,
): string {
  if (messages === 0) return 'no message sent';
  const perMessage = (seconds: number) => `${Math.round((seconds * 1000) / messages)} ms`;
  const names = [...after.sandbox.keys()];
  const used = names.map(
    (name) => [name, (after.sandbox.get(name) ?? 0) - (before.sandbox.get(name) ?? 0)] as const,
  );
  const total = used.reduce((sum, [, seconds]) => sum + seconds, 0);
  const mainThread =
    before.nodeMainThread === undefined || after.nodeMainThread === undefined
      ? undefined
      : after.nodeMainThread - before.nodeMainThread;
  const parts = used
    .filter(([, seconds]) => seconds > 0)
    .map(([name, seconds]) =>
      name === 'node' && mainThread !== undefined
        ? `node ${perMessage(seconds)}: main thread ${perMessage(mainThread)}, worker and helper threads ${perMessage(seconds - mainThread)}`
        : `${name} ${perMessage(seconds)}`,
    );
  return (
    `sandbox ${perMessage(total)} (${parts.join(', ')}); the app users' own Node processes ` +
    `${perMessage(after.users - before.users)} more on the same cores`
  );
}

type InvocationCounts = Record<string, { invocations: number; coldStarts: number }>;

interface SandboxInfo {
  memory?: { heapUsedMB: number };
  environments?: Record<string, number>;
  invocations?: InvocationCounts;
}

/** The dev inbox's /api/info, or nothing when the sandbox does not answer. */
async function sandboxInfo(sandbox: BenchSandbox): Promise<SandboxInfo> {
  try {
    return (await (await fetch(`${sandboxEndpoints(sandbox).inboxUrl}/api/info`)).json()) as SandboxInfo;
  } catch {
    return {};
  }
}

/** Invocations and cold starts per function since the sandbox started. */
async function invocationCounts(sandbox: BenchSandbox): Promise<InvocationCounts> {
  return (await sandboxInfo(sandbox)).invocations ?? {};
}

/** `invocations n, cold starts m (fn k, …)` between two counts: environments started during a run. */
function coldStartsBetween(before: InvocationCounts, after: InvocationCounts): string {
  const delta = Object.entries(after).map(([name, count]) => ({
    name,
    invocations: count.invocations - (before[name]?.invocations ?? 0),
    coldStarts: count.coldStarts - (before[name]?.coldStarts ?? 0),
  }));
  const invocations = delta.reduce((sum, entry) => sum + entry.invocations, 0);
  const cold = delta.filter((entry) => entry.coldStarts > 0).sort((a, b) => b.coldStarts - a.coldStarts);
  const coldStarts = cold.reduce((sum, entry) => sum + entry.coldStarts, 0);
  return (
    `${invocations} invocations, ${coldStarts} cold starts` +
    (cold.length ? ` (${cold.map((entry) => `${entry.name} ${entry.coldStarts}`).join(', ')})` : '')
  );
}

async function insideNode(sandbox: BenchSandbox): Promise<string> {
  const info = await sandboxInfo(sandbox);
  if (!info.memory || !info.environments) return '';
  const environments = Object.values(info.environments).reduce((sum, count) => sum + count, 0);
  return `: main heap ${info.memory.heapUsedMB} MB, ${environments} function environments`;
}

if (only.has('start')) {
  const cold: number[] = [];
  for (let i = 0; i < Math.min(runs, 3); i++) {
    progress(`cold start ${i + 1}`);
    cold.push(await timeStart(true));
  }
  rows.push({
    measure: 'cold start (synth and function bundles)',
    result: withLoad(spread(cold)),
    target: '≤ 20 s',
  });
  const warm: number[] = [];
  for (let i = 0; i < runs; i++) {
    progress(`warm start ${i + 1}`);
    warm.push(await timeStart(false));
  }
  rows.push({ measure: 'warm start (cached synth)', result: withLoad(spread(warm)), target: '≤ 5 s' });
}

if (only.has('reload')) {
  const edits: number[] = [];
  let esbuildPeak = 0;
  const file = join(root, 'amplify/functions/auth-define-challenge/challenge-flow.ts');
  const original = readFileSync(file, 'utf8');
  const sandbox = await startBenchSandbox(sandboxNodeArgs);
  try {
    await ready(sandbox);
    for (let i = 0; i < runs; i++) {
      progress(`handler edit ${i + 1}`);
      const started = performance.now();
      // esbuild's memory while it rebundles (the first edit after a start rebundled everything).
      const sampler = setInterval(() => {
        const esbuild = processTree(sandbox.pid).filter((info) => info.name === 'esbuild');
        esbuildPeak = Math.max(esbuildPeak, ...esbuild.map((info) => info.rssBytes));
      }, 100);
      appendFileSync(file, `\n// bench ${Date.now()}\n`);
      await sandbox.waitFor(/live in \d+ ms/, 120_000).finally(() => clearInterval(sampler));
      edits.push(performance.now() - started);
      await sleep(300);
    }
  } finally {
    writeFileSync(file, original);
    await sandbox.stop();
  }
  rows.push({
    measure: 'first handler edit after start → live',
    result: withLoad(`${seconds(edits[0]!)}, esbuild peak ${megabytes(esbuildPeak)} RSS`),
    target: '≤ 1 s, esbuild ≤ 1 GB',
  });
  if (edits.length > 1) {
    rows.push({
      measure: 'later handler edits → live',
      result: withLoad(spread(edits.slice(1))),
      target: '≤ 1 s',
    });
  }
}

if (only.has('chat')) await chat();

console.log(`\n${markdownTable(rows)}`);
process.exit(0);

async function chat(): Promise<void> {
  progress('chat: starting the sandbox');
  const sandbox = await startBenchSandbox(sandboxNodeArgs);
  await ready(sandbox);
  // Idle: let start-up's last work (stream pollers' first reads, the first schedules) settle.
  await sleep(10_000);
  rows.push({
    measure: 'sandbox memory, idle after start',
    result: withLoad(await memory(sandbox)),
    target: '≤ 1 GB all processes together',
  });

  const load = new ChatLoad({ ...sandboxEndpoints(sandbox), outputsPath: sandbox.outputsPath });
  let shutDown = false;
  try {
    const most = Math.max(...userCounts);
    progress(`chat: signing in ${most} users, pairing them`);
    await load.prepare(most);
    progress(`chat: ${pacedMessages} paced messages`);
    rows.push(await pacedLatency(load));
    for (const count of userCounts) rows.push(...(await throughput(sandbox, load, count)));
    progress('chat: Ctrl-C with a backlog in the queues');
    rows.push(await shutdown(sandbox, load, load.users.slice(0, userCounts.at(-1))));
    shutDown = true;
  } finally {
    load.close();
    if (!shutDown) await sandbox.stop();
  }
}

/** The first pair's buyer sends, paced; the broker's subscription hears. */
async function pacedLatency(load: ChatLoad): Promise<Row> {
  const paced: Send[] = [];
  await load.sendPaced(load.users[0]!, { paceMs: SAFE_PACE_MS, count: pacedMessages }, paced);
  await load.drain(paced, 30_000);
  const heardMs = load.deliveryMs(paced);
  const at = (p: number) => ms(percentile(heardMs, p));
  return {
    measure: `message → other member's subscription, ${pacedMessages} paced messages`,
    result: withLoad(
      `p50 ${at(50)}, p95 ${at(95)}, p99 ${at(99)}${outcome(paced, load.unheard(paced).length)}`,
    ),
    target: 'p50 ≤ 50 ms, p99 ≤ 250 ms',
  };
}

/** `count` users all sending as fast as the limit allows for `--duration`; then the counts and pushes. */
async function throughput(sandbox: BenchSandbox, load: ChatLoad, count: number): Promise<Row[]> {
  const users = load.users.slice(0, count);
  progress(`chat: ${count} users sending for ${durationMs / 1000} s`);
  // A new window for the send limit: nobody's earlier sends still count.
  await sleep(LIMIT_WINDOW_MS);
  const sends: Send[] = [];
  const cpuBefore = cpuNow(sandbox);
  const countsBefore = await invocationCounts(sandbox);
  const until = Date.now() + durationMs;
  await Promise.all(users.map((user) => load.sendPaced(user, { paceMs: SAFE_PACE_MS, until }, sends)));
  const memoryAtEnd = await memory(sandbox);
  await load.drain(sends, 60_000);

  const sent = sends.filter((send) => send.messageId);
  const lost = load.unheard(sent).length;
  const elapsedS = (load.lastHeardAt(sent) - Math.min(...sends.map((send) => send.startedAt))) / 1000;
  const deliveredPerSecond = sent.length > lost ? (sent.length - lost) / elapsedS : 0;
  const heardMs = load.deliveryMs(sent);
  const roundTripMs = sent.map((send) => send.roundTripMs);
  const speed =
    `${deliveredPerSecond.toFixed(1)} msg/s delivered (${(sent.length / (durationMs / 1000)).toFixed(1)} msg/s sent), ` +
    `send round trip p50 ${ms(percentile(roundTripMs, 50))}, ` +
    `delivery p50 ${ms(percentile(heardMs, 50))}, p99 ${ms(percentile(heardMs, 99))}${outcome(sends, lost)}`;
  const speedLoad = `(${loadAverage()})`;

  progress(`chat: ${count} users: checking unread counts and pushes`);
  const exact = await load.exactness(users, sends, 120_000);
  const pushes = load.pushLogOverflowed
    ? 'not countable (the push log ran over)'
    : exact.pushesWrong === 0
      ? 'exact'
      : `${exact.pushesWrong} (message, phone) pairs wrong`;
  // Everything a message causes is done once counts and pushes are exact: its whole CPU cost.
  const cpu =
    `${cpuPerMessage(cpuBefore, cpuNow(sandbox), sent.length)}; ` +
    coldStartsBetween(countsBefore, await invocationCounts(sandbox));
  const exactness =
    `; unread counts ${exact.unreadWrong === 0 ? 'exact' : `${exact.unreadWrong} of ${users.length} wrong`}, ` +
    `pushes ${pushes} (checked ${seconds(exact.settledMs)} after the last delivery)` +
    (exact.missingMessages ? `; ${exact.missingMessages} sent messages not stored` : '');
  return [
    {
      measure: `${count} senders for ${durationMs / 1000} s, each within the ${LIMIT_TEXT} limit (ceiling ${count * LIMIT_PER_SECOND} msg/s)`,
      result: `${speed} ${speedLoad}${exactness}`,
      target:
        count === 50
          ? '≥ 80 msg/s sustained for 60 s, 0 lost, every unread count and push exact'
          : count === 16
            ? '≥ 28 msg/s, round trip p50 ≤ 300 ms, 0 lost'
            : '0 lost, every unread count and push exact',
    },
    {
      measure: `CPU per message, ${count}-user run (send → stored, counted, pushed, relayed)`,
      result: withLoad(cpu),
      target: `≤ ${Math.floor((2 * 1000) / (count === 50 ? 80 : 28))} ms on 2 cores for the msg/s target`,
    },
    {
      measure: `sandbox memory, end of the ${count}-user run`,
      result: withLoad(memoryAtEnd),
      target: '≤ 1 GB all processes together',
    },
  ];
}

/** `, lost n` and the refused sends, when there are any. */
function outcome(sends: readonly Send[], lost: number): string {
  const refused = sends.filter((send) => send.error);
  const limited = refused.filter((send) => /RATE_LIMITED/.test(send.error!)).length;
  const other = refused.length - limited;
  return (
    `, lost ${lost} of ${sends.length - refused.length}` +
    (limited ? `, ${limited} rate-limited` : '') +
    (other
      ? `, ${other} failed (first: ${refused.find((send) => !/RATE_LIMITED/.test(send.error!))!.error})`
      : '')
  );
}

/**
 * Every user of the last run sends a burst at once; as soon as the sandbox's queues hold a
 * backlog, SIGINT goes to the sandbox's process group, as a terminal's Ctrl-C does. Timed until
 * every process of the tree is gone.
 */
async function shutdown(sandbox: BenchSandbox, load: ChatLoad, users: ChatLoad['users']): Promise<Row> {
  await sleep(LIMIT_WINDOW_MS);
  const burst: Send[] = [];
  const sending = Promise.all(users.map((user) => load.sendPaced(user, { paceMs: 0, count: 10 }, burst)));
  sending.catch(() => undefined);
  const { inboxUrl } = sandboxEndpoints(sandbox);
  let backlog = 0;
  const until = Date.now() + 20_000;
  while (backlog === 0 && Date.now() < until) {
    const queues = (await (await fetch(`${inboxUrl}/api/queues`)).json()) as {
      visible: number;
      inFlight: number;
      delayed: number;
    }[];
    backlog = queues.reduce((sum, queue) => sum + queue.visible + queue.inFlight + queue.delayed, 0);
    if (backlog === 0) await sleep(100);
  }
  load.stopCollectingPushes();
  const tree = processTree(sandbox.pid).map((info) => info.pid);
  const outputBefore = sandbox.output().length;
  const startedAt = performance.now();
  process.kill(-sandbox.pid, 'SIGINT');
  let aliveAt5s: string[] | undefined;
  let gone = false;
  while (performance.now() - startedAt < 30_000) {
    const alive = stillRunning(tree, sandbox.pid);
    if (aliveAt5s === undefined && performance.now() - startedAt >= 5000) {
      aliveAt5s = alive.map((info) => info.name);
    }
    if (alive.length === 0) {
      gone = true;
      break;
    }
    await sleep(50);
  }
  const elapsed = performance.now() - startedAt;
  const left = stillRunning(tree, sandbox.pid);
  // Whatever outlived 30 s is killed: the benchmark leaves nothing of its sandbox behind.
  if (left.length > 0) process.kill(-sandbox.pid, 'SIGKILL');
  // What the sandbox printed last may still be in the pipe.
  await Promise.race([sandbox.closed, sleep(2000)]);
  const noise = sandbox
    .output()
    .slice(outputBefore)
    .split('\n')
    .filter((line) => /Error: connect ECONNREFUSED/.test(line)).length;
  return {
    measure: 'Ctrl-C with a backlog in the queues',
    result: withLoad(
      (gone
        ? `all ${tree.length} processes gone in ${seconds(elapsed)}`
        : `${left.length} of ${tree.length} processes still alive after 30 s (${left.map((info) => info.name).join(', ')})`) +
        (aliveAt5s?.length ? `, ${aliveAt5s.length} alive at 5 s (${aliveAt5s.join(', ')})` : '') +
        ` (backlog ${backlog} queued)` +
        `; ${noise} ECONNREFUSED errors printed${noise ? ` (${SANDBOX_LOG})` : ''}`,
    ),
    target: 'everything gone within 5 s, no ECONNREFUSED noise',
  };
}
