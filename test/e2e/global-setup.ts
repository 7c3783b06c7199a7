import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { assertPortFree } from '../../local/ports/free-port';

/**
 * Starts one local sandbox (`npm start`, the real thing) for the e2e suite and stops it after.
 * Teardown fails the run if any process of the sandbox is left behind.
 */

const root = resolve(import.meta.dirname, '../..');
let child: ChildProcess | undefined;
let basePort = 0;

/** Seven free ports in a row, where the sandbox puts its servers. */
async function freeRange(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 20_000);
    try {
      await Promise.all(Array.from({ length: 7 }, (_, i) => assertPortFree(base + i, 'e2e')));
      return base;
    } catch {
      // taken: try another range
    }
  }
  throw new Error('no free range of 7 ports for the sandbox');
}

export default async function setup(project: TestProject) {
  basePort = await freeRange();
  const outputsPath = join(mkdtempSync(join(tmpdir(), 'bootalk-e2e-')), 'amplify_outputs.json');
  child = spawn(
    process.execPath,
    ['local/launch.mjs', '--port', String(basePort), '--outputs', outputsPath, '--quiet'],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      // As `npm start` runs it (package.json): trusting the local CA from the start.
      env: { ...process.env, NODE_EXTRA_CA_CERTS: '.amplify/sandbox/tls/ca.crt' },
    },
  );
  // E2E_SANDBOX_LOG=<file> keeps the sandbox's whole output (function logs included) for debugging.
  const logFile = process.env.E2E_SANDBOX_LOG;
  if (logFile) {
    writeFileSync(logFile, '');
    const keep = (chunk: Buffer) => appendFileSync(logFile, chunk);
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
  }
  let output = '';
  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`the sandbox did not start in time:\n${output}`)), 280_000);
    const onData = (chunk: Buffer) => {
      output += chunk;
      if (output.includes('Local sandbox ready')) {
        clearTimeout(timer);
        ready();
      }
    };
    child!.stdout!.on('data', onData);
    child!.stderr!.on('data', onData);
    child!.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`the sandbox exited (${code}) before it was ready:\n${output}`));
    });
  });
  const outputs = JSON.parse(readFileSync(outputsPath, 'utf8'));
  project.provide('outputsPath', outputsPath);
  project.provide('inboxUrl', outputs.custom.localSandbox.inboxUrl);
  project.provide('caCertPath', outputs.custom.localSandbox.caCertPath);

  return async () => {
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((done) => child!.once('exit', done));
    child.kill('SIGTERM');
    await exited;
    // Nothing of the sandbox may outlive it: DynamoDB Local (java) is the usual straggler.
    const listening = spawnSync('ss', ['-Htlnp'], { encoding: 'utf8' }).stdout ?? '';
    const left = Array.from({ length: 7 }, (_, i) => basePort + i).filter((port) =>
      listening.includes(`:${port} `),
    );
    if (left.length > 0) throw new Error(`the sandbox left processes listening on ports ${left.join(', ')}`);
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    outputsPath: string;
    inboxUrl: string;
    caCertPath: string;
  }
}
