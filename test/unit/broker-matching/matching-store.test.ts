import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  matchingStore,
  matchingTables,
  regionLookup,
} from '../../../amplify/functions/broker-matching/matching-store';
import { MissingConfigError } from '../../../amplify/functions/shared/config';
import { BANPO, broker, DAECHI, FakeChatAppSync, NOW } from '../../support/matching-fixtures';

const dynamo = mockClient(DynamoDBDocumentClient);
const store = () =>
  matchingStore({
    conversationTable: () => 'Conversation-test',
    brokerProfileTable: () => 'BrokerProfile-test',
  });

beforeEach(() => {
  dynamo.reset();
});

describe('matchingStore', () => {
  it('reads every page of the BrokerProfile table', async () => {
    dynamo
      .on(ScanCommand)
      .resolvesOnce({ Items: [broker('A')], LastEvaluatedKey: { id: 'A' } })
      .resolvesOnce({ Items: [broker('B')] });

    expect((await store().brokers()).map((b) => b.id)).toEqual(['A', 'B']);
    const scans = dynamo.commandCalls(ScanCommand).map((call) => call.args[0].input);
    expect(scans).toEqual([
      { TableName: 'BrokerProfile-test', ExclusiveStartKey: undefined },
      { TableName: 'BrokerProfile-test', ExclusiveStartKey: { id: 'A' } },
    ]);
  });

  it('counts a broker’s OPEN conversations on the brokerId index across pages', async () => {
    dynamo
      .on(QueryCommand)
      .resolvesOnce({ Count: 2, LastEvaluatedKey: { id: 'c2', brokerId: 'BRK-301' } })
      .resolvesOnce({ Count: 1 });

    expect(await store().openConversations('BRK-301')).toBe(3);
    const [first, second] = dynamo.commandCalls(QueryCommand).map((call) => call.args[0].input);
    expect(first).toMatchObject({
      TableName: 'Conversation-test',
      IndexName: 'conversationsByBrokerId',
      KeyConditionExpression: '#brokerId = :brokerId',
      FilterExpression: '#status = :open',
      ExpressionAttributeValues: { ':brokerId': 'BRK-301', ':open': 'OPEN' },
      Select: 'COUNT',
    });
    expect(second!.ExclusiveStartKey).toEqual({ id: 'c2', brokerId: 'BRK-301' });
  });

  it('pages through the waiting listing inquiries on the status index', async () => {
    dynamo
      .on(QueryCommand)
      .resolvesOnce({ Items: [{ id: 'c1' }], LastEvaluatedKey: { id: 'c1', status: 'WAITING_FOR_BROKER' } })
      .resolvesOnce({ Items: [{ id: 'c2' }] });

    const pages: string[][] = [];
    for await (const page of store().waitingConversations()) pages.push(page.map((c) => c.id));

    expect(pages).toEqual([['c1'], ['c2']]);
    expect(dynamo.commandCalls(QueryCommand)[0]!.args[0].input).toMatchObject({
      IndexName: 'conversationsByStatus',
      KeyConditionExpression: '#status = :waiting',
      FilterExpression: '#kind = :inquiry',
      ExpressionAttributeValues: { ':waiting': 'WAITING_FOR_BROKER', ':inquiry': 'LISTING_INQUIRY' },
      Limit: 100,
    });
  });

  it('records the assignment on an existing BrokerProfile row only', async () => {
    dynamo.on(UpdateCommand).resolves({});

    await store().recordAssignment('BRK-301', NOW, 4);

    expect(dynamo.commandCalls(UpdateCommand)[0]!.args[0].input).toMatchObject({
      TableName: 'BrokerProfile-test',
      Key: { id: 'BRK-301' },
      UpdateExpression: 'SET #lastAssignedAt = :at, #open = :open, #updatedAt = :at',
      ConditionExpression: 'attribute_exists(#id)',
      ExpressionAttributeValues: { ':at': NOW.toISOString(), ':open': 4 },
    });
  });

  it('treats a broker row removed meanwhile as nothing to record, and other errors as failures', async () => {
    dynamo
      .on(UpdateCommand)
      .rejectsOnce(new ConditionalCheckFailedException({ message: 'failed', $metadata: {} }))
      .rejectsOnce(new Error('throttled'));

    await expect(store().recordAssignment('BRK-gone', NOW, 1)).resolves.toBeUndefined();
    await expect(store().recordAssignment('BRK-301', NOW, 1)).rejects.toThrow('throttled');
  });
});

describe('matchingTables', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('names the missing variable', () => {
    delete process.env.CONVERSATION_TABLE_NAME;
    process.env.BROKER_PROFILE_TABLE_NAME = 'BrokerProfile-x';

    expect(() => matchingTables.conversations()).toThrow(MissingConfigError);
    expect(() => matchingTables.conversations()).toThrow(/CONVERSATION_TABLE_NAME/);
    expect(matchingTables.brokerProfiles()).toBe('BrokerProfile-x');
  });
});

describe('regionLookup', () => {
  it('reads the listing’s region once per listing', async () => {
    const appSync = new FakeChatAppSync();
    appSync.addListing({ id: 'LST-1', complexId: 'CPX-1', regionCode: DAECHI });
    const regionOf = regionLookup(async () => appSync.client());

    expect(await regionOf({ listingId: 'LST-1' })).toBe(DAECHI);
    expect(await regionOf({ listingId: 'LST-1', complexId: 'CPX-9' })).toBe(DAECHI);
    expect(appSync.calls('GetListingRegion')).toHaveLength(1);
  });

  it('falls back to the complex of the conversation, then of the listing', async () => {
    const appSync = new FakeChatAppSync();
    appSync.addListing({ id: 'LST-1', complexId: 'CPX-2', regionCode: 'unknown' });
    appSync.addComplex({ id: 'CPX-2', name: '반포자이', regionCode: BANPO });
    const regionOf = regionLookup(async () => appSync.client());

    expect(await regionOf({ listingId: 'LST-1' })).toBe(BANPO);
    expect(await regionOf({ listingId: 'LST-missing', complexId: 'CPX-2' })).toBe(BANPO);
    expect(await regionOf({ listingId: 'LST-missing' })).toBeUndefined();
  });
});
