import type { Context } from 'aws-lambda';
import { config } from '../shared/config';
import { dataClient } from '../shared/data-client';
import { logger } from '../shared/logger';
import { createNotificationOnce } from '../shared/notifications/notification-create';
import { deadlineOf } from '../shared/paged-work';
import { withSentry } from '../shared/sentry';
import { overdueUnread, sweepStore, unreadMemberPages } from './reminder-store';
import { type ReminderDeps, type SweepSummary, sweepReminders } from './reminder-sweep';
import { sweepOptionsOf } from './sweep-options';

/** Stop starting work with this much left: a chunk of members (a few AppSync calls each) and the save. */
export const RESERVE_MS = 30_000;

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
      create: async (notification) => createNotificationOnce(await dataClient(), notification),
      sweeps: sweepStore({ tableName: config.idempotencyTableName }),
      now: () => new Date(),
    },
    config.chatReminderAfterHours,
  ),
);
