import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  type FunctionInvoker,
  type FunctionSpec,
  type InvokeResult,
  LOCAL_ACCOUNT,
  LOCAL_REGION,
} from '../../contracts';

/**
 * Runs each function from its synthesized bundle in worker threads, one invocation per
 * worker at a time like a Lambda execution environment: its own environment, a memory
 * ceiling (the function's memory size) and a timeout after which the worker is killed.
 */

export interface InvocationRecord {
  id: number;
  functionName: string;
  startedAt: string;
  durationMs: number;
  coldStart: boolean;
  ok: boolean;
  errorType?: string;
  errorMessage?: string;
}

export interface FunctionRunnerOptions {
  /** Environment added to every function (local endpoints, credentials, region). */
  baseEnvironment: Record<string, string>;
  /** Most environments a function may have at once (Lambda's concurrency). */
  maxConcurrencyPerFunction?: number;
  /**
   * Most environments alive at once over every function (default 14): the sandbox's memory
   * budget, ~50 MB each idle and ~65 MB busy (README's benchmarks). At the budget, a function that needs another environment ends the
   * environment idle longest (of any function) first, or waits for one to become free. A
   * function's first environment always starts, so calls that wait on other functions (a
   * resolver calling AppSync, which invokes another function) can never wait on each other.
   */
  maxEnvironments?: number;
  /**
   * Idle this long, an environment beyond a function's first is ended (default 10 s): a burst
   * (four sign-ins at once) leaves four environments of each trigger, ~55 MB each.
   */
  extraEnvironmentIdleMs?: number;
  /** Idle this long, a function's last environment is ended too (default 5 min), as Lambda reaps. */
  lastEnvironmentIdleMs?: number;
  /** The clock the idle times are measured by. */
  now?: () => number;
  onInvocation?: (record: InvocationRecord) => void;
  /** Where a function's console output goes; defaults to stdout, prefixed with its name. */
  onLog?: (functionName: string, line: string) => void;
}

interface Environment {
  worker: Worker;
  ready: Promise<void>;
  busy: boolean;
  used: boolean;
  /** When its last invocation ended (or it started). */
  idleSince: number;
}

/** A call that arrives while the sandbox stops starts no new environment. */
const stopping = (): InvokeResult => ({
  ok: false,
  error: { errorType: 'ServiceException', errorMessage: 'The local sandbox is stopping' },
  durationMs: 0,
});

const workerFile = join(import.meta.dirname, 'worker.mjs');

/**
 * The sandbox's diagnostic Node options (profiles, source maps, warnings) for a worker, without its
 * TypeScript loader. Bundles are plain ESM, and a worker that inherited `--import tsx` started
 * tsx's module hooks in a thread of its own: one more V8 isolate per environment (profiled: 43 of
 * 84 threads in a 16-user run were loader threads) and every import of the bundle routed through
 * it. Workers refuse V8 and process options (`--optimize-for-size`, `--title`), and V8 options
 * apply to every thread of the process anyway.
 */
const WORKER_OPTIONS =
  /^--(cpu-prof|heap-prof|heapsnapshot-signal|enable-source-maps|no-warnings|trace-warnings|trace-uncaught)/;

export function workerExecArgv(execArgv: readonly string[] = process.execArgv): string[] {
  const kept: string[] = [];
  for (let index = 0; index < execArgv.length; index++) {
    const arg = execArgv[index]!;
    if (!WORKER_OPTIONS.test(arg)) continue;
    kept.push(arg);
    // `--cpu-prof-dir DIR`: its value as the next argument.
    const value = execArgv[index + 1];
    if (!arg.includes('=') && /-(dir|name|interval)$/.test(arg) && value !== undefined) {
      kept.push(value);
      index++;
    }
  }
  return kept;
}

const YOUNG_GENERATION_MB = 8;

/** Lambda gives a cold start's init this long before it counts against the invocation. */
const INIT_PHASE_MS = 10_000;

export class FunctionRunner implements FunctionInvoker {
  private specs = new Map<string, FunctionSpec>();
  private pools = new Map<string, Environment[]>();
  /** Calls waiting for an environment, oldest first. */
  private waiting: { functionName: string; wake: () => void }[] = [];
  private nextInvocation = 1;
  private readonly counts = new Map<string, { invocations: number; coldStarts: number }>();
  private nextMessage = 1;
  private stopped = false;
  private reaper?: NodeJS.Timeout;

  constructor(private readonly options: FunctionRunnerOptions) {}

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /**
   * Ends the environments idle for longer than their limit, as Lambda reaps idle environments;
   * returns how many. Runs every few seconds once an environment exists.
   */
  async reapIdle(): Promise<number> {
    const extraMs = this.options.extraEnvironmentIdleMs ?? 10_000;
    const lastMs = this.options.lastEnvironmentIdleMs ?? 300_000;
    const now = this.now();
    const ended: Promise<void>[] = [];
    for (const [functionName, pool] of this.pools) {
      // Longest idle first: the environment used most recently is the one kept warm.
      const idle = pool.filter((environment) => !environment.busy).sort((a, b) => a.idleSince - b.idleSince);
      let remaining = pool.length;
      for (const environment of idle) {
        const limit = remaining > 1 ? extraMs : lastMs;
        if (now - environment.idleSince < limit) continue;
        remaining--;
        ended.push(this.discard(functionName, environment));
      }
    }
    await Promise.all(ended);
    return ended.length;
  }

  /** Installs or replaces function code; a replaced function starts cold on its next call. */
  async load(specs: FunctionSpec[]): Promise<string[]> {
    const changed: string[] = [];
    for (const spec of specs) {
      const previous = this.specs.get(spec.name);
      if (previous && JSON.stringify(previous) === JSON.stringify(spec)) continue;
      this.specs.set(spec.name, spec);
      await this.retire(spec.name);
      changed.push(spec.name);
    }
    return changed;
  }

  has(functionName: string): boolean {
    return this.specs.has(functionName);
  }

  names(): string[] {
    return [...this.specs.keys()].sort();
  }

  /** Execution environments (worker threads) alive now, per function that has any. */
  environments(): Record<string, number> {
    return Object.fromEntries(
      [...this.pools].filter(([, pool]) => pool.length > 0).map(([name, pool]) => [name, pool.length]),
    );
  }

  /**
   * Invocations per function since the sandbox started, and how many of them started cold (a new
   * environment: a bundle loaded, its module graph evaluated); the capture log keeps only the newest.
   */
  invocationCounts(): Record<string, { invocations: number; coldStarts: number }> {
    return Object.fromEntries([...this.counts].map(([name, count]) => [name, { ...count }]));
  }

  /** Execution environments (worker threads) alive now, over every function. */
  environmentCount(): number {
    return [...this.pools.values()].reduce((sum, pool) => sum + pool.length, 0);
  }

  async invoke(functionName: string, event: unknown): Promise<InvokeResult> {
    const spec = this.specs.get(functionName);
    if (this.stopped) return stopping();
    if (!spec) {
      return {
        ok: false,
        error: {
          errorType: 'ResourceNotFoundException',
          errorMessage: `Function not found: ${functionName}`,
        },
        durationMs: 0,
      };
    }
    const environment = await this.acquire(spec);
    if (!environment) return stopping();
    const coldStart = !environment.used;
    environment.used = true;
    let result: InvokeResult;
    let started = Date.now();
    try {
      const init = await this.initialize(spec, environment);
      started = Date.now();
      // An init that outran its own phase was, on Lambda, re-run inside the invocation.
      result = await this.run(spec, environment, event, started - init.chargedToInvokeMs);
    } catch (error) {
      result = { ok: false, error: error as InvokeResult['error'], durationMs: Date.now() - started };
      await this.discard(spec.name, environment);
    }
    this.release(spec.name, environment);
    const count = this.counts.get(functionName) ?? { invocations: 0, coldStarts: 0 };
    count.invocations++;
    if (coldStart) count.coldStarts++;
    this.counts.set(functionName, count);
    this.options.onInvocation?.({
      id: this.nextInvocation++,
      functionName,
      startedAt: new Date(started).toISOString(),
      durationMs: result.durationMs,
      coldStart,
      ok: result.ok,
      ...(result.error ? { errorType: result.error.errorType, errorMessage: result.error.errorMessage } : {}),
    });
    return result;
  }

  /** Ends every environment; calls waiting for one, and later calls, are answered with an error. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.reaper);
    for (const { wake } of this.waiting.splice(0)) wake();
    await Promise.all([...this.pools.keys()].map((name) => this.retire(name)));
  }

  private run(
    spec: FunctionSpec,
    environment: Environment,
    event: unknown,
    started: number,
  ): Promise<InvokeResult> {
    const deadline = started + spec.timeoutSeconds * 1000;
    const id = this.nextMessage++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        cleanup();
        // Lambda stops the environment at the timeout; the next call starts cold.
        void this.discard(spec.name, environment);
        resolve({
          ok: false,
          error: {
            errorType: 'TimeoutError',
            errorMessage: `Task timed out after ${spec.timeoutSeconds.toFixed(2)} seconds`,
          },
          durationMs: Date.now() - started,
        });
      }, deadline - Date.now());
      const onMessage = (message: {
        type: string;
        id?: number;
        ok?: boolean;
        result?: unknown;
        error?: InvokeResult['error'];
      }) => {
        if (message.type !== 'result' || message.id !== id) return;
        cleanup();
        resolve({
          ok: message.ok === true,
          ...(message.ok ? { result: message.result } : { error: message.error }),
          durationMs: Date.now() - started,
        });
      };
      const onExit = (code: number) => {
        cleanup();
        void this.discard(spec.name, environment);
        resolve({
          ok: false,
          error: {
            errorType: 'Runtime.ExitError',
            errorMessage: `RequestId: ${id} Error: Runtime exited with error: exit status ${code} (memory ${spec.memoryMB} MB)`,
          },
          durationMs: Date.now() - started,
        });
      };
      const cleanup = () => {
        clearTimeout(timer);
        environment.worker.off('message', onMessage);
        environment.worker.off('exit', onExit);
      };
      environment.worker.on('message', onMessage);
      environment.worker.on('exit', onExit);
      environment.worker.postMessage({ id, event, deadline });
    });
  }

  /**
   * Lambda's init phase: loading the bundle has its own 10 s, outside the handler's timeout, so a
   * cold start on a busy machine does not fail the request. An init still running after 10 s goes
   * on inside the invocation (Lambda re-runs it there), charged to the function's timeout.
   */
  private async initialize(
    spec: FunctionSpec,
    environment: Environment,
  ): Promise<{ chargedToInvokeMs: number }> {
    const began = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const limit = INIT_PHASE_MS + spec.timeoutSeconds * 1000;
    const timedOut = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () =>
          reject({
            errorType: 'TimeoutError',
            errorMessage: `Task timed out after ${spec.timeoutSeconds.toFixed(2)} seconds (during init)`,
          }),
        limit,
      );
    });
    try {
      await Promise.race([environment.ready, timedOut]);
    } finally {
      clearTimeout(timer);
    }
    return { chargedToInvokeMs: Math.max(0, Date.now() - began - INIT_PHASE_MS) };
  }

  private async acquire(spec: FunctionSpec): Promise<Environment | undefined> {
    const limit = this.options.maxConcurrencyPerFunction ?? 4;
    const budget = this.options.maxEnvironments ?? 14;
    for (;;) {
      if (this.stopped) return undefined;
      const pool = this.pools.get(spec.name) ?? [];
      this.pools.set(spec.name, pool);
      const idle = pool.find((environment) => !environment.busy);
      if (idle) {
        idle.busy = true;
        return idle;
      }
      if (pool.length < limit) {
        const room =
          this.environmentCount() < budget || this.endIdleElsewhere(spec.name) || pool.length === 0;
        if (room) {
          const environment = this.start(spec);
          environment.busy = true;
          pool.push(environment);
          return environment;
        }
      }
      await new Promise<void>((wake) => this.waiting.push({ functionName: spec.name, wake }));
    }
  }

  /** Ends the environment of another function idle longest, to make room; false if none is idle. */
  private endIdleElsewhere(functionName: string): boolean {
    let oldest: { name: string; environment: Environment } | undefined;
    for (const [name, pool] of this.pools) {
      if (name === functionName) continue;
      for (const environment of pool) {
        if (environment.busy) continue;
        if (!oldest || environment.idleSince < oldest.environment.idleSince) oldest = { name, environment };
      }
    }
    if (!oldest) return false;
    void this.discard(oldest.name, oldest.environment);
    return true;
  }

  /**
   * An environment became free (or was ended): the oldest call waiting for this function takes it;
   * with none, the oldest call of any function may now make room.
   */
  private wakeOne(functionName: string): void {
    const index = this.waiting.findIndex((waiter) => waiter.functionName === functionName);
    const [waiter] = this.waiting.splice(Math.max(index, 0), 1);
    waiter?.wake();
  }

  private release(functionName: string, environment: Environment): void {
    environment.busy = false;
    environment.idleSince = this.now();
    this.wakeOne(functionName);
  }

  private start(spec: FunctionSpec): Environment {
    const worker = new Worker(workerFile, {
      workerData: {
        bundleFile: join(spec.bundleDir, `${spec.handler.split('.')[0]}.mjs`),
        handlerName: spec.handler.split('.').slice(1).join('.') || 'handler',
        functionName: spec.environment.AWS_LAMBDA_FUNCTION_NAME ?? spec.name,
        memoryMB: spec.memoryMB,
        region: LOCAL_REGION,
        account: LOCAL_ACCOUNT,
      },
      env: {
        ...this.options.baseEnvironment,
        ...spec.environment,
        AWS_REGION: LOCAL_REGION,
        AWS_DEFAULT_REGION: LOCAL_REGION,
        AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        LAMBDA_TASK_ROOT: spec.bundleDir,
        TZ: 'UTC',
      },
      // The old generation is the function's memory size. The young generation is kept small: V8's
      // default let each busy environment hold ~40 MB of nursery (measured: 42 MB a worker with
      // the default, 19 MB with 8 MB, for the same allocations), at the price of more scavenges.
      resourceLimits: {
        maxOldGenerationSizeMb: spec.memoryMB,
        maxYoungGenerationSizeMb: YOUNG_GENERATION_MB,
      },
      execArgv: workerExecArgv(),
      stdout: true,
      stderr: true,
    });
    const log = this.options.onLog ?? ((name, line) => process.stdout.write(`[${name}] ${line}\n`));
    for (const stream of [worker.stdout, worker.stderr]) {
      let buffered = '';
      stream.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) if (line.trim()) log(spec.name, line);
      });
    }
    const ready = new Promise<void>((resolve, reject) => {
      const onMessage = (message: { type: string; error?: InvokeResult['error'] }) => {
        if (message.type === 'ready') resolve();
        if (message.type === 'init-error') reject(message.error);
        if (message.type === 'ready' || message.type === 'init-error') worker.off('message', onMessage);
      };
      worker.on('message', onMessage);
      worker.once('error', (error) =>
        reject({
          errorType: 'Runtime.Error',
          errorMessage: error.message,
          stack: String(error.stack).split('\n'),
        }),
      );
    });
    ready.catch(() => undefined);
    this.reaper ??= setInterval(() => void this.reapIdle(), 2000).unref();
    return { worker, ready, busy: false, used: false, idleSince: this.now() };
  }

  private async discard(functionName: string, environment: Environment): Promise<void> {
    const pool = this.pools.get(functionName) ?? [];
    const index = pool.indexOf(environment);
    if (index >= 0) pool.splice(index, 1);
    // A call of another function may have waited for room under the budget.
    if (this.waiting.length > 0) this.waiting.shift()?.wake();
    await environment.worker.terminate();
  }

  private async retire(functionName: string): Promise<void> {
    const pool = this.pools.get(functionName) ?? [];
    this.pools.delete(functionName);
    await Promise.all(pool.map((environment) => environment.worker.terminate()));
  }
}
