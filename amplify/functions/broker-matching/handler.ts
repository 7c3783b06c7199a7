import type { AppSyncResolverEvent, Context, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { type AppSyncClient, appSyncClient } from '../shared/appsync-client';
import { processStreamBatch, unmarshallStreamImage } from '../shared/batch';
import { signedInUserId } from '../shared/caller';
import { assignBroker, assignmentStore } from '../shared/chat/broker-assignment';
import type { ConversationRow } from '../shared/chat/conversation';
import { postSystemMessage } from '../shared/chat/system-message';
import { type DataClient, dataClient } from '../shared/data-client';
import { conversationNotFound, refuse } from '../shared/decision';
import { PermanentRecordError } from '../shared/errors';
import { withSentry } from '../shared/sentry';
import { type BrokerProfile, isWaitingInquiry, planRequestBroker, shouldRetryWaiting } from './broker-choice';
import { type MatchingDeps, matchInquiry, retryWaitingFor } from './matching';
import { matchingStore, matchingTables, regionLookup } from './matching-store';

/**
 * broker-matching (DESIGN §2 #26): requestBroker (GraphQL), Conversation INSERT (a new inquiry)
 * and BrokerProfile INSERT/MODIFY (a broker became available) all end in the same matching.
 */

export interface HandlerDeps {
  appSync: () => AppSyncClient;
  data: () => Promise<DataClient>;
  store: ReturnType<typeof matchingStore>;
  tables: typeof matchingTables;
  now: () => Date;
}

/** Fresh per invocation: the broker scan and the region lookups are shared by its records only. */
export function matchingDeps(deps: HandlerDeps): MatchingDeps {
  const appSync = deps.appSync();
  const chat = assignmentStore(appSync);
  let brokers: Promise<BrokerProfile[]> | undefined;
  return {
    brokers: () => {
      if (!brokers) {
        brokers = deps.store.brokers();
        // A failed scan is not remembered: the next record scans again.
        brokers.catch(() => {
          brokers = undefined;
        });
      }
      return brokers;
    },
    openConversations: (brokerId) => deps.store.openConversations(brokerId),
    regionOf: regionLookup(deps.data),
    assign: (input) => assignBroker(input, { appSync, now: deps.now }),
    recordAssignment: (brokerId, at, open) => deps.store.recordAssignment(brokerId, at, open),
    postWaiting: async (conversation, body, key) => {
      await postSystemMessage(
        { conversationId: conversation.id, memberIds: conversation.memberIds, body, key },
        deps.now(),
        chat,
      );
    },
    waitingConversations: () => deps.store.waitingConversations(),
    now: deps.now,
  };
}

type RequestBrokerEvent = AppSyncResolverEvent<{ conversationId?: unknown }> & { fieldName?: string };

const CONVERSATION_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/;

export async function requestBroker(event: RequestBrokerEvent, deps: HandlerDeps): Promise<ConversationRow> {
  const callerId = signedInUserId(event.identity);
  const conversationId = event.arguments?.conversationId;
  if (typeof conversationId !== 'string' || !CONVERSATION_ID.test(conversationId)) {
    throw refuse(
      'INVALID_ID',
      'conversationId 값의 형식이 올바르지 않습니다.',
      'conversationId is not a valid id.',
    ).error;
  }
  const matching = matchingDeps(deps);
  const plan = planRequestBroker(
    await assignmentStore(deps.appSync()).conversation(conversationId),
    callerId,
  );
  if (!plan.ok) throw plan.error;
  if (plan.value.action === 'RETURN') return plan.value.conversation;

  const result = await matchInquiry(plan.value.conversation, matching);
  if (result.kind !== 'ASSIGNMENT') return result.conversation;
  const { outcome } = result;
  switch (outcome.kind) {
    case 'CONVERSATION_NOT_FOUND':
      throw conversationNotFound().error;
    case 'CONVERSATION_CLOSED':
      throw refuse('CONVERSATION_CLOSED', '종료된 대화입니다.', 'This conversation is closed.').error;
    default:
      return outcome.conversation;
  }
}

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
    appSync: appSyncClient,
    data: dataClient,
    store: matchingStore(),
    tables: matchingTables,
    now: () => new Date(),
  }),
);
