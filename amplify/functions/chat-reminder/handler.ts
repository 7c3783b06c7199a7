import type { Context } from 'aws-lambda';
import { appSyncClient } from '../shared/appsync-client';
import { config } from '../shared/config';
import { dataClient } from '../shared/data-client';
import { logger } from '../shared/logger';
import { createNotificationOnce } from '../shared/notifications/notification-create';
import { deadlineOf } from '../shared/paged-work';
import { withSentry } from '../shared/sentry';
import { overdueUnread, sweepStore, unreadMemberPages } from './reminder-store';
import { type ReminderDeps, type SweepOptions, type SweepSummary, sweepReminders } from './reminder-sweep';

/** Stop starting work with this much left: a chunk of members (a few AppSync calls each) and the save. */
export const RESERVE_MS = 30_000;

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

/** Daily: one CHAT_REMINDER per conversation and member for messages left unread for N hours. */
export function createHandler(deps: ReminderDeps, configuredHours: () => number) {
  return async (event: unknown, context: Context): Promise<SweepSummary> => {
    const summary = await sweepReminders(
      sweepOptionsOf(event, configuredHours),
      deps,
      deadlineOf(context, RESERVE_MS),
    );
    logger.info('chat reminder sweep', { ...summary });
    return summary;
  };
}

export const handler = withSentry(
  createHandler(
    {
      members: unreadMemberPages({ tableName: config.conversationMemberTableName }),
      overdue: overdueUnread({ data: dataClient }),
      create: (notification) => createNotificationOnce(appSyncClient(), notification),
      sweeps: sweepStore({ tableName: config.idempotencyTableName }),
      now: () => new Date(),
    },
    config.chatReminderAfterHours,
  ),
);
