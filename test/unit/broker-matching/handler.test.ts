import { SQSClient } from '@aws-sdk/client-sqs';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { AppSyncResolverEvent, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createHandler } from '../../../amplify/functions/broker-matching/handler';
import { WAITING_TEXT } from '../../../amplify/functions/broker-matching/matching';
import type { HandlerDeps } from '../../../amplify/functions/broker-matching/matching-deps';
import { streamTableOf } from '../../../amplify/functions/broker-matching/stream-records';
import { AppSyncUnavailableError } from '../../../amplify/functions/shared/appsync-client';
import type { ConversationRow } from '../../../amplify/functions/shared/chat/conversation';
import { UserFacingError } from '../../../amplify/functions/shared/errors';
import { lambdaContext } from '../../support/lambda-context';
import {
  BANPO,
  BUYER,
  broker,
  DAECHI,
  FakeChatAppSync,
  FakeMatchingStore,
  inquiry,
  NOW,
} from '../../support/matching-fixtures';
import { parkingStreamRecords } from '../../support/stream-failures';

const sqs = mockClient(SQSClient);

const CONVERSATION_TABLE = 'Conversation-abc123-NONE';
const BROKER_TABLE = 'BrokerProfile-abc123-NONE';
const streamArn = (table: string) =>
  `arn:aws:dynamodb:ap-northeast-2:123456789012:table/${table}/stream/2026-03-01T00:00:00.000`;

let appSync: FakeChatAppSync;
let store: FakeMatchingStore;

function deps(): HandlerDeps {
  return {
    data: async () => appSync.client(),
    store,
    tables: { conversations: () => CONVERSATION_TABLE, brokerProfiles: () => BROKER_TABLE },
    now: () => NOW,
  };
}

const handler = (event: unknown) =>
  createHandler(deps())(event as DynamoDBStreamEvent, lambdaContext()) as Promise<unknown>;

function requestBroker(conversationId: unknown, sub: string | null = BUYER) {
  const event = {
    typeName: 'Mutation',
    fieldName: 'requestBroker',
    arguments: { conversationId },
    identity: sub ? { sub, username: sub, claims: {}, groups: null } : null,
    source: null,
    request: { headers: {} },
  } as unknown as AppSyncResolverEvent<{ conversationId: unknown }>;
  return handler(event) as Promise<ConversationRow>;
}

function record(
  table: string,
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE',
  images: { NewImage?: object; OldImage?: object },
  sequenceNumber = '100',
): DynamoDBRecord {
  const dynamodb: Record<string, unknown> = { SequenceNumber: sequenceNumber };
  for (const [name, image] of Object.entries(images)) {
    dynamodb[name] = marshall(image, { removeUndefinedValues: true });
  }
  return {
    eventID: `evt-${sequenceNumber}`,
    eventName,
    eventSourceARN: streamArn(table),
    dynamodb,
  } as DynamoDBRecord;
}

const stream = (...records: DynamoDBRecord[]) => handler({ Records: records });

function waitingInquiry(id = 'conv-1', regionCode = DAECHI, overrides: Partial<ConversationRow> = {}) {
  const conversation = inquiry({ id, listingId: `LST-${id}`, ...overrides });
  appSync.addConversation(conversation);
  appSync.addMember(id, conversation.buyerId ?? BUYER, 'BUYER', conversation.memberIds);
  appSync.addListing({ id: `LST-${id}`, complexId: 'CPX-1001', complexName: '은마아파트', regionCode });
  return conversation;
}

beforeEach(() => {
  appSync = new FakeChatAppSync();
  store = new FakeMatchingStore(appSync);
});

describe('requestBroker', () => {
  it('assigns a broker now and returns the open conversation', async () => {
    store.brokerRows = [broker('BRK-301')];
    waitingInquiry();

    const conversation = await requestBroker('conv-1');

    expect(conversation).toMatchObject({ id: 'conv-1', status: 'OPEN', brokerId: 'BRK-301' });
    expect(conversation.memberIds).toEqual([BUYER, 'sub-BRK-301']);
  });

  it('returns the inquiry still waiting when no broker covers it, with the waiting message posted', async () => {
    store.brokerRows = [broker('BRK-301', { regionCodes: ['11650'] })];
    waitingInquiry();

    const conversation = await requestBroker('conv-1');

    expect(conversation.status).toBe('WAITING_FOR_BROKER');
    expect(appSync.messagesOf('conv-1').map((m) => m.body)).toEqual([WAITING_TEXT]);
  });

  it('returns an inquiry that already has its broker as it is, without matching', async () => {
    store.brokerRows = [broker('BRK-302')];
    appSync.addConversation(
      inquiry({ status: 'OPEN', brokerId: 'BRK-301', memberIds: [BUYER, 'sub-BRK-301'] }),
    );

    expect(await requestBroker('conv-1')).toMatchObject({ status: 'OPEN', brokerId: 'BRK-301' });
    expect(store.scans).toBe(0);
    expect(appSync.calls('UpdateConversation')).toEqual([]);
  });

  it('refuses a caller who is not a member as if the conversation did not exist', async () => {
    store.brokerRows = [broker('BRK-301')];
    waitingInquiry();

    await expect(requestBroker('conv-1', 'stranger')).rejects.toThrow(/^CONVERSATION_NOT_FOUND: /);
    await expect(requestBroker('conv-missing')).rejects.toThrow(/^CONVERSATION_NOT_FOUND: /);
    expect(appSync.conversations.get('conv-1')!.status).toBe('WAITING_FOR_BROKER');
  });

  it('refuses a conversation that is not a listing inquiry, and a closed one', async () => {
    appSync.addConversation(inquiry({ id: 'direct', kind: 'DIRECT' }));
    appSync.addConversation(inquiry({ id: 'closed', status: 'CLOSED' }));

    await expect(requestBroker('direct')).rejects.toThrow(/^NOT_A_LISTING_INQUIRY: /);
    await expect(requestBroker('closed')).rejects.toThrow(/^CONVERSATION_CLOSED: /);
  });

  it('refuses a malformed id and a caller who is not signed in', async () => {
    await expect(requestBroker('../conv-1')).rejects.toThrow(UserFacingError);
    await expect(requestBroker(42)).rejects.toThrow(/^INVALID_ID: /);
    await expect(requestBroker('conv-1', null)).rejects.toThrow(/^UNAUTHORIZED: /);
    expect(appSync.log).toEqual([]);
  });

  it('refuses an operation it does not implement', async () => {
    await expect(handler({ fieldName: 'deleteAccount', arguments: {} })).rejects.toThrow(/deleteAccount/);
  });
});

describe('Conversation stream', () => {
  it('matches a new waiting listing inquiry', async () => {
    store.brokerRows = [broker('BRK-301')];
    const conversation = waitingInquiry();

    const response = await stream(record(CONVERSATION_TABLE, 'INSERT', { NewImage: conversation }));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(appSync.conversations.get('conv-1')).toMatchObject({ status: 'OPEN', brokerId: 'BRK-301' });
  });

  it('ignores inquiries that are not waiting and changes to existing rows', async () => {
    store.brokerRows = [broker('BRK-301')];
    const conversation = waitingInquiry();

    await stream(
      record(CONVERSATION_TABLE, 'INSERT', { NewImage: { ...conversation, status: 'OPEN' } }),
      record(CONVERSATION_TABLE, 'INSERT', { NewImage: { ...conversation, kind: 'SUPPORT' } }),
      record(CONVERSATION_TABLE, 'MODIFY', { NewImage: conversation, OldImage: conversation }),
    );

    expect(appSync.log).toEqual([]);
  });

  it('reports a record whose matching failed for a retry', async () => {
    store.brokerRows = [broker('BRK-301')];
    const conversation = waitingInquiry();
    appSync.failures.set('UpdateConversation', new AppSyncUnavailableError('AppSync answered HTTP 503', 503));

    const response = await stream(record(CONVERSATION_TABLE, 'INSERT', { NewImage: conversation }, '900'));

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: '900' }] });
  });
});

describe('BrokerProfile stream', () => {
  it('retries the waiting inquiries the new broker covers, and only those', async () => {
    const seocho = broker('BRK-401', { regionCodes: ['11650'] });
    store.brokerRows = [seocho];
    waitingInquiry('conv-gangnam', DAECHI);
    waitingInquiry('conv-seocho', BANPO, { buyerId: 'buyer-2', memberIds: ['buyer-2'] });

    await stream(record(BROKER_TABLE, 'INSERT', { NewImage: seocho }));

    expect(appSync.conversations.get('conv-seocho')).toMatchObject({ status: 'OPEN', brokerId: 'BRK-401' });
    expect(appSync.conversations.get('conv-gangnam')!.status).toBe('WAITING_FOR_BROKER');
  });

  it('retries when a broker starts using the app', async () => {
    const linked = broker('BRK-401');
    store.brokerRows = [linked];
    waitingInquiry();

    await stream(record(BROKER_TABLE, 'MODIFY', { OldImage: { ...linked, userId: null }, NewImage: linked }));

    expect(appSync.conversations.get('conv-1')!.status).toBe('OPEN');
  });

  it('does nothing for its own bookkeeping write, an inactive broker or a removed row', async () => {
    const gangnam = broker('BRK-401');
    store.brokerRows = [gangnam];
    waitingInquiry();

    await stream(
      record(BROKER_TABLE, 'MODIFY', {
        OldImage: gangnam,
        NewImage: { ...gangnam, lastAssignedAt: NOW.toISOString(), openConversations: 4 },
      }),
      record(BROKER_TABLE, 'MODIFY', { OldImage: gangnam, NewImage: { ...gangnam, active: false } }),
      record(BROKER_TABLE, 'REMOVE', { OldImage: gangnam }),
    );

    expect(appSync.conversations.get('conv-1')!.status).toBe('WAITING_FOR_BROKER');
    expect(appSync.log).toEqual([]);
  });

  it('parks a record from a table it is not bound to instead of retrying it', async () => {
    const { result: response, parked } = await parkingStreamRecords(sqs, () =>
      stream(record('Message-abc123-NONE', 'INSERT', { NewImage: { id: 'x' } })),
    );

    expect(response).toEqual({ batchItemFailures: [] });
    expect(appSync.log).toEqual([]);
    expect(parked).toEqual([
      expect.objectContaining({
        failureClass: 'park',
        reason: expect.stringContaining('Message-abc123-NONE'),
      }),
    ]);
  });
});

describe('streamTableOf', () => {
  it('reads the table name out of a stream ARN', () => {
    expect(streamTableOf({ eventSourceARN: streamArn(CONVERSATION_TABLE) })).toBe(CONVERSATION_TABLE);
    expect(streamTableOf({ eventSourceARN: 'arn:aws:sqs:ap-northeast-2:1:queue' })).toBeUndefined();
  });
});
