import type { DynamoDBRecord } from 'aws-lambda';
import { unmarshallStreamImage } from '../shared/batch';
import type { ConversationRow } from '../shared/chat/conversation';
import { PermanentRecordError } from '../shared/errors';
import { type BrokerProfile, isWaitingInquiry, shouldRetryWaiting } from './broker-choice';
import { type MatchingDeps, matchInquiry, retryWaitingFor } from './matching';
import type { matchingTables } from './matching-store';

/** Conversation INSERT (a new inquiry) and BrokerProfile INSERT/MODIFY (a broker became available). */

/** The table a stream record comes from: `arn:…:table/<name>/stream/<label>`. */
export function streamTableOf(record: Pick<DynamoDBRecord, 'eventSourceARN'>): string | undefined {
  return /:table\/([^/]+)\/stream\//.exec(record.eventSourceARN ?? '')?.[1];
}

export async function handleStreamRecord(
  record: DynamoDBRecord,
  matching: MatchingDeps,
  tables: typeof matchingTables,
): Promise<void> {
  const table = streamTableOf(record);
  if (table === tables.conversations()) {
    if (record.eventName !== 'INSERT') return;
    // The stream filter passes only waiting inquiries; this keeps a wider filter harmless.
    const conversation = unmarshallStreamImage<ConversationRow>(record, 'NewImage');
    if (!isWaitingInquiry(conversation)) return;
    await matchInquiry(conversation, matching);
    return;
  }
  if (table === tables.brokerProfiles()) {
    if (record.eventName !== 'INSERT' && record.eventName !== 'MODIFY') return;
    const broker = unmarshallStreamImage<BrokerProfile>(record, 'NewImage');
    const before = unmarshallStreamImage(record, 'OldImage');
    if (!shouldRetryWaiting(before, broker)) return;
    await retryWaitingFor(broker, matching);
    return;
  }
  throw new PermanentRecordError(`broker-matching has no binding for stream table ${table ?? 'unknown'}`);
}
