import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  type PutCommandInput,
  ScanCommand,
  type ScanCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  SWEEP_RETENTION_SECONDS,
  sweepStore,
  unreadMemberPages,
} from '../../../amplify/functions/chat-reminder/reminder-store';

const TABLE = 'sandbox-idempotency';
const MEMBERS = 'ConversationMember-abc123-NONE';
const NOW = new Date('2026-03-14T10:00:00.000Z');

const dynamo = mockClient(DynamoDBDocumentClient);
const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'ap-northeast-2' }));

beforeEach(() => {
  dynamo.reset();
});

describe('unreadMemberPages', () => {
  const pages = unreadMemberPages({ tableName: () => MEMBERS, dynamo: client });

  it('scans for rows with something unread, reading what the decision needs and no preview text', async () => {
    const row = { conversationId: 'c-1', userId: 'u-1', unreadCount: 2 };
    dynamo
      .on(ScanCommand)
      .resolves({ Items: [row], LastEvaluatedKey: { conversationId: 'c-1', userId: 'u-1' } });
    expect(await pages({ conversationId: 'c-0', userId: 'u-9' }, 200)).toEqual({
      members: [row],
      next: { conversationId: 'c-1', userId: 'u-1' },
    });
    const input = dynamo.commandCalls(ScanCommand)[0]!.args[0].input as ScanCommandInput;
    expect(input).toMatchObject({
      TableName: MEMBERS,
      Limit: 200,
      ExclusiveStartKey: { conversationId: 'c-0', userId: 'u-9' },
      FilterExpression: '#unreadCount > :zero',
      ExpressionAttributeValues: { ':zero': 0 },
    });
    const names = Object.values(input.ExpressionAttributeNames ?? {});
    expect(names).not.toContain('lastMessagePreview');
    expect(names.sort()).toEqual([
      'conversationId',
      'lastReadAt',
      'muted',
      'mutedUntil',
      'unreadCount',
      'userId',
    ]);
    // Every placeholder the expressions use is defined, and no other.
    const used = new Set(`${input.ProjectionExpression} ${input.FilterExpression}`.match(/#\w+/g));
    expect(new Set(Object.keys(input.ExpressionAttributeNames ?? {}))).toEqual(used);
  });

  it('starts from the beginning without a position and ends without a next key', async () => {
    dynamo.on(ScanCommand).resolves({});
    expect(await pages(undefined, 200)).toEqual({ members: [] });
    expect(dynamo.commandCalls(ScanCommand)[0]!.args[0].input).not.toHaveProperty('ExclusiveStartKey');
  });
});

describe('sweepStore', () => {
  const store = sweepStore({ tableName: () => TABLE, dynamo: client });
  const puts = () => dynamo.commandCalls(PutCommand).map((call) => call.args[0].input as PutCommandInput);

  it('reads the day’s record strongly consistent, and a missing record as a sweep not started', async () => {
    dynamo.on(GetCommand).resolves({});
    expect(await store.load('2026-03-14')).toEqual({ done: false });
    expect(dynamo.commandCalls(GetCommand)[0]!.args[0].input).toMatchObject({
      TableName: TABLE,
      Key: { id: 'chat-reminder:sweep:2026-03-14' },
      ConsistentRead: true,
    });
  });

  it('reads back a saved position and a finished sweep', async () => {
    dynamo
      .on(GetCommand)
      .resolvesOnce({ Item: { id: 'x', done: false, position: { conversationId: 'c-1', userId: 'u-1' } } })
      .resolvesOnce({ Item: { id: 'x', done: true } });
    expect(await store.load('2026-03-14')).toEqual({
      done: false,
      position: { conversationId: 'c-1', userId: 'u-1' },
    });
    expect(await store.load('2026-03-14')).toEqual({ done: true });
  });

  it('saves the position and then the end of the sweep, each expiring after a few days', async () => {
    dynamo.on(PutCommand).resolves({});
    await store.save('2026-03-14', { conversationId: 'c-1', userId: 'u-1' }, NOW);
    await store.save('2026-03-14', undefined, NOW);
    await store.finish('2026-03-14', NOW);
    const expiration = NOW.getTime() / 1000 + SWEEP_RETENTION_SECONDS;
    expect(puts().map((input) => input.Item)).toEqual([
      {
        id: 'chat-reminder:sweep:2026-03-14',
        done: false,
        position: { conversationId: 'c-1', userId: 'u-1' },
        updatedAt: NOW.toISOString(),
        expiration,
      },
      { id: 'chat-reminder:sweep:2026-03-14', done: false, updatedAt: NOW.toISOString(), expiration },
      { id: 'chat-reminder:sweep:2026-03-14', done: true, updatedAt: NOW.toISOString(), expiration },
    ]);
  });
});
