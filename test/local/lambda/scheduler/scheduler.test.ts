import { describe, expect, it } from 'vitest';
import { nextFireTime, scheduledEvent } from '../../../../local/lambda/scheduler/scheduler';

describe('schedule expressions', () => {
  it('fires a Korean 09:00 cron at 00:00 UTC', () => {
    const next = nextFireTime('cron(0 9 * * ? *)', 'Asia/Seoul', new Date('2026-11-26T01:00:00Z'));
    expect(next.toISOString()).toBe('2026-11-27T00:00:00.000Z');
  });

  it('reads AWS day-of-week numbers, where 2 is Monday', () => {
    // 2026-11-26 is a Thursday; the next Monday 09:00 KST is 2026-11-30.
    const next = nextFireTime('cron(0 9 ? * 2 *)', 'Asia/Seoul', new Date('2026-11-26T01:00:00Z'));
    expect(next.toISOString()).toBe('2026-11-30T00:00:00.000Z');
  });

  it('keeps the occurrence in an nth-weekday expression', () => {
    // The second Monday (AWS 2#2) of December 2026 is the 14th.
    const next = nextFireTime('cron(0 9 ? * 2#2 *)', 'Asia/Seoul', new Date('2026-12-01T00:00:00Z'));
    expect(next.toISOString()).toBe('2026-12-14T00:00:00.000Z');
  });

  it('accepts day names and ranges', () => {
    const next = nextFireTime('cron(30 21 ? * MON-FRI *)', 'Asia/Seoul', new Date('2026-11-28T00:00:00Z'));
    expect(next.toISOString()).toBe('2026-11-30T12:30:00.000Z');
  });

  it('repeats rate expressions', () => {
    const after = new Date('2026-11-26T00:00:00Z');
    expect(nextFireTime('rate(5 minutes)', 'UTC', after).toISOString()).toBe('2026-11-26T00:05:00.000Z');
    expect(nextFireTime('rate(1 day)', 'UTC', after).toISOString()).toBe('2026-11-27T00:00:00.000Z');
  });

  it('refuses expressions it cannot read', () => {
    expect(() => nextFireTime('cron(0 9 * *)', 'UTC', new Date())).toThrow(/six fields/);
    expect(() => nextFireTime('every day', 'UTC', new Date())).toThrow(/Unsupported/);
  });

  it('gives the function a Scheduled Event naming the schedule', () => {
    const event = scheduledEvent({ name: 'alert-presale' }, new Date('2026-11-27T00:00:00Z'));
    expect(event).toMatchObject({
      'detail-type': 'Scheduled Event',
      source: 'aws.scheduler',
      time: '2026-11-27T00:00:00.000Z',
    });
    expect((event.resources as string[])[0]).toMatch(/schedule\/default\/alert-presale$/);
  });
});
