import type { Context, DynamoDBStreamEvent } from 'aws-lambda';
import { eachRecordAlone, processStreamBatch } from '../shared/batch';
import { config } from '../shared/config';
import { dataClient } from '../shared/data-client';
import { queuePushes } from '../shared/push/push-request';
import { withSentry } from '../shared/sentry';
import { type FanoutDeps, fanOutNotification, insertedNotification } from './fan-out';
import { advertisingTypesFrom } from './fanout-decision';
import { fanoutStore } from './fanout-store';

/**
 * Notification INSERT → a push request on the push queue, or nothing (inbox only), by the user's
 * consents. Each notification on its own and concurrently: pushes keep no order on their queue.
 */
export function createHandler(deps: FanoutDeps) {
  return (event: DynamoDBStreamEvent, context: Context) =>
    processStreamBatch(
      event,
      async (record) => {
        // The binding filters on INSERT; a read or a deletion is never a new push.
        if (record.eventName === 'INSERT') await fanOutNotification(insertedNotification(record), deps);
      },
      context,
      { orderBy: eachRecordAlone },
    );
}

export const handler = withSentry(
  createHandler({
    store: fanoutStore({ data: dataClient }),
    queue: (requests) => queuePushes(config.pushQueueUrl(), requests),
    now: () => new Date(),
    advertisingTypes: () => advertisingTypesFrom(config.advertisingNotificationTypes()),
  }),
);
