import { readdirSync, readFileSync } from 'node:fs';

/**
 * The sandbox's processes as Linux sees them (/proc): the Node process started by `npm start`
 * (its worker threads live inside it), and its children — DynamoDB Local's java, esbuild's
 * service — however deep.
 */

export interface ProcessInfo {
  pid: number;
  ppid: number;
  /** Process group: a Ctrl-C reaches the whole group. */
  pgid: number;
  /** The executable's name (`node`, `java`, `esbuild`). */
  name: string;
  /** Zombies have exited; only their parent has not reaped them yet. */
  zombie: boolean;
  rssBytes: number;
  /** CPU time used so far, user and system, in seconds (every thread of the process). */
  cpuSeconds: number;
}

/** Linux counts CPU time in clock ticks of 1/100 s (USER_HZ). */
const TICKS_PER_SECOND = 100;

/** A /proc stat line's name and fields from the third on (`pid (comm) state ppid pgrp …`). */
function parseStat(stat: string): { name: string; fields: string[] } {
  // comm may hold spaces and parentheses.
  const close = stat.lastIndexOf(')');
  return { name: stat.slice(stat.indexOf('(') + 1, close), fields: stat.slice(close + 2).split(' ') };
}

/** Fields 14 and 15 of stat (utime, stime), in seconds; `fields` starts at field 3. */
const cpuSecondsOf = (fields: string[]) => (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;

/**
 * CPU time of a process's main thread alone (its task whose id is the process id), in seconds:
 * for Node, the event loop's thread, apart from worker threads and V8's and libuv's helpers.
 */
export function mainThreadCpuSeconds(pid: number): number | undefined {
  try {
    return cpuSecondsOf(parseStat(readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8')).fields);
  } catch {
    return undefined;
  }
}

function readProcess(pid: number): ProcessInfo | undefined {
  try {
    const { name, fields } = parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    const [state, ppid, pgid] = fields;
    const rss = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return {
      pid,
      ppid: Number(ppid),
      pgid: Number(pgid),
      name,
      zombie: state === 'Z',
      rssBytes: rss ? Number(rss[1]) * 1024 : 0,
      cpuSeconds: cpuSecondsOf(fields),
    };
  } catch {
    // Gone between listing /proc and reading it.
    return undefined;
  }
}

function allProcesses(): ProcessInfo[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map((entry) => readProcess(Number(entry)))
    .filter((info): info is ProcessInfo => info !== undefined);
}

/** `root` and every living descendant. */
export function processTree(root: number): ProcessInfo[] {
  const all = allProcesses();
  const children = new Map<number, ProcessInfo[]>();
  for (const info of all) children.set(info.ppid, [...(children.get(info.ppid) ?? []), info]);
  const tree: ProcessInfo[] = [];
  const rootInfo = all.find((info) => info.pid === root);
  const queue = rootInfo ? [rootInfo] : [];
  while (queue.length > 0) {
    const info = queue.shift()!;
    if (!info.zombie) tree.push(info);
    queue.push(...(children.get(info.pid) ?? []));
  }
  return tree;
}

/** Which of `pids`, or of the process group `pgid`, still run (zombies count as gone). */
export function stillRunning(pids: readonly number[], pgid: number): ProcessInfo[] {
  const wanted = new Set(pids);
  return allProcesses().filter((info) => !info.zombie && (wanted.has(info.pid) || info.pgid === pgid));
}

/** Resident memory per executable name, largest first, and the total. */
export function memoryByName(tree: readonly ProcessInfo[]): {
  total: number;
  byName: { name: string; count: number; rssBytes: number }[];
} {
  const byName = new Map<string, { name: string; count: number; rssBytes: number }>();
  for (const info of tree) {
    const entry = byName.get(info.name) ?? { name: info.name, count: 0, rssBytes: 0 };
    entry.count += 1;
    entry.rssBytes += info.rssBytes;
    byName.set(info.name, entry);
  }
  return {
    total: tree.reduce((sum, info) => sum + info.rssBytes, 0),
    byName: [...byName.values()].sort((a, b) => b.rssBytes - a.rssBytes),
  };
}

/** CPU seconds used so far per executable name (`node`, `java`, …), summed over the tree. */
export function cpuByName(tree: readonly ProcessInfo[]): Map<string, number> {
  const byName = new Map<string, number>();
  for (const info of tree) byName.set(info.name, (byName.get(info.name) ?? 0) + info.cpuSeconds);
  return byName;
}
