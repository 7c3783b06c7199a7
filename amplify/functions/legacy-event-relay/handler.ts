import type { Context, SQSEvent } from 'aws-lambda';
import { processQueueBatch } from '../shared/batch';
import { createLegacyCircuit, legacyClientFor } from '../shared/legacy-client';
import { logger } from '../shared/logger';
import { withSentry } from '../shared/sentry';
import { droppedEvent, relayMessage } from './relay';

// The last hop of Streams → SNS → SQS → Legacy API: rejected or malformed events are dropped and
// recorded; auth failures and outages fail the record, which the queue retries and then redrives.
export const handler = withSentry(async (event: SQSEvent, context: Context) => {
  const legacy = legacyClientFor(context, createLegacyCircuit());
  return processQueueBatch(
    event,
    async (record) => {
      const relayed = await relayMessage(record.body, legacy);
      logger.info('event relayed', relayed);
    },
    context,
    {
      onPermanentFailure: (record, error) =>
        logger.warn('event dropped', { ...droppedEvent(record.body, error) }),
    },
  );
});
