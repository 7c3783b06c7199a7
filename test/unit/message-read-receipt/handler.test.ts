import { PublishCommand, type PublishCommandInput, SNSClient } from '@aws-sdk/client-sns';
import { SendMessageBatchCommand, type SendMessageBatchCommandInput, SQSClient } from '@aws-sdk/client-sqs';
import { BatchGetCommand, type BatchGetCommandInput, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createHandler } from '../../../amplify/functions/message-read-receipt/handler';
import { receiptStore } from '../../../amplify/functions/message-read-receipt/receipt-store';
import { SETTLED_AFTER_MS } from '../../../amplify/functions/message-read-receipt/unread-reset';
import {
  type AppSyncClient,
  AppSyncGraphQLError,
  AppSyncUnavailableError,
  operationNameOf,
} from '../../../amplify/functions/shared/appsync-client';
import { MEMBER_FIELDS } from '../../../amplify/functions/shared/chat/chat-fields';
import type { ConversationMemberRow } from '../../../amplify/functions/shared/chat/chat-message';
import { countsForReader, type RecountedMessage } from '../../../amplify/functions/shared/chat/unread';
import type { DataClient } from '../../../amplify/functions/shared/data-client';
import { publishEvent } from '../../../amplify/functions/shared/events';
import { badgeCount } from '../../../amplify/functions/shared/push/badge';
import {
  type PushRequest,
  parsePushRequest,
  queuePushes,
} from '../../../amplify/functions/shared/push/push-request';
import { BROKER, BUYER, member, NOW, STAFF } from '../../support/chat-fixtures';
import { lambdaContext } from '../../support/lambda-context';
import { answeredGet, answeredGraphql, answeredPage, badgeModels } from '../../support/typed-data';

const TABLE = 'sandbox-idempotency';
const TOPIC_ARN = 'arn:aws:sns:ap-northeast-2:123456789012:sandbox-chat-events';
const QUEUE_URL = 'https://sqs.ap-northeast-2.amazonaws.com/123456789012/sandbox-push';
const READ_BEFORE = '2026-03-14T02:00:00.000Z';
const READ_AT = '2026-03-14T02:30:00.000Z';
const CONDITIONAL_CHECK_FAILED = 'DynamoDB:ConditionalCheckFailedException';

const sns = mockClient(SNSClient);
const sqs = mockClient(SQSClient);
const dynamo = mockClient(DynamoDBDocumentClient);

type MemberState = ConversationMemberRow & { updatedAt: string };

/**
 * AppSync as message-read-receipt sees it: member rows (with updatedAt, changed by every write),
 * the conversation's messages (answered in pages of `pageSize`) and the badge index. Conditions
 * are checked the way the update resolver does. Every operation is recorded in `log`.
 */
class FakeAppSync implements AppSyncClient {
  readonly rows = new Map<string, MemberState>();
  messages: RecountedMessage[] = [];
  /** What the userId index shows per user (it may lag the table). */
  memberships = new Map<string, { conversationId: string; unreadCount: number }[]>();
  unreadNotifications = new Map<string, number>();
  pageSize = 1000;
  /** Answers to the next GetMemberUnread calls instead of the row: eventually consistent reads. */
  staleReads: MemberState[] = [];
  /** Runs before each conditional write is checked: a concurrent increment, say. */
  beforeWrite: ((attempt: number) => void) | undefined;
  writes = 0;
  failures = new Map<string, Error>();
  readonly log: { operation: string; query: string; variables: Record<string, unknown> }[] = [];
  /** Called with each operation as it arrives: for tests of the order of reads. */
  onCall: ((operation: string) => void) | undefined;
  private clock = 0;

  put(row: ConversationMemberRow) {
    this.rows.set(`${row.conversationId}|${row.userId}`, { ...row, updatedAt: this.tick() });
  }

  row(userId: string, conversationId = 'conv-1') {
    return this.rows.get(`${conversationId}|${userId}`);
  }

  /** The unread counter's +1 landing, marker and all. */
  increment(userId: string, message: RecountedMessage) {
    const row = this.row(userId)!;
    this.messages.push(message);
    counted.add(message.id);
    Object.assign(row, { unreadCount: row.unreadCount + 1, updatedAt: this.tick() });
  }

  calls(operation: string) {
    return this.log.filter((call) => call.operation === operation);
  }

  private tick() {
    this.clock += 1;
    return new Date(NOW.getTime() - 60_000 + this.clock).toISOString();
  }

  async graphql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    return (await this.answer(operationNameOf(query), variables, query)) as T;
  }

  /** The typed client, answered by the same rows and failures. */
  client(): DataClient {
    const answers = (operation: string, variables: Record<string, unknown>) =>
      this.answer(operation, variables, '');
    return {
      models: {
        ...badgeModels(answers),
        ConversationMember: {
          ...badgeModels(answers).ConversationMember,
          get: answeredGet(answers, 'GetMemberUnread'),
        },
        Message: { listMessagesByConversation: answeredPage(answers, 'ListMessagesToRecount') },
      },
      graphql: answeredGraphql(
        (operation, variables, query) => this.answer(operation, variables, query ?? ''),
        operationNameOf,
      ),
    } as unknown as DataClient;
  }

  private async answer(
    operation: string,
    variables: Record<string, unknown>,
    query: string,
  ): Promise<unknown> {
    this.log.push({ operation, query, variables: structuredClone(variables) });
    this.onCall?.(operation);
    const failure = this.failures.get(operation);
    if (failure) throw failure;
    const page = <I>(field: string, items: I[]) => {
      const start = variables.nextToken ? Number(variables.nextToken) : 0;
      const end = start + this.pageSize;
      return {
        [field]: { items: items.slice(start, end), nextToken: end < items.length ? String(end) : null },
      };
    };
    switch (operation) {
      case 'GetMemberUnread': {
        const row =
          this.staleReads.shift() ?? this.row(String(variables.userId), String(variables.conversationId));
        return { getConversationMember: row ? structuredClone(row) : null };
      }
      case 'ListMessagesToRecount': {
        const after = (variables.createdAt as { gt?: string } | null)?.gt;
        const items = this.messages
          .filter((m) => after === undefined || m.createdAt > after)
          .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
        return page('listMessagesByConversation', items);
      }
      case 'ResetUnreadCount':
        return { updateConversationMember: this.update(variables) };
      case 'BadgeMemberships':
        return page('listMembershipsByUser', this.memberships.get(String(variables.userId)) ?? []);
      case 'BadgeNotifications': {
        const count = this.unreadNotifications.get(String(variables.userId)) ?? 0;
        return page(
          'listNotificationsByUser',
          Array.from({ length: count }, (_, i) => ({ id: `n-${i}` })),
        );
      }
      default:
        throw new Error(`unexpected operation ${operation}`);
    }
  }

  private update(variables: Record<string, unknown>) {
    this.writes += 1;
    this.beforeWrite?.(this.writes);
    const input = variables.input as { conversationId: string; userId: string; unreadCount: number };
    const condition = variables.condition as Record<string, { eq: unknown }>;
    const row = this.row(input.userId, input.conversationId);
    const holds =
      row !== undefined &&
      Object.entries(condition).every(
        ([field, { eq }]) => (row as unknown as Record<string, unknown>)[field] === eq,
      );
    if (!holds) {
      throw new AppSyncGraphQLError(
        'ResetUnreadCount',
        [{ errorType: CONDITIONAL_CHECK_FAILED, message: 'The conditional request failed' }],
        { updateConversationMember: null },
      );
    }
    Object.assign(row, { unreadCount: input.unreadCount, updatedAt: this.tick() });
    return structuredClone(row);
  }
}

let appSync: FakeAppSync;
/** Messages the unread counter has counted: their markers in the idempotency table. */
let counted: Set<string>;
/** Marker keys BatchGetItem leaves unprocessed on its first call. */
let unprocessedOnce: number;

const handler = () =>
  createHandler({
    store: receiptStore({
      data: async () => appSync.client(),
      idempotencyTableName: () => TABLE,
      sleep: async () => undefined,
    }),
    publish: (event) => publishEvent(TOPIC_ARN, event),
    badge: (userId) => badgeCount(userId, appSync.client()),
    queue: (requests) => queuePushes(QUEUE_URL, requests),
    now: () => NOW,
    sleep: async () => undefined,
  });

/** A MODIFY of a member row; `sequenceNumber` is what a partial batch response reports. */
function modify(
  before: ConversationMemberRow,
  after: ConversationMemberRow | Record<string, unknown>,
  sequenceNumber = '100',
): DynamoDBRecord {
  const image = (row: object) => marshall(row, { removeUndefinedValues: true }) as never;
  return {
    eventID: `event-${sequenceNumber}`,
    eventName: 'MODIFY',
    eventSource: 'aws:dynamodb',
    awsRegion: 'ap-northeast-2',
    dynamodb: {
      Keys: image({ conversationId: before.conversationId, userId: before.userId }),
      OldImage: image(before),
      NewImage: 'userId' in after ? image(after) : (after as never),
      SequenceNumber: sequenceNumber,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  };
}

/** The broker read the conversation up to READ_AT (the markRead mutation's change). */
function brokerRead(lastReadAt = READ_AT, sequenceNumber = '100') {
  const before = member(BROKER, { unreadCount: 9, lastReadAt: READ_BEFORE, lastReadMessageId: 'm-0' });
  return modify(before, { ...before, lastReadAt, lastReadMessageId: 'm-read' }, sequenceNumber);
}

async function run(...records: DynamoDBRecord[]) {
  const response = await handler()({ Records: records }, lambdaContext());
  return response.batchItemFailures.map((failure) => failure.itemIdentifier);
}

let sequence = 0;
/** A message from the buyer to everyone, sent `minutes` after READ_AT. */
function sent(minutes: number, overrides: Partial<RecountedMessage> = {}): RecountedMessage {
  sequence += 1;
  return {
    id: `m-${sequence}`,
    createdAt: new Date(Date.parse(READ_AT) + minutes * 60_000).toISOString(),
    senderId: BUYER,
    memberIds: [BUYER, BROKER, STAFF],
    kind: 'TEXT',
    notify: null,
    deletedAt: null,
    ...overrides,
  };
}

/** Adds messages to the conversation; `count: true` also puts their markers. */
function messages(count: boolean, ...rows: RecountedMessage[]) {
  appSync.messages.push(...rows);
  if (count) for (const row of rows) counted.add(row.id);
}

const writes = () => appSync.calls('ResetUnreadCount');
const published = () =>
  sns.commandCalls(PublishCommand).map((call) => call.args[0].input as PublishCommandInput);
const queued = (): PushRequest[] =>
  sqs
    .commandCalls(SendMessageBatchCommand)
    .flatMap((call) =>
      (call.args[0].input as SendMessageBatchCommandInput).Entries!.map((entry) =>
        parsePushRequest(entry.MessageBody!),
      ),
    );
const markerReads = () =>
  dynamo.commandCalls(BatchGetCommand).map((call) => call.args[0].input as BatchGetCommandInput);

beforeEach(() => {
  sns.reset();
  sqs.reset();
  dynamo.reset();
  sequence = 0;
  counted = new Set();
  unprocessedOnce = 0;
  appSync = new FakeAppSync();
  // The row as the markRead mutation left it: the new read position, the old unread count.
  appSync.put(member(BROKER, { unreadCount: 9, lastReadAt: READ_AT, lastReadMessageId: 'm-read' }));
  appSync.put(member(BUYER, { unreadCount: 0 }));
  sns.on(PublishCommand).resolves({ MessageId: 'sns-1' });
  sqs.on(SendMessageBatchCommand).callsFake((input: SendMessageBatchCommandInput) => ({
    Successful: (input.Entries ?? []).map((entry) => ({
      Id: entry.Id,
      MessageId: 'm',
      MD5OfMessageBody: 'x',
    })),
    Failed: [],
  }));
  dynamo.on(BatchGetCommand).callsFake((input: BatchGetCommandInput) => {
    const keys = input.RequestItems![TABLE]!.Keys!;
    const held = keys.slice(0, unprocessedOnce);
    unprocessedOnce = 0;
    const asked = keys.slice(held.length);
    return {
      Responses: {
        [TABLE]: asked
          .filter((key) => counted.has(String(key.id).replace(/^unread-counter:/, '')))
          .map((key) => ({ id: key.id })),
      },
      ...(held.length > 0 ? { UnprocessedKeys: { [TABLE]: { Keys: held } } } : {}),
    };
  });
});

describe('message-read-receipt: the exact unread reset', () => {
  it('counts only the counted messages after lastReadAt that notify the reader, and writes that count', async () => {
    messages(true, sent(-10)); // read already
    const counts = [sent(1), sent(2, { kind: 'SYSTEM', notify: true })];
    messages(true, ...counts);
    messages(
      true,
      sent(3, { senderId: BROKER }), // the reader's own
      sent(4, { kind: 'SYSTEM' }), // a SYSTEM message that does not notify
      sent(5, { memberIds: [BUYER, STAFF] }), // sent before the reader joined
      sent(6, { deletedAt: '2026-03-14T02:40:00.000Z' }), // deleted
    );
    messages(false, sent(7)); // not counted yet: the counter adds it itself

    expect(await run(brokerRead())).toEqual([]);

    expect(appSync.calls('ListMessagesToRecount')[0]!.variables).toEqual({
      conversationId: 'conv-1',
      createdAt: { gt: READ_AT },
    });
    expect(writes()).toHaveLength(1);
    expect(writes()[0]!.variables).toEqual({
      input: { conversationId: 'conv-1', userId: BROKER, unreadCount: counts.length },
      condition: {
        unreadCount: { eq: 9 },
        lastReadAt: { eq: READ_AT },
        updatedAt: { eq: expect.any(String) },
      },
    });
    expect(appSync.row(BROKER)!.unreadCount).toBe(2);
  });

  it('selects every member field in the reset, so that subscribed devices receive the whole row', async () => {
    messages(true, sent(1));
    await run(brokerRead());
    const query = writes()[0]!.query.replace(/\s+/g, ' ');
    expect(query).toContain(
      'updateConversationMember(input: $input, condition: $condition) { ' +
        `${MEMBER_FIELDS.replace(/\s+/g, ' ')} }`,
    );
  });

  it('reads the member row before the markers, and the markers strongly consistent', async () => {
    messages(true, sent(1));
    const order: string[] = [];
    appSync.onCall = (operation) => order.push(operation);
    dynamo.on(BatchGetCommand).callsFake((input: BatchGetCommandInput) => {
      order.push('BatchGetItem');
      return { Responses: { [TABLE]: input.RequestItems![TABLE]!.Keys! } };
    });
    await run(brokerRead());
    expect(order.slice(0, 3)).toEqual(['GetMemberUnread', 'ListMessagesToRecount', 'BatchGetItem']);
    expect(markerReads()[0]!.RequestItems![TABLE]).toMatchObject({
      Keys: [{ id: 'unread-counter:m-1' }],
      ConsistentRead: true,
    });
  });

  it('writes nothing when the count is already right', async () => {
    messages(true, sent(1), sent(2));
    appSync.row(BROKER)!.unreadCount = 2;
    expect(await run(brokerRead())).toEqual([]);
    expect(writes()).toEqual([]);
    expect(published()).toHaveLength(1);
  });

  it('reads the row again and recounts when an increment landed between the read and the write', async () => {
    messages(true, sent(1), sent(2));
    const late = sent(3);
    appSync.beforeWrite = (attempt) => {
      if (attempt === 1) appSync.increment(BROKER, late);
    };
    expect(await run(brokerRead())).toEqual([]);
    expect(appSync.calls('GetMemberUnread')).toHaveLength(2);
    expect(writes().map((call) => call.variables.input)).toEqual([
      { conversationId: 'conv-1', userId: BROKER, unreadCount: 2 },
      { conversationId: 'conv-1', userId: BROKER, unreadCount: 3 },
    ]);
    expect((writes()[1]!.variables.condition as { unreadCount: unknown }).unreadCount).toEqual({ eq: 10 });
    expect(appSync.row(BROKER)!.unreadCount).toBe(3);
  });

  it('does not trust a stale read that shows the same count again after our earlier reset (A-B-A)', async () => {
    messages(true, sent(1), sent(2));
    const row = appSync.row(BROKER)!;
    // Before an earlier reset the row had 4 unread; after it, 3; then a message arrives mid-write.
    appSync.staleReads = [{ ...row, unreadCount: 4, updatedAt: '2026-03-14T02:30:00.000Z' }];
    row.unreadCount = 3;
    appSync.beforeWrite = (attempt) => {
      if (attempt === 1) appSync.increment(BROKER, sent(3));
    };
    expect(await run(brokerRead())).toEqual([]);
    // Same unreadCount as read, but not the same row: the write is refused, the row read again.
    expect(writes().map((call) => (call.variables.input as { unreadCount: number }).unreadCount)).toEqual([
      2, 3,
    ]);
    expect(appSync.row(BROKER)!.unreadCount).toBe(3);
  });

  it('fails the record for a retry when the row keeps changing under every attempt', async () => {
    messages(true, sent(1));
    appSync.beforeWrite = () => appSync.increment(BROKER, sent(9));
    expect(await run(brokerRead())).toEqual(['100']);
    expect(writes()).toHaveLength(5);
    expect(published()).toEqual([]);
  });

  it('recounts against the row when its lastReadAt moved on past the receipt', async () => {
    const newer = '2026-03-14T02:45:00.000Z';
    appSync.row(BROKER)!.lastReadAt = newer;
    messages(true, sent(1), sent(20));
    await run(brokerRead());
    expect(appSync.calls('ListMessagesToRecount')[0]!.variables.createdAt).toEqual({ gt: newer });
    expect(writes()[0]!.variables).toMatchObject({
      input: { unreadCount: 1 },
      condition: { lastReadAt: { eq: newer } },
    });
  });

  it('counts a message too old for its marker to remain, and not a recent one without a marker', async () => {
    const longAgo = new Date(NOW.getTime() - SETTLED_AFTER_MS - 60_000).toISOString();
    appSync.row(BROKER)!.lastReadAt = new Date(NOW.getTime() - 4 * 24 * 3600_000).toISOString();
    messages(false, sent(0, { createdAt: longAgo }), sent(1));
    await run(brokerRead());
    expect(writes()[0]!.variables.input).toMatchObject({ unreadCount: 1 });
    expect(markerReads().flatMap((read) => read.RequestItems![TABLE]!.Keys!)).toEqual([
      { id: 'unread-counter:m-2' },
    ]);
  });

  it('reads every page of messages and markers 100 at a time, asking again for unprocessed keys', async () => {
    appSync.pageSize = 40;
    messages(true, ...Array.from({ length: 150 }, (_, i) => sent(1 + i / 1000)));
    unprocessedOnce = 30;
    expect(await run(brokerRead())).toEqual([]);
    expect(appSync.calls('ListMessagesToRecount')).toHaveLength(4);
    const sizes = markerReads().map((read) => read.RequestItems![TABLE]!.Keys!.length);
    expect(sizes).toEqual([100, 30, 50]);
    expect(writes()[0]!.variables.input).toMatchObject({ unreadCount: 150 });
  });

  it('fails the record when markers stay unprocessed', async () => {
    messages(true, sent(1));
    dynamo.on(BatchGetCommand).callsFake((input: BatchGetCommandInput) => ({
      Responses: { [TABLE]: [] },
      UnprocessedKeys: { [TABLE]: { Keys: input.RequestItems![TABLE]!.Keys } },
    }));
    expect(await run(brokerRead())).toEqual(['100']);
    expect(markerReads()).toHaveLength(5);
    expect(writes()).toEqual([]);
  });

  it('writes nothing for a member who left, but still publishes the read', async () => {
    appSync.rows.clear();
    expect(await run(brokerRead())).toEqual([]);
    expect(writes()).toEqual([]);
    expect(published()).toHaveLength(1);
  });

  it('fails the record for a retry when AppSync is unavailable', async () => {
    appSync.failures.set('GetMemberUnread', new AppSyncUnavailableError('AppSync answered HTTP 503', 503));
    expect(await run(brokerRead())).toEqual(['100']);
    expect(published()).toEqual([]);
  });
});

describe('message-read-receipt: which changes are reads', () => {
  it('does nothing for a change that is not a read: its own reset, an increment, a mute, an older position', async () => {
    const read = member(BROKER, { unreadCount: 3, lastReadAt: READ_AT });
    const failures = await run(
      modify(read, { ...read, unreadCount: 0 }, '1'),
      modify(read, { ...read, unreadCount: 4 }, '2'),
      modify(read, { ...read, muted: true }, '3'),
      modify(read, { ...read, lastReadAt: READ_BEFORE }, '4'),
    );
    expect(failures).toEqual([]);
    expect(appSync.log).toEqual([]);
    expect(published()).toEqual([]);
    expect(queued()).toEqual([]);
  });

  it("fails the record whose image cannot be read and holds that member's later change behind it; other members go on", async () => {
    const buyerBefore = member(BUYER, { lastReadAt: READ_BEFORE });
    const failures = await run(
      modify(buyerBefore, { conversationId: { S: 'conv-1' }, lastReadAt: { BAD: 'x' } }, '1'),
      modify(buyerBefore, { ...buyerBefore, lastReadAt: READ_AT }, '2'),
      brokerRead(READ_AT, '3'),
    );
    expect(failures).toEqual(['1', '2']);
    expect(published().map((input) => JSON.parse(input.Message!).payload.readerId)).toEqual([BROKER]);
  });
});

describe('message-read-receipt: what the others hear', () => {
  it('publishes conversation.read on chat-events, named by the read position', async () => {
    await run(brokerRead());
    expect(published()).toHaveLength(1);
    const input = published()[0]!;
    expect(input.TopicArn).toBe(TOPIC_ARN);
    expect(input.MessageAttributes?.type).toEqual({ DataType: 'String', StringValue: 'conversation.read' });
    expect(JSON.parse(input.Message!)).toEqual({
      type: 'conversation.read',
      id: `conversation.read:conv-1:${BROKER}:${READ_AT}`,
      occurredAt: READ_AT,
      version: 1,
      payload: {
        conversationId: 'conv-1',
        readerId: BROKER,
        lastReadAt: READ_AT,
        lastReadMessageId: 'm-read',
      },
    });
  });

  it("queues one silent badge push for the reader's devices, with the total after the reset", async () => {
    messages(true, sent(1), sent(2));
    // The index still shows the old count here; another conversation has 4 unread.
    appSync.memberships.set(BROKER, [
      { conversationId: 'conv-1', unreadCount: 9 },
      { conversationId: 'conv-2', unreadCount: 4 },
    ]);
    appSync.unreadNotifications.set(BROKER, 1);
    await run(brokerRead());
    expect(queued()).toEqual([
      {
        version: 1,
        pushId: `badge:${BROKER}:conv-1:${READ_AT}`,
        recipientId: BROKER,
        kind: 'badge',
        badge: 2 + 4 + 1,
        data: { type: 'badge', conversationId: 'conv-1' },
        createdAt: READ_AT,
      },
    ]);
    expect(sqs.commandCalls(SendMessageBatchCommand)[0]!.args[0].input.QueueUrl).toBe(QUEUE_URL);
  });

  it('queues the same push id and publishes the same event id when the record is retried', async () => {
    messages(true, sent(1));
    await run(brokerRead());
    await run(brokerRead());
    const [first, again] = queued();
    expect(again!.pushId).toBe(first!.pushId);
    const [once, twice] = published().map((input) => JSON.parse(input.Message!).id);
    expect(twice).toBe(once);
    // The retry finds the count right and writes nothing.
    expect(writes()).toHaveLength(1);
  });
});

describe('countsForReader', () => {
  const base = sent(1);
  it('counts a notifying message from someone else that was sent to the reader', () => {
    expect(countsForReader(base, BROKER)).toBe(true);
    expect(countsForReader({ ...base, kind: 'SYSTEM', notify: true }, BROKER)).toBe(true);
  });

  it("does not count the reader's own, a quiet SYSTEM message, a deleted one, or one not sent to them", () => {
    expect(countsForReader(base, BUYER)).toBe(false);
    expect(countsForReader({ ...base, kind: 'SYSTEM' }, BROKER)).toBe(false);
    expect(countsForReader({ ...base, deletedAt: READ_AT }, BROKER)).toBe(false);
    expect(countsForReader({ ...base, memberIds: [BUYER] }, BROKER)).toBe(false);
  });
});
