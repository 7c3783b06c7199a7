import type { Context, DynamoDBStreamEvent } from 'aws-lambda';
import { byAttributes, processStreamBatch } from '../shared/batch';
import { withSentry } from '../shared/sentry';
import { createUnreadCounter } from './unread-counter';

// Message INSERT → +1 unread for the other members, exactly once per message, and the last-message
// preview through AppSync. A retried record counts nothing twice and publishes again. One
// conversation's messages one after another: they increment the same member rows in transactions
// that would otherwise cancel each other; different conversations concurrently.
export const handler = withSentry(async (event: DynamoDBStreamEvent, context: Context) => {
  const unreadCounter = createUnreadCounter();
  return processStreamBatch(event, (record) => unreadCounter.countRecord(record), context, {
    orderBy: byAttributes('conversationId'),
  });
});
