import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FunctionSpec } from '../../../../local/contracts';
import {
  FunctionRunner,
  type InvocationRecord,
  workerExecArgv,
} from '../../../../local/lambda/runner/function-runner';

function bundle(name: string, code: string, overrides: Partial<FunctionSpec> = {}): FunctionSpec {
  const dir = mkdtempSync(join(tmpdir(), `fn-${name}-`));
  writeFileSync(join(dir, 'index.mjs'), code);
  return {
    name,
    bundleDir: dir,
    handler: 'index.handler',
    timeoutSeconds: 2,
    memoryMB: 128,
    environment: { AWS_LAMBDA_FUNCTION_NAME: `physical-${name}` },
    ...overrides,
  };
}

const invocations: InvocationRecord[] = [];
const runner = new FunctionRunner({
  baseEnvironment: { SHARED: 'base' },
  onInvocation: (record) => invocations.push(record),
  onLog: () => undefined,
});
afterAll(() => runner.stop());

describe('the local function runner', () => {
  it('returns what the handler returns, as JSON, with a Lambda context', async () => {
    await runner.load([
      bundle(
        'echo',
        `export const handler = async (event, context) => ({ event, name: context.functionName,
          remaining: context.getRemainingTimeInMillis(), when: new Date(0) });`,
      ),
    ]);
    const result = await runner.invoke('echo', { hello: '부톡' });
    expect(result.ok).toBe(true);
    expect(result.result).toMatchObject({
      event: { hello: '부톡' },
      name: 'physical-echo',
      when: '1970-01-01T00:00:00.000Z',
    });
    expect((result.result as { remaining: number }).remaining).toBeGreaterThan(1000);
  });

  it('gives each function its own environment', async () => {
    await runner.load([
      bundle('env-a', 'export const handler = async () => [process.env.ONLY, process.env.SHARED];', {
        environment: { ONLY: 'a' },
      }),
      bundle('env-b', 'export const handler = async () => [process.env.ONLY, process.env.SHARED];', {
        environment: { ONLY: 'b' },
      }),
    ]);
    expect((await runner.invoke('env-a', {})).result).toEqual(['a', 'base']);
    expect((await runner.invoke('env-b', {})).result).toEqual(['b', 'base']);
  });

  it("starts environments without the sandbox's TypeScript loader, keeping its diagnostic options", async () => {
    expect(
      workerExecArgv([
        '--require',
        '/repo/node_modules/tsx/dist/preflight.cjs',
        '--import',
        'file:///repo/node_modules/tsx/dist/loader.mjs',
        '--cpu-prof',
        '--cpu-prof-dir',
        '/tmp/profiles',
        '--import=tsx',
        '--optimize-for-size',
        '--max-old-space-size=512',
      ]),
    ).toEqual(['--cpu-prof', '--cpu-prof-dir', '/tmp/profiles']);
    expect(workerExecArgv(['--import', 'tsx', '--enable-source-maps'])).toEqual(['--enable-source-maps']);
    await runner.load([bundle('argv', 'export const handler = async () => process.execArgv;')]);
    const result = await runner.invoke('argv', {});
    expect(result.result).toEqual(workerExecArgv(process.execArgv));
    expect(JSON.stringify(result.result)).not.toContain('tsx');
  });

  it('reports a thrown error in Lambda shape', async () => {
    await runner.load([
      bundle(
        'fails',
        `export const handler = async () => { const e = new Error('bad input'); e.name = 'ValidationError'; throw e; };`,
      ),
    ]);
    const result = await runner.invoke('fails', {});
    expect(result).toMatchObject({
      ok: false,
      error: { errorType: 'ValidationError', errorMessage: 'bad input' },
    });
  });

  it('stops a function at its timeout and starts it cold next time', async () => {
    await runner.load([
      bundle('slow', 'export const handler = async (e) => e.wait ? new Promise(() => {}) : "done";', {
        timeoutSeconds: 1,
      }),
    ]);
    const timedOut = await runner.invoke('slow', { wait: true });
    expect(timedOut).toMatchObject({ ok: false, error: { errorType: 'TimeoutError' } });
    expect(timedOut.error?.errorMessage).toContain('1.00 seconds');
    const after = invocations.length;
    expect((await runner.invoke('slow', {})).result).toBe('done');
    expect(invocations[after]?.coldStart).toBe(true);
  });

  it('gives a slow cold start its own init phase instead of the handler timeout', async () => {
    await runner.load([
      bundle(
        'slow-init',
        `await new Promise((resolve) => setTimeout(resolve, 1500));
         export const handler = async (event, context) => context.getRemainingTimeInMillis();`,
        { timeoutSeconds: 1 },
      ),
    ]);
    const result = await runner.invoke('slow-init', {});
    expect(result.ok).toBe(true);
    // The whole second is left for the handler: init was not charged to it.
    expect(result.result as number).toBeGreaterThan(500);
  });

  it('ends an environment that exceeds its memory size', async () => {
    await runner.load([
      bundle(
        'hungry',
        'export const handler = async () => { const keep = []; for (;;) keep.push(new Array(1e6).fill(Math.random())); };',
        { memoryMB: 64, timeoutSeconds: 20 },
      ),
    ]);
    const result = await runner.invoke('hungry', {});
    expect(result.ok).toBe(false);
    expect(result.error?.errorType).toMatch(/Runtime\.(ExitError|Error)|ERR_WORKER_OUT_OF_MEMORY/);
  }, 30_000);

  it('reports a bundle that fails to load as an import error', async () => {
    await runner.load([
      bundle('broken', "import 'bootalk-no-such-module';\nexport const handler = () => 1;"),
    ]);
    const result = await runner.invoke('broken', {});
    expect(result).toMatchObject({ ok: false, error: { errorType: 'Runtime.ImportModuleError' } });
  });

  it('records cold and warm invocations', async () => {
    await runner.load([bundle('counter', 'let n = 0; export const handler = async () => ++n;')]);
    const before = invocations.length;
    expect((await runner.invoke('counter', {})).result).toBe(1);
    expect((await runner.invoke('counter', {})).result).toBe(2);
    expect(invocations.slice(before).map((record) => record.coldStart)).toEqual([true, false]);
    // Counted since start, beyond what the capture log keeps.
    expect(runner.invocationCounts().counter).toEqual({ invocations: 2, coldStarts: 1 });
  });

  it('answers an unknown function like Lambda', async () => {
    expect(await runner.invoke('nope', {})).toMatchObject({
      ok: false,
      error: { errorType: 'ResourceNotFoundException' },
    });
  });

  it('answers calls made after it stopped without starting an environment', async () => {
    const own = new FunctionRunner({ baseEnvironment: {}, onLog: () => undefined });
    await own.load([bundle('late', 'export const handler = async () => "ran";')]);
    await own.stop();
    const result = await own.invoke('late', {});
    expect(result.ok).toBe(false);
    expect(result.error?.errorMessage).toMatch(/stopping/);
    expect(own.environmentCount()).toBe(0);
  });

  it("ends idle environments as Lambda reaps them: a burst's extras soon, the last one kept warm longer", async () => {
    let now = 0;
    const records: InvocationRecord[] = [];
    const own = new FunctionRunner({
      baseEnvironment: {},
      onLog: () => undefined,
      onInvocation: (record) => records.push(record),
      now: () => now,
      extraEnvironmentIdleMs: 10_000,
      lastEnvironmentIdleMs: 300_000,
    });
    try {
      await own.load([bundle('burst', 'export const handler = async () => "ok";')]);
      await Promise.all([own.invoke('burst', {}), own.invoke('burst', {}), own.invoke('burst', {})]);
      expect(own.environmentCount()).toBe(3);
      now = 9_000;
      expect(await own.reapIdle()).toBe(0);
      now = 11_000;
      expect(await own.reapIdle()).toBe(2);
      expect(own.environmentCount()).toBe(1);
      expect((await own.invoke('burst', {})).ok).toBe(true);
      expect(records.at(-1)?.coldStart).toBe(false);
      now = 300_000;
      expect(await own.reapIdle()).toBe(0);
      now = 312_000;
      expect(await own.reapIdle()).toBe(1);
      expect(own.environmentCount()).toBe(0);
      expect((await own.invoke('burst', {})).ok).toBe(true);
      expect(records.at(-1)?.coldStart).toBe(true);
    } finally {
      await own.stop();
    }
  });

  it('keeps the environments of all functions within the budget, ending idle ones of other functions first', async () => {
    const own = new FunctionRunner({ baseEnvironment: {}, onLog: () => undefined, maxEnvironments: 2 });
    const sleeper = 'export const handler = (e) => new Promise((r) => setTimeout(() => r(e.n), e.ms ?? 0));';
    let most = 0;
    const watch = setInterval(() => {
      most = Math.max(most, own.environmentCount());
    }, 5);
    try {
      await own.load([bundle('a', sleeper), bundle('b', sleeper)]);
      expect(
        await Promise.all([own.invoke('a', { n: 1, ms: 200 }), own.invoke('a', { n: 2, ms: 200 })]),
      ).toMatchObject([{ result: 1 }, { result: 2 }]);
      expect(own.environmentCount()).toBe(2);
      // b's two calls at once: each needs an environment, and a's idle ones make room.
      expect(
        await Promise.all([own.invoke('b', { n: 3, ms: 200 }), own.invoke('b', { n: 4, ms: 200 })]),
      ).toMatchObject([{ result: 3 }, { result: 4 }]);
      expect(own.environments()).toEqual({ b: 2 });
      // b busy in both: a's first environment starts anyway (a call may be waiting on a), and a
      // second call of a waits for it rather than going over the budget again.
      const busyB = [own.invoke('b', { n: 5, ms: 600 }), own.invoke('b', { n: 6, ms: 600 })];
      await new Promise((resolve) => setTimeout(resolve, 50));
      const calls = await Promise.all([
        own.invoke('a', { n: 7, ms: 100 }),
        own.invoke('a', { n: 8, ms: 100 }),
        ...busyB,
      ]);
      expect(calls.map((call) => call.result)).toEqual([7, 8, 5, 6]);
      expect(most).toBe(3);
    } finally {
      clearInterval(watch);
      await own.stop();
    }
  });
});
