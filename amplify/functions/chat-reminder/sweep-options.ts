import type { SweepOptions } from './reminder-sweep';

/** The longest wait a manual sweep may ask for: a month. */
export const MAX_AFTER_HOURS = 720;

/**
 * The schedule's event (EventBridge Scheduler: anything without `afterHours`) runs the day's
 * resumable sweep with CHAT_REMINDER_AFTER_HOURS. `{ "afterHours": n }` runs a manual sweep
 * (0–720 hours) from the start: for operators, and for tests that cannot wait a day.
 */
export function sweepOptionsOf(event: unknown, configuredHours: () => number): SweepOptions {
  const afterHours =
    typeof event === 'object' && event !== null ? (event as Record<string, unknown>).afterHours : undefined;
  if (afterHours === undefined) return { afterHours: configuredHours(), resumable: true };
  if (
    typeof afterHours !== 'number' ||
    !Number.isInteger(afterHours) ||
    afterHours < 0 ||
    afterHours > MAX_AFTER_HOURS
  )
    throw new TypeError(`afterHours must be a whole number of hours from 0 to ${MAX_AFTER_HOURS}`);
  return { afterHours, resumable: false };
}
