import type { Context, SQSEvent } from 'aws-lambda';
import { processQueueBatch } from '../shared/batch';
import { config } from '../shared/config';
import { sendPush } from '../shared/push/push-client';
import { withSentry } from '../shared/sentry';
import { deliveryLog } from './delivery-log';
import { deviceStore } from './device-store';
import { type PushSenderDeps, sendPushes } from './send-pushes';

/**
 * SQS push queue → End User Messaging SendMessages to each recipient's devices. The whole batch is
 * sent together (shared calls); each message then succeeds, fails for good (not a push request:
 * kept by the queue's DLQ, shared/batch.ts) or is reported for redelivery (some devices failed
 * temporarily).
 */
export function createHandler(deps: (context: Context) => PushSenderDeps) {
  return async (event: SQSEvent, context: Context) => {
    const errors = await sendPushes(event.Records, deps(context));
    return processQueueBatch(
      event,
      async (record) => {
        const error = errors.get(record.messageId);
        if (error) throw error;
      },
      context,
    );
  };
}

export const handler = withSentry(
  createHandler(() => {
    const now = () => new Date();
    return {
      devices: deviceStore({ tableName: config.deviceTableName, now }),
      // A new owner per invocation: it releases only the claims it made.
      deliveries: deliveryLog({ tableName: config.idempotencyTableName, now }),
      send: (messages) => sendPush({ messages }),
    };
  }),
);
