import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';

/** One `npm start` the benchmark started, in its own process group (as a terminal runs it). */
export interface BenchSandbox {
  child: ChildProcess;
  pid: number;
  outputsPath: string;
  output: () => string;
  waitFor: (pattern: RegExp, timeoutMs: number) => Promise<void>;
  /** Resolved when the sandbox's output has ended (after its last process closed it). */
  closed: Promise<void>;
  /** SIGTERM to the sandbox's Node process, resolved when it exited. */
  stop: () => Promise<void>;
}

const root = resolve(import.meta.dirname, '..');
/** The whole output of the sandbox started last (function logs are off: `--quiet`). */
export const SANDBOX_LOG = '.amplify/bench-sandbox.log';
const started = new Set<BenchSandbox>();

// A bench interrupted by Ctrl-C: the sandboxes run in their own process groups, so the terminal's
// SIGINT does not reach them; pass it on.
process.once('SIGINT', () => {
  for (const sandbox of started) if (sandbox.child.exitCode === null) process.kill(-sandbox.pid, 'SIGINT');
  process.exit(130);
});

function portFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
  });
}

/** Seven free ports in a row, where the sandbox puts its servers. */
async function freeBase(): Promise<number> {
  for (;;) {
    const base = 30_000 + Math.floor(Math.random() * 10_000);
    const free = await Promise.all(Array.from({ length: 7 }, (_, i) => portFree(base + i)));
    if (free.every(Boolean)) return base;
  }
}

/** `nodeArgs` go to the sandbox's Node before its script (e.g. `--cpu-prof`, for `--profile`). */
export async function startBenchSandbox(nodeArgs: readonly string[] = []): Promise<BenchSandbox> {
  const base = await freeBase();
  const outputsPath = join(root, '.amplify/bench-outputs.json');
  const child = spawn(
    process.execPath,
    [...nodeArgs, 'local/launch.mjs', '--port', String(base), '--outputs', outputsPath, '--quiet'],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so a Ctrl-C can be sent to it alone (the shutdown measure).
      detached: true,
      // As `npm start` runs it (package.json): trusting the local CA from the start.
      env: { ...process.env, NODE_EXTRA_CA_CERTS: '.amplify/sandbox/tls/ca.crt' },
    },
  );
  let output = '';
  const listeners = new Set<() => void>();
  // A fresh clone has no .amplify/ until the sandbox's first synth.
  mkdirSync(dirname(join(root, SANDBOX_LOG)), { recursive: true });
  writeFileSync(join(root, SANDBOX_LOG), '');
  const onData = (chunk: Buffer) => {
    output += chunk;
    appendFileSync(join(root, SANDBOX_LOG), chunk);
    for (const listener of listeners) listener();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const sandbox: BenchSandbox = {
    child,
    pid: child.pid!,
    outputsPath,
    output: () => output,
    closed: new Promise((done) => child.once('close', () => done())),
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
        const timer = setTimeout(() => {
          listeners.delete(check);
          fail(new Error(`timed out waiting for ${pattern}:\n${output}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      }),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((done) => child.once('exit', done));
        child.kill('SIGTERM');
        await exited;
      }
      started.delete(sandbox);
    },
  };
  started.add(sandbox);
  child.once('exit', () => started.delete(sandbox));
  return sandbox;
}

/** The endpoints the sandbox wrote into its amplify_outputs.json. */
export function sandboxEndpoints(sandbox: BenchSandbox): { inboxUrl: string; caCertPath: string } {
  const outputs = JSON.parse(readFileSync(sandbox.outputsPath, 'utf8'));
  return {
    inboxUrl: outputs.custom.localSandbox.inboxUrl,
    caCertPath: outputs.custom.localSandbox.caCertPath,
  };
}
