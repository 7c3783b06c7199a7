import type { Context, SQSEvent } from 'aws-lambda';
import { processQueueBatch } from '../shared/batch';
import { config } from '../shared/config';
import { dataClient } from '../shared/data-client';
import { logger } from '../shared/logger';
import { parseNoticeRequest, queueNotice } from '../shared/notifications/notice-request';
import { createNotificationOnce } from '../shared/notifications/notification-create';
import { deadlineOf } from '../shared/paged-work';
import { withSentry } from '../shared/sentry';
import { BROADCAST_SETTINGS, type BroadcastDeps, type BroadcastSettings, broadcastNotice } from './broadcast';
import { broadcastProgressStore, userProfilePages } from './broadcast-store';

/** Stop starting work with this much left: a chunk of creates (AppSync's 10 s timeout) and the save. */
export const RESERVE_MS = 15_000;

/** SQS notice → one NOTICE Notification per user in the notice's audience, resumably (broadcast.ts). */
export function createHandler(deps: BroadcastDeps, settings: BroadcastSettings = BROADCAST_SETTINGS) {
  return (event: SQSEvent, context: Context) =>
    processQueueBatch(
      event,
      async (record) => {
        // A body that is not a notice fails for good: kept by the queue's DLQ (shared/batch.ts).
        const request = parseNoticeRequest(record.body);
        const summary = await broadcastNotice(
          request,
          deps,
          deadlineOf(context, RESERVE_MS),
          `${context.awsRequestId}:${record.messageId}`,
          settings,
        );
        // Ids and counts only: never the notice's text.
        logger.info('notice broadcast', {
          noticeId: request.noticeId,
          messageId: record.messageId,
          ...summary,
        });
      },
      context,
    );
}

export const handler = withSentry(
  createHandler({
    progress: broadcastProgressStore({ tableName: config.idempotencyTableName }),
    profiles: userProfilePages({ tableName: config.userProfileTableName }),
    create: async (notification) => createNotificationOnce(await dataClient(), notification),
    continueLater: (request) => queueNotice(config.noticeQueueUrl(), request),
    now: () => new Date(),
  }),
);
