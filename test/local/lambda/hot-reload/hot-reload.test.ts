import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FunctionSpec } from '../../../../local/contracts';
import { bundleFunction, bundleFunctions } from '../../../../local/lambda/bundling/amplify-bundling';
import { functionInputs, HotReloader } from '../../../../local/lambda/hot-reload/hot-reload';
import { FunctionRunner } from '../../../../local/lambda/runner/function-runner';

const root = mkdtempSync(join(tmpdir(), 'bootalk-hot-'));
const handlerFile = join(root, 'amplify/functions/greeter/handler.ts');
const greetingFile = join(root, 'amplify/functions/greeter/greeting.ts');
mkdirSync(join(root, 'amplify/functions/greeter'), { recursive: true });
writeFileSync(greetingFile, "export const greeting = (): string => '안녕';\n");
writeFileSync(
  handlerFile,
  "import { greeting } from './greeting';\nexport const handler = async () => ({ message: greeting() });\n",
);

const runner = new FunctionRunner({ baseEnvironment: {}, onLog: () => undefined });
afterAll(() => runner.stop());

describe('hot reload', () => {
  it('rebundles a function when a file it imports changes and runs the new code on the next call', async () => {
    const said: string[] = [];
    let specs: FunctionSpec[] = [];
    const resynthesized: string[][] = [];
    const reloader = new HotReloader({
      root,
      functions: () => specs,
      replaceFunctions: async (next) => {
        specs = next;
        await runner.load(next);
      },
      resynthesize: async (changed) => {
        // As the sandbox's synth does: every function bundled in one pass, then esbuild's service
        // stopped (which ends the contexts the reloader kept).
        await bundleFunctions(root, ['greeter'], join(root, `synth-${resynthesized.length}`));
        resynthesized.push(changed);
      },
      say: (_step, detail) => said.push(detail),
      debounceMs: 50,
    });
    // Start from a first bundle, as the synth would give.
    specs = [
      {
        name: 'greeter',
        bundleDir: join(root, 'initial'),
        handler: 'index.handler',
        timeoutSeconds: 5,
        memoryMB: 128,
        environment: {},
      },
    ];
    await bundleFunction(root, handlerFile, join(root, 'initial'));
    await runner.load(specs);
    expect((await runner.invoke('greeter', {})).result).toEqual({ message: '안녕' });

    /** The greeter, called once every change seen so far is live, answers with `message`. */
    const expectLive = (message: string) =>
      expect
        .poll(
          async () => {
            await reloader.idle();
            return (await runner.invoke('greeter', {})).result;
          },
          { timeout: 15_000 },
        )
        .toEqual({ message });

    reloader.start();
    try {
      writeFileSync(greetingFile, "export const greeting = (): string => '반가워요';\n");
      await expectLive('반가워요');
      expect(said.some((line) => /greeter live in \d+ ms/.test(line))).toBe(true);

      // A later edit of the same function is built from the graph esbuild kept.
      writeFileSync(greetingFile, "export const greeting = (): string => '또 만나요';\n");
      await expectLive('또 만나요');

      // A resource change is not a code change: it asks for a new synth.
      writeFileSync(join(root, 'amplify/functions/greeter/resource.ts'), 'export const x = 1;\n');
      await expect.poll(() => resynthesized.length, { timeout: 10_000 }).toBeGreaterThan(0);
      expect(resynthesized.flat()).toContain('amplify/functions/greeter/resource.ts');

      // So is its wiring (environment, grants, event sources), which no handler bundle contains.
      const synthsBefore = resynthesized.length;
      writeFileSync(join(root, 'amplify/functions/greeter/wiring.ts'), 'export const y = 1;\n');
      await expect.poll(() => resynthesized.length, { timeout: 10_000 }).toBeGreaterThan(synthsBefore);
      expect(resynthesized.flat()).toContain('amplify/functions/greeter/wiring.ts');

      // After a new synth (esbuild's service stopped and started again), edits still go live.
      await reloader.idle();
      writeFileSync(greetingFile, "export const greeting = (): string => '다시 만나요';\n");
      await expectLive('다시 만나요');
      expect(said.filter((line) => line.startsWith('✗'))).toEqual([]);
    } finally {
      reloader.stop();
    }
  });

  it('rebundles, on the first edit after a start, only the functions whose inputs include the changed file', async () => {
    const project = mkdtempSync(join(tmpdir(), 'bootalk-hot-first-'));
    const write = (file: string, code: string) => {
      mkdirSync(join(project, file, '..'), { recursive: true });
      writeFileSync(join(project, file), code);
    };
    write('amplify/functions/shared/chat/greeting.ts', "export const greeting = (): string => '안녕';\n");
    for (const name of ['buyer-greeter', 'broker-greeter']) {
      write(
        `amplify/functions/${name}/handler.ts`,
        "import { greeting } from '../shared/chat/greeting';\nexport const handler = async () => greeting();\n",
      );
    }
    write('amplify/functions/push-counter/handler.ts', 'export const handler = async () => 1;\n');
    const specs: FunctionSpec[] = ['buyer-greeter', 'broker-greeter', 'push-counter'].map((name) => ({
      name,
      bundleDir: join(project, 'synth', name),
      handler: 'index.handler',
      timeoutSeconds: 5,
      memoryMB: 128,
      environment: {},
    }));
    const replaced: string[][] = [];
    const reloader = new HotReloader({
      root: project,
      functions: () => specs,
      replaceFunctions: async (next) => {
        replaced.push(next.map((spec) => spec.name).sort());
      },
      resynthesize: async () => undefined,
      say: () => undefined,
      debounceMs: 50,
    });
    reloader.start();
    try {
      write(
        'amplify/functions/shared/chat/greeting.ts',
        "export const greeting = (): string => '반가워요';\n",
      );
      await expect
        .poll(
          async () => {
            await reloader.idle();
            return replaced;
          },
          { timeout: 15_000 },
        )
        .toEqual([['broker-greeter', 'buyer-greeter']]);
      expect(
        readdirSync(join(project, '.amplify/sandbox/hot')).filter((dir) => dir.startsWith('push-counter')),
      ).toEqual([]);
    } finally {
      reloader.stop();
    }
  });

  it('knows which project files each function is made of without bundling its packages', async () => {
    const project = mkdtempSync(join(tmpdir(), 'bootalk-hot-inputs-'));
    mkdirSync(join(project, 'amplify/functions/reader'), { recursive: true });
    writeFileSync(join(project, 'amplify/functions/reader/plan.ts'), 'export const plan = 1;\n');
    writeFileSync(
      join(project, 'amplify/functions/reader/handler.ts'),
      "import { z } from 'zod';\nimport { plan } from './plan';\nexport const handler = async () => z.literal(plan).parse(1);\n",
    );
    const inputs = await functionInputs(project, ['reader']);
    expect([...(inputs.get('reader') ?? [])].sort()).toEqual([
      join(project, 'amplify/functions/reader/handler.ts'),
      join(project, 'amplify/functions/reader/plan.ts'),
    ]);
  });
});
