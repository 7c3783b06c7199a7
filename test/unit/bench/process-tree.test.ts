import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { mainThreadCpuSeconds, memoryByName, processTree, stillRunning } from '../../../bench/process-tree';

describe('bench process tree', () => {
  it('finds this test process and sums its memory under its executable name', () => {
    const tree = processTree(process.pid);
    const self = tree.find((info) => info.pid === process.pid)!;
    expect(self).toMatchObject({ ppid: process.ppid, zombie: false });
    expect(self.rssBytes).toBeGreaterThan(10 * 1024 ** 2);
    const { total, byName } = memoryByName(tree);
    expect(total).toBe(tree.reduce((sum, info) => sum + info.rssBytes, 0));
    expect(byName.find((entry) => entry.name === self.name)!.rssBytes).toBeGreaterThanOrEqual(self.rssBytes);
  });

  it('includes children, and counts a child as gone once it exited', async () => {
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    const pid = child.pid!;
    expect(processTree(process.pid).find((info) => info.pid === pid)).toMatchObject({ name: 'sleep' });
    expect(stillRunning([pid], -1).map((info) => info.pid)).toEqual([pid]);
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGTERM');
    await exited;
    expect(stillRunning([pid], -1)).toEqual([]);
  });

  it('finds nothing for a process that does not exist', () => {
    expect(processTree(2 ** 22 + 1)).toEqual([]);
    expect(mainThreadCpuSeconds(2 ** 22 + 1)).toBeUndefined();
  });

  it("tells a process's main thread's CPU from its worker threads'", async () => {
    // The worker spins for 0.6 s of CPU while the main thread only waits for it.
    const script = `
      const { Worker } = require('node:worker_threads');
      const worker = new Worker('const end = process.cpuUsage().user + 600000; while (process.cpuUsage().user < end);', { eval: true });
      worker.on('exit', () => { console.log('done'); setInterval(() => {}, 1000); });
    `;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      await new Promise<void>((done) =>
        child.stdout!.on('data', (chunk) => String(chunk).includes('done') && done()),
      );
      const total = processTree(child.pid!).find((info) => info.pid === child.pid)!.cpuSeconds;
      const main = mainThreadCpuSeconds(child.pid!)!;
      expect(total).toBeGreaterThanOrEqual(0.5);
      expect(main).toBeLessThan(total - 0.4);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
