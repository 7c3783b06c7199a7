import type { Context, DynamoDBStreamEvent } from 'aws-lambda';
import { appSyncClient } from '../shared/appsync-client';
import { processStreamBatch } from '../shared/batch';
import { config } from '../shared/config';
import { queuePushes } from '../shared/push-request';
import { withSentry } from '../shared/sentry';
import { insertedMessage, type MessagePushDeps, queueMessagePushes } from './message-pushes';
import { pushStore } from './push-store';

/** Message INSERT → one push request per recipient on the push queue (push-sender sends them). */
export function createHandler(deps: MessagePushDeps) {
  return (event: DynamoDBStreamEvent, context: Context) =>
    processStreamBatch(
      event,
      async (record) => {
        // The binding filters on INSERT; an edit or a delete is never a new push.
        if (record.eventName === 'INSERT') await queueMessagePushes(insertedMessage(record), deps);
      },
      context,
    );
}

export const handler = withSentry(
  createHandler({
    store: pushStore({ appSync: appSyncClient }),
    queue: (requests) => queuePushes(config.pushQueueUrl(), requests),
    now: () => new Date(),
  }),
);
