import { loadavg } from 'node:os';

/** One row of the benchmark table, shaped like README's (measure | result | target). */
export interface Row {
  measure: string;
  result: string;
  target: string;
}

/** The nearest-rank percentile (p in 0–100) of `samples`; NaN when there are none. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export const median = (samples: readonly number[]) => percentile(samples, 50);

export function ms(value: number): string {
  if (Number.isNaN(value)) return '–';
  return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${Math.round(value)} ms`;
}

export const seconds = (value: number) => (Number.isNaN(value) ? '–' : `${(value / 1000).toFixed(2)} s`);

export const megabytes = (bytes: number) =>
  bytes >= 1024 ** 3 ? `${(bytes / 1024 ** 3).toFixed(2)} GB` : `${Math.round(bytes / 1024 ** 2)} MB`;

/** This machine's load average (1, 5, 15 min) now: a figure means little without it. */
export function loadAverage(): string {
  return `load ${loadavg()
    .map((value) => value.toFixed(1))
    .join(' / ')}`;
}

/** `result` with the load average at the time it was measured. */
export const withLoad = (result: string) => `${result} (${loadAverage()})`;

export function markdownTable(rows: readonly Row[]): string {
  const header: Row = { measure: 'measure', result: 'result', target: 'target' };
  const width = (key: keyof Row) => Math.max(...[header, ...rows].map((row) => row[key].length));
  const line = (row: Row) =>
    `| ${(['measure', 'result', 'target'] as const).map((key) => row[key].padEnd(width(key))).join(' | ')} |`;
  const rule = `| ${(['measure', 'result', 'target'] as const).map((key) => '-'.repeat(width(key))).join(' | ')} |`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}
