import type { Context, DynamoDBStreamEvent } from 'aws-lambda';
import { byAttributes, processStreamBatch, unmarshallStreamImage } from '../shared/batch';
import type { ConversationMemberRow } from '../shared/chat/chat-message';
import { config } from '../shared/config';
import { dataClient } from '../shared/data-client';
import { publishEvent } from '../shared/events';
import { badgeCount } from '../shared/push/badge';
import { queuePushes } from '../shared/push/push-request';
import { withSentry } from '../shared/sentry';
import { applyReadReceipt, type ReadReceiptDeps } from './apply-read-receipt';
import { readReceiptFor } from './read-receipt';
import { receiptStore } from './receipt-store';

/**
 * ConversationMember MODIFY → when lastReadAt advanced: exact unread, the read receipt event, the
 * badge. One member row's changes in stream order, one at a time (the exact reset relies on it,
 * unread-reset.ts), other members concurrently.
 */
export function createHandler(deps: ReadReceiptDeps) {
  return (event: DynamoDBStreamEvent, context: Context) =>
    processStreamBatch(
      event,
      async (record) => {
        const receipt = readReceiptFor(
          unmarshallStreamImage<ConversationMemberRow>(record, 'OldImage'),
          unmarshallStreamImage<ConversationMemberRow>(record, 'NewImage'),
        );
        // Not a read: the reset this function writes, an increment, a mute, a heartbeat.
        if (receipt) await applyReadReceipt(receipt, deps);
      },
      context,
      { orderBy: byAttributes('conversationId', 'userId') },
    );
}

export const handler = withSentry(
  createHandler({
    store: receiptStore({ data: dataClient, idempotencyTableName: config.idempotencyTableName }),
    publish: (event) => publishEvent(config.chatEventsTopicArn(), event),
    badge: (userId) => badgeCount(userId),
    queue: (requests) => queuePushes(config.pushQueueUrl(), requests),
    now: () => new Date(),
  }),
);
