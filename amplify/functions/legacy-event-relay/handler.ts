import type { Context, SQSEvent } from 'aws-lambda';
import { processQueueBatch } from '../shared/batch';
import { createLegacyCircuit, legacyClientFor } from '../shared/legacy-client';
import { logger } from '../shared/logger';
import { withSentry } from '../shared/sentry';
import { envelopeIdentity, relayMessage } from './relay';

// The last hop of Streams → SNS/SQS → Legacy API. Outages and auth failures are retried by the
// queue; refusals are parked and malformed messages dropped into legacy-relay-dlq (shared/batch.ts).
export const handler = withSentry(async (event: SQSEvent, context: Context) => {
  const legacy = legacyClientFor(context, createLegacyCircuit());
  return processQueueBatch(
    event,
    async (record) => {
      const relayed = await relayMessage(record.body, legacy);
      logger.info('envelope relayed', relayed);
    },
    context,
    { identify: (record) => envelopeIdentity(record.body) },
  );
});
