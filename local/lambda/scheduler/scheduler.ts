import { randomUUID } from 'node:crypto';
import { CronExpressionParser } from 'cron-parser';
import { type FunctionInvoker, LOCAL_ACCOUNT, LOCAL_REGION } from '../../contracts';

/**
 * EventBridge Scheduler, locally: each synthesized schedule fires its function at the times
 * its expression names, in its time zone. AWS cron has six fields (minutes hours day-of-month
 * month day-of-week year) with day-of-week 1–7 = SUN–SAT and `?`; rate(n unit) repeats.
 */

export interface Schedule {
  name: string;
  functionName: string;
  expression: string;
  timezone: string;
}

const RATE_UNITS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/** The next time (after `after`) a schedule expression fires. */
export function nextFireTime(expression: string, timezone: string, after: Date): Date {
  const rate = /^rate\((\d+)\s+(minute|hour|day)s?\)$/.exec(expression.trim());
  if (rate) return new Date(after.getTime() + Number(rate[1]) * RATE_UNITS[rate[2]!]!);
  const at = /^at\((.+)\)$/.exec(expression.trim());
  if (at) return new Date(`${at[1]}Z`);
  const cron = /^cron\((.+)\)$/.exec(expression.trim());
  if (!cron) throw new Error(`Unsupported schedule expression "${expression}"`);
  const fields = cron[1]!.trim().split(/\s+/);
  if (fields.length !== 6) throw new Error(`AWS cron needs six fields: "${expression}"`);
  const [minutes, hours, dayOfMonth, month, dayOfWeek] = fields as [string, string, string, string, string];
  // AWS numbers days 1 (SUN) – 7 (SAT); standard cron numbers them 0 (SUN) – 6 (SAT).
  const weekday = dayOfWeek.replace(
    /(^|[^#\d])(\d+)/g,
    (_all, before: string, day: string) => `${before}${(Number(day) + 6) % 7}`,
  );
  const standard = [minutes, hours, dayOfMonth, month, weekday]
    .map((field) => (field === '?' ? '*' : field))
    .join(' ');
  return CronExpressionParser.parse(standard, { tz: timezone, currentDate: after }).next().toDate();
}

/** The event EventBridge Scheduler gives a Lambda target when the schedule sets no input. */
export function scheduledEvent(schedule: Pick<Schedule, 'name'>, time: Date): Record<string, unknown> {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.scheduler',
    account: LOCAL_ACCOUNT,
    time: time.toISOString(),
    region: LOCAL_REGION,
    resources: [`arn:aws:scheduler:${LOCAL_REGION}:${LOCAL_ACCOUNT}:schedule/default/${schedule.name}`],
    detail: {},
  };
}

export class Scheduler {
  private timers = new Map<string, NodeJS.Timeout>();
  private next = new Map<string, Date>();
  private schedules: Schedule[] = [];

  constructor(private readonly invoker: FunctionInvoker) {}

  start(schedules: Schedule[]): void {
    this.stop();
    this.schedules = schedules;
    for (const schedule of schedules) this.arm(schedule);
  }

  stop(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.next.clear();
  }

  list(): (Schedule & { nextRunAt?: string })[] {
    return this.schedules.map((schedule) => ({
      ...schedule,
      nextRunAt: this.next.get(schedule.name)?.toISOString(),
    }));
  }

  private arm(schedule: Schedule): void {
    const when = nextFireTime(schedule.expression, schedule.timezone, new Date());
    this.next.set(schedule.name, when);
    // setTimeout holds 32-bit milliseconds: re-arm in steps for far-away times.
    const delay = Math.min(when.getTime() - Date.now(), 2 ** 31 - 1);
    const timer = setTimeout(
      () => {
        if (Date.now() >= when.getTime()) {
          void this.invoker.invoke(schedule.functionName, scheduledEvent(schedule, when));
        }
        this.arm(schedule);
      },
      Math.max(0, delay),
    );
    timer.unref();
    this.timers.set(schedule.name, timer);
  }
}
