import { existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { synthesize } from '../../local/assembly/synth-cache';
import { freePort } from '../../local/ports/free-port';
import { assertSandboxPortsFree } from '../../local/ports/ports';

describe('start-up errors', () => {
  it('names the port that is taken and what it was for', async () => {
    const base = await freePort();
    const blocker = createServer().listen(base + 3, '127.0.0.1');
    await new Promise((resolve) => blocker.once('listening', resolve));
    try {
      await expect(assertSandboxPortsFree(base)).rejects.toThrow(`Port ${base + 3} (aws) is already in use`);
    } finally {
      blocker.close();
    }
  });

  it("reports a failed synth with the synth's own message", async () => {
    const root = mkdtempSync(join(tmpdir(), 'bootalk-badsynth-'));
    symlinkSync(join(import.meta.dirname, '../../node_modules'), join(root, 'node_modules'));
    mkdirSync(join(root, 'scripts'));
    mkdirSync(join(root, 'amplify'));
    writeFileSync(join(root, 'amplify/backend.ts'), 'export {};\n');
    writeFileSync(
      join(root, 'scripts/synth.ts'),
      "console.error('ValidationError: data/resource.ts: Message.kind refers to an unknown enum');\nprocess.exit(1);\n",
    );
    await expect(synthesize(root, join(root, 'out'))).rejects.toThrow(
      /The backend did not synthesize:\nValidationError: data\/resource.ts: Message.kind refers to an unknown enum/,
    );
  });

  it("reports a function that does not bundle with esbuild's own message, and keeps no half-made synth", async () => {
    const root = mkdtempSync(join(tmpdir(), 'bootalk-badbundle-'));
    symlinkSync(join(import.meta.dirname, '../../node_modules'), join(root, 'node_modules'));
    mkdirSync(join(root, 'scripts'));
    mkdirSync(join(root, 'amplify/functions/broken'), { recursive: true });
    writeFileSync(join(root, 'amplify/functions/broken/resource.ts'), 'export {};\n');
    writeFileSync(
      join(root, 'amplify/functions/broken/handler.ts'),
      "import { gone } from './missing';\nexport const handler = gone;\n",
    );
    // A synth that succeeds: the failure must come from the bundle.
    writeFileSync(join(root, 'scripts/synth.ts'), 'process.exit(0);\n');
    const out = join(root, 'out');
    await expect(synthesize(root, out)).rejects.toThrow(
      /The functions did not bundle:\n[\s\S]*Could not resolve "\.\/missing"/,
    );
    expect(existsSync(join(out, '.inputs-hash'))).toBe(false);
    expect(existsSync(`${out}.bundling`)).toBe(false);
  });
});
