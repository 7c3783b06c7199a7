import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { assignBroker } from '../shared/chat/broker-assignment';
import { postSystemMessage } from '../shared/chat/system-message';
import { config } from '../shared/config';
import { dataClient } from '../shared/data-client';
import { logger } from '../shared/logger';
import { queueNotice } from '../shared/notifications/notice-request';
import { withSentry } from '../shared/sentry';
import { handleLegacyWebhook, type WebhookDeps } from './legacy-webhook';
import { webhookReceipts } from './webhook-receipts';
import { webhookTokenSettings } from './webhook-token';

/** POST /webhooks/legacy (API Gateway Lambda proxy) → 202 / 200 duplicate / 4xx / 5xx. */
export function createHandler(deps: WebhookDeps) {
  return async (event: APIGatewayProxyEvent, context?: Context) => {
    if (context) logger.addContext(context);
    return handleLegacyWebhook(event, deps);
  };
}

export const handler = withSentry(
  createHandler({
    tokenSettings: webhookTokenSettings,
    receipts: webhookReceipts({ tableName: config.idempotencyTableName }),
    processing: () => ({
      data: dataClient,
      assignBroker,
      postSystemMessage: (message, now) => postSystemMessage(message, now),
      queueNotice: (request) => queueNotice(config.noticeQueueUrl(), request),
    }),
    now: () => new Date(),
  }),
);
