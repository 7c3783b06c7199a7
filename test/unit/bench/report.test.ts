import { describe, expect, it } from 'vitest';
import { markdownTable, megabytes, ms, percentile } from '../../../bench/report';

describe('bench report', () => {
  it('takes the nearest-rank percentile, so p99 of 100 samples is the 99th smallest', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(samples, 50)).toBe(50);
    expect(percentile(samples, 99)).toBe(99);
    expect(percentile(samples, 100)).toBe(100);
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });

  it('prints milliseconds under a second and seconds above, and memory in MB or GB', () => {
    expect(ms(179.4)).toBe('179 ms');
    expect(ms(5200)).toBe('5.20 s');
    expect(ms(Number.NaN)).toBe('–');
    expect(megabytes(512 * 1024 ** 2)).toBe('512 MB');
    expect(megabytes(2.25 * 1024 ** 3)).toBe('2.25 GB');
  });

  it('prints a markdown table README can take as it is: header, rule, one line per row, columns aligned', () => {
    const table = markdownTable([
      { measure: 'warm start', result: 'median 7.10 s', target: '≤ 5 s' },
      { measure: 'Ctrl-C with a backlog', result: 'all 4 gone in 3.49 s', target: '≤ 5 s' },
    ]);
    expect(table.split('\n')).toEqual([
      '| measure               | result               | target |',
      '| --------------------- | -------------------- | ------ |',
      '| warm start            | median 7.10 s        | ≤ 5 s  |',
      '| Ctrl-C with a backlog | all 4 gone in 3.49 s | ≤ 5 s  |',
    ]);
  });
});
