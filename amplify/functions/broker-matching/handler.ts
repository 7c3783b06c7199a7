import type { Context, DynamoDBStreamEvent } from 'aws-lambda';
import { processStreamBatch } from '../shared/batch';
import { dataClient } from '../shared/data-client';
import { withSentry } from '../shared/sentry';
import { type HandlerDeps, matchingDeps } from './matching-deps';
import { matchingStore, matchingTables } from './matching-store';
import { type RequestBrokerEvent, requestBroker } from './request-broker';
import { handleStreamRecord } from './stream-records';

/**
 * broker-matching (DESIGN §2 #26): requestBroker (GraphQL), Conversation INSERT (a new inquiry)
 * and BrokerProfile INSERT/MODIFY (a broker became available) all end in the same matching.
 */

export function createHandler(deps: HandlerDeps) {
  return async (event: DynamoDBStreamEvent | RequestBrokerEvent, context: Context) => {
    if ('Records' in event && Array.isArray(event.Records)) {
      const matching = matchingDeps(deps);
      // No ordering key, so one record at a time: an assignment changes the loads the next choice reads.
      return processStreamBatch(
        event,
        (record) => handleStreamRecord(record, matching, deps.tables),
        context,
      );
    }
    const fieldName =
      (event as RequestBrokerEvent).fieldName ?? (event as RequestBrokerEvent).info?.fieldName;
    if (fieldName === 'requestBroker') return requestBroker(event as RequestBrokerEvent, deps);
    throw new Error(`broker-matching does not handle ${fieldName ?? 'this event'}`);
  };
}

export const handler = withSentry(
  createHandler({
    data: dataClient,
    store: matchingStore(),
    tables: matchingTables,
    now: () => new Date(),
  }),
);
