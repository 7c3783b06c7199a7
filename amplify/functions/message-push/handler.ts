import type { Context, SQSEvent } from 'aws-lambda';
import { processQueueBatch } from '../shared/batch';
import { config } from '../shared/config';
import { dataClient } from '../shared/data-client';
import { queuePushes } from '../shared/push/push-request';
import { withSentry } from '../shared/sentry';
import { type MessagePushDeps, queueSentMessagePushes, sentMessageId } from './message-pushes';
import { pushStore } from './push-store';

/**
 * SQS message-sent (chat-events' `message.sent`) → one push request per recipient on the push
 * queue (push-sender sends them). A failed message is reported alone and comes back.
 */
export function createHandler(deps: MessagePushDeps) {
  return (event: SQSEvent, context: Context) =>
    processQueueBatch(event, (record) => queueSentMessagePushes(sentMessageId(record.body), deps), context);
}

export const handler = withSentry(
  createHandler({
    store: pushStore({ data: dataClient }),
    queue: (requests) => queuePushes(config.pushQueueUrl(), requests),
    now: () => new Date(),
  }),
);
