import {
  SendMessageBatchCommand,
  type SendMessageBatchCommandInput,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, type GetCommandInput } from '@aws-sdk/lib-dynamodb';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createHandler } from '../../../amplify/functions/message-push/handler';
import { FALLBACK_TITLE } from '../../../amplify/functions/message-push/push-plan';
import { pushStore } from '../../../amplify/functions/message-push/push-store';
import {
  AppSyncGraphQLError,
  AppSyncUnavailableError,
} from '../../../amplify/functions/shared/appsync-client';
import { messageSentEvent } from '../../../amplify/functions/shared/chat/chat-events';
import type { ConversationMemberRow, MessageRow } from '../../../amplify/functions/shared/chat/chat-message';
import type { DataClient } from '../../../amplify/functions/shared/data-client';
import { logger } from '../../../amplify/functions/shared/logger';
import {
  type PushRequest,
  parsePushRequest,
  queuePushes,
} from '../../../amplify/functions/shared/push/push-request';
import { BROKER, BUYER, member, message, minutesFromNow, NOW, STAFF } from '../../support/chat-fixtures';
import { lambdaContext } from '../../support/lambda-context';
import { answeredGet, answeredList, badgeModels } from '../../support/typed-data';

const QUEUE_URL = 'https://sqs.ap-northeast-2.amazonaws.com/123456789012/sandbox-push';
Object.assign(process.env, {
  IDEMPOTENCY_TABLE_NAME: 'sandbox-idempotency',
  MESSAGE_TABLE_NAME: 'Message-sandbox',
  AWS_REGION: 'ap-northeast-2',
});

const sqs = mockClient(SQSClient);
const dynamo = mockClient(DynamoDBDocumentClient);

const NICKNAME = '대치동새댁';

/**
 * AppSync as message-push sees it: the conversation's members, profiles and each user's badge
 * rows, answered in pages of `pageSize`. Every operation is recorded in `log`, beside the
 * marker reads, so tests can check the order of reads.
 */
class FakeAppSync {
  members: ConversationMemberRow[] = [];
  profiles = new Map<string, { nickname?: string | null }>();
  memberships = new Map<string, { conversationId: string; unreadCount: number }[]>();
  notifications = new Map<string, { id: string; readAt?: string | null }[]>();
  pageSize = 100;
  /** `operation` or `operation:subject` (a userId, conversationId or id) → the error it throws. */
  failures = new Map<string, Error>();
  /** `operation:subject` of every call. */
  readonly log: string[] = [];

  /** The typed client's reads, answered by these rows and failures. */
  client(): DataClient {
    const answers = (operation: string, variables: Record<string, unknown>) =>
      this.answer(operation, variables);
    const badge = badgeModels(answers);
    return {
      models: {
        ...badge,
        ConversationMember: {
          ...badge.ConversationMember,
          list: answeredList(answers, 'ListConversationMembers'),
        },
        UserProfile: { get: answeredGet(answers, 'GetUserProfile') },
      },
    } as unknown as DataClient;
  }

  private async answer(operation: string, variables: Record<string, unknown>): Promise<unknown> {
    const userId = variables.userId as string | undefined;
    const call = `${operation}:${userId ?? variables.conversationId ?? variables.id}`;
    this.log.push(call);
    const failure = this.failures.get(operation) ?? this.failures.get(call);
    if (failure) throw failure;
    const page = <I>(field: string, items: I[]) => {
      const start = variables.nextToken ? Number(variables.nextToken) : 0;
      const end = start + this.pageSize;
      return {
        [field]: { items: items.slice(start, end), nextToken: end < items.length ? String(end) : null },
      };
    };
    switch (operation) {
      case 'ListConversationMembers':
        return page(
          'listConversationMembers',
          this.members.filter((row) => row.conversationId === variables.conversationId),
        );
      case 'GetUserProfile':
        return { getUserProfile: this.profiles.get(String(variables.id)) ?? null };
      case 'BadgeMemberships':
        return page('listMembershipsByUser', this.memberships.get(userId!) ?? []);
      case 'BadgeNotifications':
        return page('listNotificationsByUser', this.notifications.get(userId!) ?? []);
      default:
        throw new Error(`unexpected operation ${operation}`);
    }
  }
}

let appSync: FakeAppSync;
/** Messages the unread counter has counted (its markers in the idempotency table). */
let counted: Set<string>;

const handler = () =>
  createHandler({
    store: pushStore({ data: async () => appSync.client() }),
    queue: (requests) => queuePushes(QUEUE_URL, requests),
    now: () => NOW,
  });

/** Message rows as the Message table holds them, read by id. */
let stored: Map<string, MessageRow>;

/**
 * The `message.sent` event of `row` as the message-sent queue delivers it (raw SNS delivery: the
 * body is the envelope message-legacy-sync published); the row is stored as its INSERT wrote it.
 * `messageId` is the SQS message id a partial batch response reports.
 */
function sent(row: MessageRow, messageId = 'sqs-100'): SQSRecord {
  stored.set(row.id, row);
  return queueMessage(JSON.stringify(messageSentEvent(row)), messageId);
}

function queueMessage(body: string, messageId = 'sqs-100'): SQSRecord {
  return {
    messageId,
    receiptHandle: `handle-${messageId}`,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1773457199000',
      SenderId: 'AIDAEXAMPLE',
      ApproximateFirstReceiveTimestamp: '1773457199001',
    },
    messageAttributes: {},
    md5OfBody: 'd41d8cd98f00b204e9800998ecf8427e',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:ap-northeast-2:123456789012:sandbox-message-sent',
    awsRegion: 'ap-northeast-2',
  };
}

async function run(...records: SQSRecord[]) {
  const event: SQSEvent = { Records: records };
  const response = await handler()(event, lambdaContext());
  return response.batchItemFailures.map((failure) => failure.itemIdentifier);
}

const sentBatches = () =>
  sqs.commandCalls(SendMessageBatchCommand).map((call) => call.args[0].input as SendMessageBatchCommandInput);

/** Every push request put on the queue, in order. */
const queued = (): PushRequest[] =>
  sentBatches().flatMap((batch) => batch.Entries!.map((entry) => parsePushRequest(entry.MessageBody!)));

const recipientsQueued = () => queued().map((push) => push.recipientId);

beforeEach(() => {
  sqs.reset();
  dynamo.reset();
  appSync = new FakeAppSync();
  appSync.members = [member(BUYER), member(BROKER), member(STAFF)];
  appSync.profiles.set(BUYER, { nickname: NICKNAME });
  counted = new Set();
  stored = new Map();
  sqs.on(SendMessageBatchCommand).callsFake((input: SendMessageBatchCommandInput) => ({
    Successful: (input.Entries ?? []).map((entry) => ({
      Id: entry.Id,
      MessageId: 'm',
      MD5OfMessageBody: 'x',
    })),
    Failed: [],
  }));
  dynamo.on(GetCommand).callsFake((input: GetCommandInput) => {
    const id = String(input.Key?.id);
    if (input.TableName === 'Message-sandbox') {
      appSync.log.push(`message:${id}`);
      const row = stored.get(id);
      return row ? { Item: row } : {};
    }
    appSync.log.push(`marker:${id}`);
    return counted.has(id) ? { Item: { id } } : {};
  });
});

afterEach(() => vi.restoreAllMocks());

const threeWay = { memberIds: [BUYER, BROKER, STAFF] };

describe('message-push: who gets a push', () => {
  it('queues one alert per member but the sender, with everything push-sender needs', async () => {
    expect(await run(sent(message(threeWay)))).toEqual([]);
    expect(recipientsQueued()).toEqual([BROKER, STAFF]);
    expect(queued()[0]).toEqual({
      version: 1,
      kind: 'alert',
      pushId: `chat:msg-1:${BROKER}`,
      recipientId: BROKER,
      title: NICKNAME,
      body: '안녕하세요, 은마 84㎡ 아직 있나요?',
      badge: 1,
      deepLink: 'bootalk://chat/conv-1',
      collapseKey: 'chat-conv-1',
      threadId: 'conv-1',
      data: {
        type: 'chat.message',
        conversationId: 'conv-1',
        messageId: 'msg-1',
        deepLink: 'bootalk://chat/conv-1',
      },
      createdAt: '2026-03-14T02:59:59.000Z',
    });
    expect(sentBatches()[0]!.QueueUrl).toBe(QUEUE_URL);
  });

  it('skips members who muted the conversation, for good or until a later time, and those viewing it', async () => {
    const everyone = ['sender', 'muted', 'muted-for-an-hour', 'mute-expired', 'viewing', 'was-viewing'];
    appSync.members = [
      member('sender'),
      member('muted', { muted: true }),
      member('muted-for-an-hour', { muted: true, mutedUntil: minutesFromNow(60) }),
      member('mute-expired', { muted: true, mutedUntil: minutesFromNow(-1) }),
      member('viewing', { viewingUntil: minutesFromNow(0.5) }),
      member('was-viewing', { viewingUntil: minutesFromNow(-0.5) }),
    ];
    await run(sent(message({ senderId: 'sender', memberIds: everyone })));
    expect(recipientsQueued()).toEqual(['mute-expired', 'was-viewing']);
  });

  it('reads every page of members', async () => {
    appSync.pageSize = 1;
    await run(sent(message(threeWay)));
    expect(recipientsQueued()).toEqual([BROKER, STAFF]);
    expect(appSync.log.filter((call) => call === 'ListConversationMembers:conv-1')).toHaveLength(3);
  });

  it('queues nothing and reads nothing for a SYSTEM message that does not notify', async () => {
    await run(sent(message({ kind: 'SYSTEM', body: '중개사가 입장했습니다' })));
    expect(sentBatches()).toEqual([]);
    expect(appSync.log).toEqual(['message:msg-1']);
  });

  it('pushes a SYSTEM message marked notify', async () => {
    await run(sent(message({ kind: 'SYSTEM', body: '중개사가 배정되었습니다', notify: true })));
    expect(recipientsQueued()).toEqual([BROKER]);
  });

  it('queues nothing, and reads no badge, when every member muted the conversation', async () => {
    appSync.members = [member(BUYER), member(BROKER, { muted: true })];
    await run(sent(message()));
    expect(sentBatches()).toEqual([]);
    expect(appSync.log.some((entry) => entry.startsWith('marker:'))).toBe(false);
    expect(appSync.log.some((entry) => entry.startsWith('Badge'))).toBe(false);
  });
});

describe('message-push: what the push says', () => {
  it.each([
    ['IMAGE', { kind: 'IMAGE', body: null, image: { key: 'chat/conv-1/a.jpg' } }, '사진'],
    ['LISTING_CARD', { kind: 'LISTING_CARD', body: null, listing: { listingId: 'L-1' } }, '매물 정보'],
  ] as const)('previews an %s message as %s', async (_kind, overrides, preview) => {
    await run(sent(message(overrides as Partial<MessageRow>)));
    expect(queued().map((push) => push.body)).toEqual([preview]);
  });

  it('titles the push with a fallback when the sender has no profile', async () => {
    appSync.profiles.clear();
    await run(sent(message()));
    expect(queued().map((push) => push.title)).toEqual([FALLBACK_TITLE]);
  });

  it('never logs the message text or the sender nickname', async () => {
    const written: unknown[] = [];
    for (const level of ['debug', 'info', 'warn', 'error'] as const)
      vi.spyOn(logger, level).mockImplementation((...args: unknown[]) => {
        written.push(args);
      });
    appSync.failures.set(
      `BadgeNotifications:${STAFF}`,
      new AppSyncGraphQLError('BadgeNotifications', [], null),
    );
    await run(sent(message(threeWay)));
    expect(written.length).toBeGreaterThan(0);
    const text = JSON.stringify(written);
    expect(text).not.toContain(NICKNAME);
    expect(text).not.toContain('은마');
  });
});

describe('message-push: badge', () => {
  beforeEach(() => {
    appSync.memberships.set(BROKER, [
      { conversationId: 'conv-1', unreadCount: 2 },
      { conversationId: 'conv-9', unreadCount: 3 },
    ]);
    appSync.notifications.set(BROKER, [{ id: 'n-1' }, { id: 'n-2', readAt: '2026-03-13T00:00:00.000Z' }]);
  });

  const brokerBadge = () => queued().find((push) => push.recipientId === BROKER)?.badge;

  it('adds the message to the stored total when the unread counter has not counted it yet', async () => {
    await run(sent(message()));
    expect(brokerBadge()).toBe(2 + 3 + 1 + 1);
  });

  it('uses the stored total when the unread counter already counted the message', async () => {
    counted.add('unread-counter:msg-1');
    await run(sent(message()));
    expect(brokerBadge()).toBe(2 + 3 + 1);
  });

  it('reads the marker, consistently, before the badge', async () => {
    await run(sent(message()));
    const markerReads = dynamo
      .commandCalls(GetCommand)
      .map((call) => call.args[0].input)
      .filter((input) => input.TableName === 'sandbox-idempotency');
    expect(markerReads).toEqual([
      {
        TableName: 'sandbox-idempotency',
        Key: { id: 'unread-counter:msg-1' },
        ProjectionExpression: 'id',
        ConsistentRead: true,
      },
    ]);
    const markerRead = appSync.log.indexOf('marker:unread-counter:msg-1');
    const firstBadgeRead = appSync.log.findIndex((entry) => entry.startsWith('Badge'));
    expect(markerRead).toBeGreaterThanOrEqual(0);
    expect(markerRead).toBeLessThan(firstBadgeRead);
  });

  it('does not add a message the recipient has already read past', async () => {
    appSync.members = [member(BUYER), member(BROKER, { lastReadAt: minutesFromNow(0) })];
    await run(sent(message()));
    expect(brokerBadge()).toBe(2 + 3 + 1);
  });

  it('never shows less than 1 for an unread message the counter has counted', async () => {
    // The membership index has not caught up with the increment yet.
    appSync.memberships.set(BROKER, []);
    appSync.notifications.set(BROKER, []);
    counted.add('unread-counter:msg-1');
    await run(sent(message()));
    expect(brokerBadge()).toBe(1);
  });

  it('pushes without a badge when AppSync refuses the badge query', async () => {
    appSync.failures.set(
      `BadgeMemberships:${BROKER}`,
      new AppSyncGraphQLError('BadgeMemberships', [{ errorType: 'MappingTemplate', message: 'x' }], null),
    );
    expect(await run(sent(message(threeWay)))).toEqual([]);
    expect(queued().map((push) => [push.recipientId, push.badge])).toEqual([
      [BROKER, undefined],
      [STAFF, 1],
    ]);
  });

  it('fails the record, queueing nothing, when AppSync is unavailable for the badge', async () => {
    appSync.failures.set(`BadgeNotifications:${BROKER}`, new AppSyncUnavailableError('HTTP 503', 503));
    expect(await run(sent(message(), '700'))).toEqual(['700']);
    expect(sentBatches()).toEqual([]);
  });
});

describe('message-push: the message behind the event', () => {
  it('reads the message by id, consistently, before anything else', async () => {
    await run(sent(message(threeWay)));
    expect(dynamo.commandCalls(GetCommand)[0]!.args[0].input).toEqual({
      TableName: 'Message-sandbox',
      Key: { id: 'msg-1' },
      ConsistentRead: true,
    });
    expect(appSync.log[0]).toBe('message:msg-1');
  });

  it('pushes only to the members the message was sent to, which the event does not carry', async () => {
    // STAFF joined after the message was sent: a member row, but not one of its readers.
    await run(sent(message({ memberIds: [BUYER, BROKER] })));
    expect(recipientsQueued()).toEqual([BROKER]);
  });

  it('pushes nothing for a message deleted before its event arrived', async () => {
    const row = message(threeWay);
    const record = sent(row);
    stored.set(row.id, { ...row, body: null, deletedAt: '2026-03-14T03:00:01.000Z' });
    expect(await run(record)).toEqual([]);
    expect(sentBatches()).toEqual([]);
  });

  it('pushes nothing, and does not retry, when the message no longer exists', async () => {
    vi.spyOn(logger, 'info').mockImplementation(() => undefined);
    const record = sent(message(threeWay));
    stored.clear();
    expect(await run(record)).toEqual([]);
    expect(sentBatches()).toEqual([]);
    expect(appSync.log).toEqual(['message:msg-1']);
  });
});

describe('message-push: retries and failures', () => {
  it('queues the same pushIds when an event is delivered again, so push-sender sends each once', async () => {
    const record = sent(message(threeWay));
    await run(record);
    const first = queued();
    sqs.resetHistory();
    // Meanwhile the unread counter counted the message: the same badge, from the stored counts.
    counted.add('unread-counter:msg-1');
    for (const userId of [BROKER, STAFF])
      appSync.memberships.set(userId, [{ conversationId: 'conv-1', unreadCount: 1 }]);
    // SNS delivers at least once: the same envelope as a second SQS message.
    await run({ ...record, messageId: 'sqs-duplicate' });
    const second = queued();
    expect(second.map((push) => push.pushId)).toEqual([`chat:msg-1:${BROKER}`, `chat:msg-1:${STAFF}`]);
    expect(second).toEqual(first);
  });

  it('drops a queue message that is not a message.sent event into its DLQ, without holding back the others', async () => {
    const DLQ_URL = 'https://sqs.ap-northeast-2.amazonaws.com/123456789012/sandbox-message-sent-dlq';
    process.env.DEAD_LETTER_QUEUE_URL = DLQ_URL;
    sqs.on(SendMessageCommand, { QueueUrl: DLQ_URL }).resolves({ MessageId: 'dead' });
    try {
      const failed = await run(
        queueMessage('{not json', '101'),
        queueMessage(JSON.stringify({ type: 'message.edited', payload: { messageId: 'msg-1' } }), '102'),
        queueMessage(JSON.stringify({ type: 'message.sent', payload: {} }), '103'),
        sent(message({ id: 'msg-2' }), '104'),
      );
      expect(failed).toEqual([]);
      expect(queued().map((push) => push.pushId)).toEqual([`chat:msg-2:${BROKER}`]);
      const dead = sqs.commandCalls(SendMessageCommand).map((call) => call.args[0].input);
      expect(dead.map((input) => input.MessageAttributes?.sourceMessageId?.StringValue)).toEqual([
        '101',
        '102',
        '103',
      ]);
      expect(dead.every((input) => input.MessageAttributes?.failureClass?.StringValue === 'drop')).toBe(true);
    } finally {
      delete process.env.DEAD_LETTER_QUEUE_URL;
    }
  });

  it('reports only the message whose reads failed, and queues the others', async () => {
    appSync.members.push(
      member(BUYER, { conversationId: 'conv-2' }),
      member(BROKER, { conversationId: 'conv-2' }),
    );
    appSync.failures.set('ListConversationMembers:conv-1', new AppSyncUnavailableError('timeout'));
    const failed = await run(
      sent(message({ id: 'msg-1', conversationId: 'conv-1' }), '101'),
      sent(message({ id: 'msg-2', conversationId: 'conv-2' }), '102'),
    );
    expect(failed).toEqual(['101']);
    expect(queued().map((push) => push.pushId)).toEqual([`chat:msg-2:${BROKER}`]);
  });

  it('fails the message when SQS refuses some of its pushes', async () => {
    sqs.on(SendMessageBatchCommand).resolves({
      Successful: [{ Id: '0', MessageId: 'm', MD5OfMessageBody: 'x' }],
      Failed: [{ Id: '1', SenderFault: false, Code: 'InternalError' }],
    });
    expect(await run(sent(message(threeWay), '300'))).toEqual(['300']);
  });

  it('fails the message when the Message table cannot be read', async () => {
    dynamo
      .on(GetCommand, { TableName: 'Message-sandbox' })
      .rejects(new Error('ProvisionedThroughputExceeded'));
    expect(await run(sent(message(threeWay), '400'))).toEqual(['400']);
    expect(sentBatches()).toEqual([]);
  });
});
