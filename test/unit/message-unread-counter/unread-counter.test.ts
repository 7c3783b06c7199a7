import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createUnreadCounter,
  MAX_COUNTING_ATTEMPTS,
} from '../../../amplify/functions/message-unread-counter/unread-counter';
import type { PlannedUpdate } from '../../../amplify/functions/message-unread-counter/unread-plan';
import {
  AppSyncGraphQLError,
  AppSyncUnavailableError,
  operationNameOf,
} from '../../../amplify/functions/shared/appsync-client';
import { processStreamBatch } from '../../../amplify/functions/shared/batch';
import { CONVERSATION_FIELDS, MEMBER_FIELDS } from '../../../amplify/functions/shared/chat/chat-fields';
import type { MessageRow } from '../../../amplify/functions/shared/chat/chat-message';
import { COUNTED_MARKER_SECONDS, countedMarkerId } from '../../../amplify/functions/shared/chat/unread';
import type { DataClient } from '../../../amplify/functions/shared/data-client';
import { logger } from '../../../amplify/functions/shared/logger';
import { BROKER, BUYER, message, NOW, STAFF } from '../../support/chat-fixtures';
import { lambdaContext } from '../../support/lambda-context';
import { parkingStreamRecords } from '../../support/stream-failures';
import { answeredGraphql, answeredList, answeredWrite, type TypedOptions } from '../../support/typed-data';
import { FakeChatTables } from './fake-table';

const IDEMPOTENCY_TABLE = 'idempotency-test';
const MEMBER_TABLE = 'ConversationMember-test';
const EARLIER = '2026-03-14T02:00:00.000Z';
const LATER = '2026-03-14T03:30:00.000Z';
const SENT_AT = '2026-03-14T02:59:59.000Z';
const TEXT = '안녕하세요, 은마 84㎡ 아직 있나요?';

const ddb = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);

type Condition = Record<string, unknown>;
type Call = {
  operation: string;
  /** The document, for the writes sent as one; '' for the typed client's model operations. */
  query: string;
  variables: Record<string, unknown>;
  /** A model operation's options (its selection set), as the store passed them. */
  options?: TypedOptions;
};

const conditionFailed = (operation: string) =>
  new AppSyncGraphQLError(
    operation,
    [{ errorType: 'DynamoDB:ConditionalCheckFailedException', message: 'The conditional request failed' }],
    null,
  );

/** An Amplify model condition (`and`, `or`, `attributeExists`, `lt`) evaluated on a row. */
function holds(condition: Condition | undefined, row: Record<string, unknown>): boolean {
  if (!condition) return true;
  return Object.entries(condition).every(([field, test]) => {
    if (field === 'or') return (test as Condition[]).some((each) => holds(each, row));
    if (field === 'and') return (test as Condition[]).every((each) => holds(each, row));
    const value = row[field];
    return Object.entries(test as Condition).every(([operator, operand]) => {
      if (operator === 'attributeExists') return (value !== undefined) === operand;
      if (operator === 'lt') return value !== undefined && String(value) < String(operand);
      throw new Error(`the fake AppSync does not know ${operator}`);
    });
  });
}

/**
 * The typed data client over the fake tables, for the operations the unread counter sends: the
 * member list (in pages of `pageSize`), the conditional previews (documents) and the touch (a model
 * update), with Amplify's resolver semantics (the row must exist, updatedAt is set). `published`
 * is what subscribers receive: each mutation's returned row.
 */
function fakeAppSync(tables: FakeChatTables, options: { pageSize?: number; listExtra?: string[] } = {}) {
  const calls: Call[] = [];
  const published: { model: string; row: Record<string, unknown> }[] = [];
  let failNext: { operation: string; error: Error } | undefined;

  const members = (conversationId: string) =>
    [...tables.rows.entries()]
      .filter(([id, row]) => id.startsWith('ConversationMember|') && row.conversationId === conversationId)
      .map(([, row]) => row);

  function update(model: PlannedUpdate['model'], operation: string, variables: Record<string, unknown>) {
    const { input, condition } = variables as { input: Record<string, string>; condition?: Condition };
    const key: Record<string, string> =
      model === 'Conversation'
        ? { id: input.id! }
        : { conversationId: input.conversationId!, userId: input.userId! };
    const row = tables.get(model, key);
    if (!row || !holds(condition, row)) throw conditionFailed(operation);
    const updated = { ...row, ...input, updatedAt: NOW.toISOString() };
    tables.put(model, key, updated);
    published.push({ model, row: updated });
    return updated;
  }

  async function answer(operation: string, variables: Record<string, unknown>, query = ''): Promise<unknown> {
    calls.push({ operation, query, variables: structuredClone(variables) });
    if (failNext?.operation === operation) {
      const { error } = failNext;
      failNext = undefined;
      throw error;
    }
    switch (operation) {
      case 'ListConversationMembers': {
        const all = [
          ...members(variables.conversationId as string).map((row) => row.userId as string),
          ...(options.listExtra ?? []),
        ];
        const start = Number(variables.nextToken ?? 0);
        const end = start + (options.pageSize ?? 100);
        const items = all.slice(start, end).map((userId) => ({ userId }));
        return { listConversationMembers: { items, nextToken: end < all.length ? String(end) : null } };
      }
      case 'UpdateConversationPreview':
        return { updateConversation: update('Conversation', operation, variables) };
      case 'UpdateMemberPreview':
      case 'TouchMember':
        return { updateConversationMember: update('ConversationMember', operation, variables) };
      default:
        throw new Error(`the fake AppSync does not know ${operation}`);
    }
  }

  /** A model operation, with the options it was called with kept on its call. */
  function recorded<A>(run: (args: A) => Promise<unknown>) {
    return (args: A, typedOptions: TypedOptions = {}) => {
      const result = run(args);
      // answer() logs the call before its first await: the last call is this one.
      calls.at(-1)!.options = typedOptions;
      return result;
    };
  }

  const client = {
    models: {
      ConversationMember: {
        list: recorded(answeredList(answer, 'ListConversationMembers')),
        update: recorded(answeredWrite(answer, 'TouchMember')),
      },
    },
    graphql: answeredGraphql(answer, operationNameOf),
  } as unknown as DataClient;
  return {
    client,
    calls,
    published,
    failOnce(operation: string, error: Error) {
      failNext = { operation, error };
    },
    mutations: (operation?: string) =>
      calls.filter(
        (call) =>
          call.operation !== 'ListConversationMembers' && (!operation || call.operation === operation),
      ),
  };
}

/** TransactWriteItems over the fake tables: all or nothing, with DynamoDB's CancellationReasons. */
function transactionsOn(tables: FakeChatTables, before?: (attempt: number) => void) {
  let attempt = 0;
  ddb.on(TransactWriteCommand).callsFake((input) => {
    before?.(++attempt);
    const [markerItem, ...updateItems] = input.TransactItems as {
      Put?: { Item: { id: string; expiration: number } };
      Update?: { Key: Record<string, string> } & Record<string, unknown>;
    }[];
    const marker = markerItem!.Put!.Item;
    const increments = updateItems.map(({ Update }) => ({
      model: 'ConversationMember' as const,
      key: Update!.Key,
      updateExpression: Update!.UpdateExpression as string,
      conditionExpression: Update!.ConditionExpression as string,
      expressionAttributeNames: Update!.ExpressionAttributeNames as Record<string, string>,
      expressionAttributeValues: Update!.ExpressionAttributeValues as Record<string, unknown>,
    }));
    const reasons = [
      { Code: tables.markers.has(marker.id) ? 'ConditionalCheckFailed' : 'None' },
      ...increments.map((update) => ({
        Code: tables.get('ConversationMember', update.key) ? 'None' : 'ConditionalCheckFailed',
      })),
    ];
    if (reasons.some((reason) => reason.Code !== 'None')) throw cancelled(...reasons.map((r) => r.Code));
    tables.transact(marker, increments);
    return {};
  });
}

const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({
    message: 'Transaction cancelled, please refer cancellation reasons for specific reasons',
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

function conversationWith(memberIds: string[], lastMessageAt = EARLIER) {
  const tables = new FakeChatTables();
  tables.put('Conversation', { id: 'conv-1' }, { memberIds, lastMessageAt, lastMessagePreview: '처음' });
  for (const userId of memberIds) {
    tables.put(
      'ConversationMember',
      { conversationId: 'conv-1', userId },
      { memberIds, unreadCount: 0, lastMessageAt, lastMessagePreview: '처음' },
    );
  }
  return tables;
}

function removeMember(tables: FakeChatTables, userId: string) {
  for (const [id, row] of tables.rows) {
    if (id.startsWith('ConversationMember|') && row.userId === userId) tables.rows.delete(id);
  }
}

const unread = (tables: FakeChatTables, userId: string) =>
  tables.get('ConversationMember', { conversationId: 'conv-1', userId })?.unreadCount;
const memberRow = (tables: FakeChatTables, userId: string) =>
  tables.get('ConversationMember', { conversationId: 'conv-1', userId });

let sequence = 100;

function insertRecord(sent: MessageRow, eventID = `event-${sent.id}`): DynamoDBRecord {
  return {
    eventID,
    eventName: 'INSERT',
    eventSource: 'aws:dynamodb',
    awsRegion: 'ap-northeast-2',
    dynamodb: {
      Keys: { id: { S: sent.id } },
      NewImage: marshall(sent, { removeUndefinedValues: true }) as never,
      SequenceNumber: String(++sequence),
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  };
}

async function runBatch(records: DynamoDBRecord[], client: DataClient, sleep = vi.fn(async () => undefined)) {
  const counter = createUnreadCounter({ data: async () => client, now: () => NOW, sleep });
  const event: DynamoDBStreamEvent = { Records: records };
  const response = await processStreamBatch(event, (record) => counter.countRecord(record), lambdaContext());
  return response.batchItemFailures.map((failure) => failure.itemIdentifier);
}

/** The id a stream record is reported by in batchItemFailures. */
const reported = (record: DynamoDBRecord) => record.dynamodb!.SequenceNumber!;

const everyField = (fields: string) => fields.split(/\s+/).filter((field) => /^\w+$/.test(field));

beforeEach(() => {
  ddb.reset();
  vi.stubEnv('IDEMPOTENCY_TABLE_NAME', IDEMPOTENCY_TABLE);
  vi.stubEnv('CONVERSATION_MEMBER_TABLE_NAME', MEMBER_TABLE);
});

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('message-unread-counter', () => {
  const members = [BUYER, BROKER, STAFF];

  it('adds one unread for every other member, none for the sender, in one transaction with the marker', async () => {
    const tables = conversationWith(members);
    transactionsOn(tables);
    const appSync = fakeAppSync(tables);
    const sent = message({ memberIds: members });

    expect(await runBatch([insertRecord(sent)], appSync.client)).toEqual([]);

    expect([unread(tables, BUYER), unread(tables, BROKER), unread(tables, STAFF)]).toEqual([0, 1, 1]);
    const transactions = ddb.commandCalls(TransactWriteCommand);
    expect(transactions).toHaveLength(1);
    const [marker, ...increments] = transactions[0]!.args[0].input.TransactItems!;
    expect(marker!.Put).toMatchObject({
      TableName: IDEMPOTENCY_TABLE,
      Item: { id: countedMarkerId('msg-1'), expiration: NOW.getTime() / 1000 + COUNTED_MARKER_SECONDS },
      ConditionExpression: 'attribute_not_exists(#id)',
    });
    expect(increments.map((item) => [item.Update?.TableName, item.Update?.Key])).toEqual([
      [MEMBER_TABLE, { conversationId: 'conv-1', userId: BROKER }],
      [MEMBER_TABLE, { conversationId: 'conv-1', userId: STAFF }],
    ]);
  });

  it('shows the message as the last one on the conversation and every member row through AppSync', async () => {
    const tables = conversationWith(members);
    transactionsOn(tables);
    const appSync = fakeAppSync(tables);

    await runBatch([insertRecord(message({ memberIds: members, createdAt: SENT_AT }))], appSync.client);

    const shown = { lastMessageAt: SENT_AT, lastMessagePreview: TEXT };
    expect(tables.get('Conversation', { id: 'conv-1' })).toMatchObject(shown);
    for (const userId of members) expect(memberRow(tables, userId)).toMatchObject(shown);
    // Subscribers receive each member row with its new unread count.
    const brokerRows = appSync.published.filter(({ row }) => row.userId === BROKER);
    expect(brokerRows.at(-1)?.row).toMatchObject({ unreadCount: 1, ...shown });
    expect(appSync.mutations('TouchMember')).toEqual([]);
  });

  it('sends the preview with the condition "no last message yet, or an older one"', async () => {
    const tables = conversationWith(members);
    transactionsOn(tables);
    const appSync = fakeAppSync(tables);

    await runBatch([insertRecord(message({ memberIds: members, createdAt: SENT_AT }))], appSync.client);

    const condition = {
      or: [{ lastMessageAt: { attributeExists: false } }, { lastMessageAt: { lt: SENT_AT } }],
    };
    expect(appSync.mutations('UpdateConversationPreview')[0]?.variables).toEqual({
      input: { id: 'conv-1', lastMessageAt: SENT_AT, lastMessagePreview: TEXT },
      condition,
    });
    expect(appSync.mutations('UpdateMemberPreview').map((call) => call.variables)).toEqual(
      members.map((userId) => ({
        input: { conversationId: 'conv-1', userId, lastMessageAt: SENT_AT, lastMessagePreview: TEXT },
        condition,
      })),
    );
  });

  it('selects every field of the rows it writes, unreadCount included, so subscribers get whole rows', async () => {
    const tables = conversationWith(members, LATER);
    transactionsOn(tables);
    const appSync = fakeAppSync(tables);

    await runBatch([insertRecord(message({ memberIds: members }))], appSync.client);

    const selected = (operation: string) => appSync.mutations(operation)[0]?.query ?? '';
    expect(selected('UpdateMemberPreview')).toMatch(/\bunreadCount\b/);
    for (const field of everyField(MEMBER_FIELDS))
      expect(selected('UpdateMemberPreview')).toMatch(new RegExp(`\\b${field}\\b`));
    for (const field of everyField(CONVERSATION_FIELDS)) {
      expect(selected('UpdateConversationPreview')).toMatch(new RegExp(`\\b${field}\\b`));
    }
    // The touch is the typed client's update: without a selection set, it selects every field.
    const touches = appSync.mutations('TouchMember');
    expect(touches).toHaveLength(2);
    for (const touch of touches) expect(touch.options).toEqual({});
  });

  it('touches the recipients whose row shows a newer message, so they still see their unread count', async () => {
    const tables = conversationWith(members, LATER);
    transactionsOn(tables);
    const appSync = fakeAppSync(tables);

    expect(await runBatch([insertRecord(message({ memberIds: members }))], appSync.client)).toEqual([]);

    expect(tables.get('Conversation', { id: 'conv-1' })).toMatchObject({ lastMessageAt: LATER });
    expect(memberRow(tables, BROKER)).toMatchObject({ lastMessageAt: LATER, unreadCount: 1 });
    expect(appSync.mutations('TouchMember').map((call) => call.variables)).toEqual([
      { input: { conversationId: 'conv-1', userId: BROKER } },
      { input: { conversationId: 'conv-1', userId: STAFF } },
    ]);
    const touched = appSync.published.filter(({ row }) => row.userId === BROKER);
    expect(touched.map(({ row }) => row.unreadCount)).toEqual([1]);
  });

  it('reads every page of members', async () => {
    const tables = conversationWith(members);
    transactionsOn(tables);
    const appSync = fakeAppSync(tables, { pageSize: 1 });

    await runBatch([insertRecord(message({ memberIds: members }))], appSync.client);

    expect(appSync.calls.filter((call) => call.operation === 'ListConversationMembers')).toHaveLength(3);
    expect(unread(tables, STAFF)).toBe(1);
  });

  describe('a retried record', () => {
    it('does not count the message again, and publishes the rows again', async () => {
      const tables = conversationWith(members);
      transactionsOn(tables);
      const appSync = fakeAppSync(tables);
      const record = insertRecord(message({ memberIds: members }));

      await runBatch([record], appSync.client);
      const firstRunMutations = appSync.mutations().length;
      expect(await runBatch([record], appSync.client)).toEqual([]);

      expect([unread(tables, BUYER), unread(tables, BROKER), unread(tables, STAFF)]).toEqual([0, 1, 1]);
      const retried = appSync.mutations().slice(firstRunMutations);
      expect(retried.filter((call) => call.operation === 'UpdateMemberPreview')).toHaveLength(3);
      // The previews are in place already: the recipients' rows are published by a touch.
      expect(
        retried.filter((call) => call.operation === 'TouchMember').map((call) => call.variables),
      ).toEqual([
        { input: { conversationId: 'conv-1', userId: BROKER } },
        { input: { conversationId: 'conv-1', userId: STAFF } },
      ]);
    });

    it('repairs a run that failed after counting: the previews are written, the count stays', async () => {
      const tables = conversationWith(members);
      transactionsOn(tables);
      const appSync = fakeAppSync(tables);
      const record = insertRecord(message({ memberIds: members, createdAt: SENT_AT }));
      appSync.failOnce(
        'UpdateConversationPreview',
        new AppSyncUnavailableError('AppSync answered HTTP 503', 503),
      );

      expect(await runBatch([record], appSync.client)).toEqual([reported(record)]);
      expect(unread(tables, BROKER)).toBe(1);

      expect(await runBatch([record], appSync.client)).toEqual([]);
      expect(unread(tables, BROKER)).toBe(1);
      expect(tables.get('Conversation', { id: 'conv-1' })).toMatchObject({ lastMessageAt: SENT_AT });
    });
  });

  describe('members changing meanwhile', () => {
    it('plans again without a member who left between the read and the transaction', async () => {
      const tables = conversationWith(members);
      transactionsOn(tables, (attempt) => {
        if (attempt === 1) removeMember(tables, STAFF);
      });
      const appSync = fakeAppSync(tables);

      expect(await runBatch([insertRecord(message({ memberIds: members }))], appSync.client)).toEqual([]);

      expect(unread(tables, BROKER)).toBe(1);
      expect(memberRow(tables, STAFF)).toBeUndefined();
      const transactions = ddb.commandCalls(TransactWriteCommand);
      expect(transactions).toHaveLength(2);
      expect(transactions[1]!.args[0].input.TransactItems!.map((item) => item.Update?.Key?.userId)).toEqual([
        undefined,
        BROKER,
      ]);
    });

    it(`gives up after ${MAX_COUNTING_ATTEMPTS} cancelled transactions and reports the record for retry`, async () => {
      const tables = conversationWith([BUYER, BROKER]);
      transactionsOn(tables);
      // A member listed without a row, as if leaving again and again.
      const appSync = fakeAppSync(tables, { listExtra: [STAFF] });
      const record = insertRecord(message({ memberIds: members }));

      expect(await runBatch([record], appSync.client)).toEqual([reported(record)]);

      expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(MAX_COUNTING_ATTEMPTS);
      expect(unread(tables, BROKER)).toBe(0);
      expect(appSync.mutations()).toEqual([]);
    });

    it('tries again after a moment when another transaction held a row', async () => {
      const tables = conversationWith(members);
      transactionsOn(tables, (attempt) => {
        if (attempt === 1) throw cancelled('None', 'TransactionConflict', 'None');
      });
      const appSync = fakeAppSync(tables);
      const sleep = vi.fn(async () => undefined);

      expect(await runBatch([insertRecord(message({ memberIds: members }))], appSync.client, sleep)).toEqual(
        [],
      );

      expect(sleep).toHaveBeenCalledTimes(1);
      expect(unread(tables, BROKER)).toBe(1);
    });
  });

  it('reports the record when DynamoDB refuses the transaction for another reason', async () => {
    const tables = conversationWith(members);
    ddb.on(TransactWriteCommand).rejects(cancelled('None', 'ThrottlingError', 'None'));
    const appSync = fakeAppSync(tables);
    const record = insertRecord(message({ memberIds: members }));

    expect(await runBatch([record], appSync.client)).toEqual([reported(record)]);
    expect(appSync.mutations()).toEqual([]);
  });

  describe('a SYSTEM message', () => {
    it('without notify updates the previews and counts for nobody', async () => {
      const tables = conversationWith(members);
      transactionsOn(tables);
      const appSync = fakeAppSync(tables);
      const welcome = message({
        memberIds: members,
        senderId: 'system',
        kind: 'SYSTEM',
        body: '대화가 시작되었습니다.',
      });

      expect(await runBatch([insertRecord(welcome)], appSync.client)).toEqual([]);

      expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
      expect(members.map((userId) => unread(tables, userId))).toEqual([0, 0, 0]);
      for (const userId of members) {
        expect(memberRow(tables, userId)).toMatchObject({ lastMessagePreview: '대화가 시작되었습니다.' });
      }
      expect(tables.get('Conversation', { id: 'conv-1' })).toMatchObject({
        lastMessagePreview: '대화가 시작되었습니다.',
      });
    });

    it('with notify counts for every member', async () => {
      const tables = conversationWith(members);
      transactionsOn(tables);
      const appSync = fakeAppSync(tables);
      const joined = message({ memberIds: members, senderId: 'system', kind: 'SYSTEM', notify: true });

      await runBatch([insertRecord(joined)], appSync.client);

      expect(members.map((userId) => unread(tables, userId))).toEqual([1, 1, 1]);
    });
  });

  describe('in a batch', () => {
    it('parks a record without a NewImage on stream-failures and processes the others', async () => {
      const tables = conversationWith(members);
      transactionsOn(tables);
      const appSync = fakeAppSync(tables);
      const poison: DynamoDBRecord = { ...insertRecord(message({ id: 'msg-x' })), eventID: 'event-poison' };
      delete poison.dynamodb!.NewImage;
      const first = message({ id: 'msg-1', memberIds: members, createdAt: '2026-03-14T02:59:58.000Z' });
      const second = message({ id: 'msg-2', memberIds: members, senderId: BROKER, createdAt: SENT_AT });
      // A permanent error is not reported: reporting it would retry it until it ages out.
      const { result, parked } = await parkingStreamRecords(sqs, () =>
        runBatch([insertRecord(first), poison, insertRecord(second)], appSync.client),
      );
      expect(result).toEqual([]);
      expect(parked.map((record) => record.record.eventID)).toEqual(['event-poison']);
      expect([unread(tables, BUYER), unread(tables, BROKER), unread(tables, STAFF)]).toEqual([1, 1, 2]);
      expect(tables.get('Conversation', { id: 'conv-1' })).toMatchObject({ lastMessageAt: SENT_AT });
    });

    it('parks a record whose message lacks its conversation', async () => {
      const tables = conversationWith(members);
      transactionsOn(tables);
      const appSync = fakeAppSync(tables);
      const { conversationId: _dropped, ...withoutConversation } = message({ id: 'msg-x' });
      const { result, parked } = await parkingStreamRecords(sqs, () =>
        runBatch([insertRecord(withoutConversation as MessageRow)], appSync.client),
      );
      expect(result).toEqual([]);
      expect(parked).toHaveLength(1);
      expect(appSync.calls).toEqual([]);
    });

    it('reports only the record whose AppSync write failed, and processes the others', async () => {
      const tables = conversationWith(members);
      transactionsOn(tables);
      const appSync = fakeAppSync(tables);
      const first = insertRecord(
        message({ id: 'msg-1', memberIds: members, createdAt: '2026-03-14T02:59:58.000Z' }),
      );
      const second = insertRecord(message({ id: 'msg-2', memberIds: members, createdAt: SENT_AT }));
      appSync.failOnce(
        'UpdateConversationPreview',
        new AppSyncUnavailableError('AppSync answered HTTP 503', 503),
      );

      expect(await runBatch([first, second], appSync.client)).toEqual([reported(first)]);
      expect(unread(tables, BROKER)).toBe(2);
    });
  });

  it('never logs the message text', async () => {
    const tables = conversationWith(members);
    const appSync = fakeAppSync(tables);
    const logged = (['debug', 'info', 'warn', 'error'] as const).map((level) => vi.spyOn(logger, level));
    transactionsOn(tables, (attempt) => {
      if (attempt === 1) throw cancelled('None', 'TransactionConflict', 'None');
    });

    await runBatch([insertRecord(message({ memberIds: members }))], appSync.client);

    const lines = logged.flatMap((spy) => spy.mock.calls.map((args) => JSON.stringify(args)));
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).not.toContain('은마');
  });
});
