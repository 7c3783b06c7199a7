import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { memoryByName, processTree, stillRunning } from '../../../bench/process-tree';

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
  });
});
