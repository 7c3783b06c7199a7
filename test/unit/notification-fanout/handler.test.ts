import { SendMessageBatchCommand, type SendMessageBatchCommandInput, SQSClient } from '@aws-sdk/client-sqs';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FanoutDeps } from '../../../amplify/functions/notification-fanout/fan-out';
import {
  advertisingTypesFrom,
  type RecipientProfile,
} from '../../../amplify/functions/notification-fanout/fanout-decision';
import { fanoutStore } from '../../../amplify/functions/notification-fanout/fanout-store';
import { createHandler } from '../../../amplify/functions/notification-fanout/handler';
import type { NotificationRow } from '../../../amplify/functions/notification-fanout/notification-push';
import {
  AppSyncGraphQLError,
  AppSyncUnavailableError,
} from '../../../amplify/functions/shared/appsync-client';
import { config, InvalidConfigError } from '../../../amplify/functions/shared/config';
import type { DataClient } from '../../../amplify/functions/shared/data-client';
import { logger } from '../../../amplify/functions/shared/logger';
import {
  type PushRequest,
  parsePushRequest,
  queuePushes,
} from '../../../amplify/functions/shared/push/push-request';
import { lambdaContext } from '../../support/lambda-context';
import { parkingStreamRecords } from '../../support/stream-failures';
import { answeredGet, answeredPage, badgeModels, type TypedOptions } from '../../support/typed-data';

const QUEUE_URL = 'https://sqs.ap-northeast-2.amazonaws.com/123456789012/sandbox-push';
const USER = 'user-6b0e';
const TITLE = '봄맞이 중개수수료 할인';
const BODY = '이번 주말까지 쿠폰을 받아 가세요';

/** Korean wall-clock times as instants. */
const DAY = new Date('2026-03-14T12:00:00+09:00');
const NIGHT = new Date('2026-03-14T21:00:00+09:00');

const sqs = mockClient(SQSClient);

/**
 * The typed data client as notification-fanout sees it: profiles, each user's notification index
 * and memberships, in pages of `pageSize`. Every call is recorded as `operation:subject`.
 */
class FakeData {
  profiles = new Map<string, RecipientProfile>();
  /** The user's notification index as the badge and the listing check read it. */
  notifications = new Map<string, { id: string; createdAt: string; readAt?: string | null }[]>();
  memberships = new Map<string, { conversationId: string; unreadCount: number }[]>();
  pageSize = 100;
  failures = new Map<string, Error>();
  readonly log: string[] = [];
  readonly variables: Record<string, unknown>[] = [];

  client(): DataClient {
    const answers = (operation: string, variables: Record<string, unknown>) =>
      this.answer(operation, variables);
    const listed = answeredPage(answers, 'NotificationListed');
    const badge = badgeModels(answers);
    return {
      models: {
        UserProfile: { get: answeredGet(answers, 'GetFanoutProfile') },
        ConversationMember: badge.ConversationMember,
        Notification: {
          // One index, two reads: the listing check names the row's createdAt, the badge reads all.
          listNotificationsByUser: (key: Record<string, unknown>, options?: TypedOptions) =>
            key.createdAt ? listed(key, options) : badge.Notification.listNotificationsByUser(key, options),
        },
      },
    } as unknown as DataClient;
  }

  private async answer(operation: string, variables: Record<string, unknown>): Promise<unknown> {
    const call = `${operation}:${variables.userId ?? variables.id}`;
    this.log.push(call);
    this.variables.push(variables);
    const failure = this.failures.get(operation) ?? this.failures.get(call);
    if (failure) throw failure;
    const page = <I>(field: string, items: I[]) => {
      const start = variables.nextToken ? Number(variables.nextToken) : 0;
      const end = start + this.pageSize;
      return {
        [field]: { items: items.slice(start, end), nextToken: end < items.length ? String(end) : null },
      };
    };
    const userId = String(variables.userId);
    switch (operation) {
      case 'GetFanoutProfile':
        return { getUserProfile: this.profiles.get(String(variables.id)) ?? null };
      case 'NotificationListed': {
        const at = (variables.createdAt as { eq: string }).eq;
        const rows = (this.notifications.get(userId) ?? []).filter((row) => row.createdAt === at);
        return page('listNotificationsByUser', rows);
      }
      case 'BadgeMemberships':
        return page('listMembershipsByUser', this.memberships.get(userId) ?? []);
      case 'BadgeNotifications':
        return page('listNotificationsByUser', this.notifications.get(userId) ?? []);
      default:
        throw new Error(`unexpected operation ${operation}`);
    }
  }
}

let appSync: FakeData;
let now: Date;
let advertisingTypes: FanoutDeps['advertisingTypes'];

const handler = () =>
  createHandler({
    store: fanoutStore({ data: async () => appSync.client() }),
    queue: (requests) => queuePushes(QUEUE_URL, requests),
    now: () => now,
    advertisingTypes: () => advertisingTypes(),
  });

function notification(overrides: Partial<NotificationRow> = {}): NotificationRow {
  return {
    id: 'ntf-1',
    userId: USER,
    type: 'MARKETING',
    title: TITLE,
    body: BODY,
    deepLink: 'bootalk://events/spring',
    createdAt: '2026-03-14T02:59:59.000Z',
    ...overrides,
  };
}

function insert(row: Partial<NotificationRow> | undefined, sequenceNumber = '100'): DynamoDBRecord {
  return {
    eventID: `event-${sequenceNumber}`,
    eventName: 'INSERT',
    eventSource: 'aws:dynamodb',
    awsRegion: 'ap-northeast-2',
    dynamodb: {
      Keys: { id: { S: row?.id ?? 'unknown' } },
      ...(row ? { NewImage: marshall(row, { removeUndefinedValues: true }) as never } : {}),
      SequenceNumber: sequenceNumber,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  };
}

async function run(...records: DynamoDBRecord[]) {
  const event: DynamoDBStreamEvent = { Records: records };
  const response = await handler()(event, lambdaContext());
  return response.batchItemFailures.map((failure) => failure.itemIdentifier);
}

const sentBatches = () =>
  sqs.commandCalls(SendMessageBatchCommand).map((call) => call.args[0].input as SendMessageBatchCommandInput);

const queued = (): PushRequest[] =>
  sentBatches().flatMap((batch) => batch.Entries!.map((entry) => parsePushRequest(entry.MessageBody!)));

beforeEach(() => {
  sqs.reset();
  appSync = new FakeData();
  now = DAY;
  advertisingTypes = () => advertisingTypesFrom(['MARKETING']);
  sqs.on(SendMessageBatchCommand).callsFake((input: SendMessageBatchCommandInput) => ({
    Successful: (input.Entries ?? []).map((entry) => ({
      Id: entry.Id,
      MessageId: 'm',
      MD5OfMessageBody: 'x',
    })),
    Failed: [],
  }));
});

afterEach(() => vi.restoreAllMocks());

describe('notification-fanout: push or inbox only', () => {
  it('queues an informational notification for a user who gave no consent, at night', async () => {
    appSync.profiles.set(USER, { consents: { marketing: false, nightPush: false } });
    now = NIGHT;
    const row = notification({
      type: 'BROKER_ASSIGNED',
      title: '담당 중개사가 배정되었어요',
      body: '김중개 중개사',
      deepLink: 'bootalk://chat/conv-1',
      subjectId: 'conv-1',
    });
    expect(await run(insert(row))).toEqual([]);
    expect(queued()).toEqual([
      {
        version: 1,
        kind: 'alert',
        pushId: 'notification:ntf-1',
        recipientId: USER,
        title: '담당 중개사가 배정되었어요',
        body: '김중개 중개사',
        badge: 1,
        deepLink: 'bootalk://chat/conv-1',
        collapseKey: 'notification-BROKER_ASSIGNED-conv-1',
        threadId: 'notification-BROKER_ASSIGNED',
        data: {
          type: 'notification',
          notificationType: 'BROKER_ASSIGNED',
          notificationId: 'ntf-1',
          deepLink: 'bootalk://chat/conv-1',
          advertising: 'false',
        },
        createdAt: '2026-03-14T02:59:59.000Z',
      },
    ]);
    expect(sentBatches()[0]!.QueueUrl).toBe(QUEUE_URL);
  });

  it('queues an advertisement, marked (광고), by day for a user with the marketing consent', async () => {
    appSync.profiles.set(USER, { consents: { marketing: true, nightPush: false } });
    await run(insert(notification()));
    expect(queued().map((push) => [push.title, push.data.advertising])).toEqual([
      [`(광고) ${TITLE}`, 'true'],
    ]);
    expect(queued()[0]?.body?.startsWith(BODY)).toBe(true);
  });

  it('keeps an advertisement in the inbox at 21:00 KST without the night-time consent, reading no badge', async () => {
    appSync.profiles.set(USER, { consents: { marketing: true, nightPush: false } });
    now = NIGHT;
    expect(await run(insert(notification()))).toEqual([]);
    expect(sentBatches()).toEqual([]);
    expect(appSync.log).toEqual([`GetFanoutProfile:${USER}`]);
  });

  it('queues an advertisement at night for a user with both consents', async () => {
    appSync.profiles.set(USER, { consents: { marketing: true, nightPush: true } });
    now = NIGHT;
    await run(insert(notification()));
    expect(queued().map((push) => push.pushId)).toEqual(['notification:ntf-1']);
  });

  it('keeps an advertisement in the inbox for a user without the marketing consent', async () => {
    appSync.profiles.set(USER, { consents: null });
    await run(insert(notification()));
    expect(sentBatches()).toEqual([]);
  });

  it('follows the configured advertising types', async () => {
    appSync.profiles.set(USER, { consents: { marketing: false } });
    advertisingTypes = () => advertisingTypesFrom(['PRESALE']);
    await run(
      insert(notification({ id: 'ntf-presale', type: 'PRESALE', title: '분양 공고' }), '101'),
      insert(notification({ id: 'ntf-price', type: 'LOWEST_PRICE', title: '최저가' }), '102'),
    );
    expect(queued().map((push) => push.pushId)).toEqual(['notification:ntf-price']);
  });

  it('queues nothing for a deleted account, not even an informational notification', async () => {
    appSync.profiles.set(USER, {
      consents: { marketing: true, nightPush: true },
      deletedAt: '2026-03-14T01:00:00.000Z',
    });
    await run(insert(notification({ type: 'NOTICE' })));
    expect(sentBatches()).toEqual([]);
  });

  it('queues nothing for a user without a profile', async () => {
    await run(insert(notification({ type: 'NOTICE' })));
    expect(sentBatches()).toEqual([]);
  });

  it('ignores anything but an INSERT', async () => {
    appSync.profiles.set(USER, { consents: { marketing: true } });
    const modify = {
      ...insert(notification({ readAt: '2026-03-14T03:00:00.000Z' })),
      eventName: 'MODIFY' as const,
    };
    expect(await run(modify)).toEqual([]);
    expect(appSync.log).toEqual([]);
  });
});

describe('notification-fanout: badge', () => {
  beforeEach(() => {
    appSync.profiles.set(USER, { consents: { marketing: true } });
    appSync.memberships.set(USER, [
      { conversationId: 'conv-1', unreadCount: 2 },
      { conversationId: 'conv-2', unreadCount: 1 },
    ]);
  });

  const badge = () => queued()[0]?.badge;

  it('adds the new notification when the index does not list it yet', async () => {
    appSync.notifications.set(USER, [{ id: 'ntf-0', createdAt: '2026-03-13T00:00:00.000Z' }]);
    await run(insert(notification()));
    expect(badge()).toBe(2 + 1 + 1 + 1);
  });

  it('counts it once when the index lists it', async () => {
    appSync.notifications.set(USER, [
      { id: 'ntf-0', createdAt: '2026-03-13T00:00:00.000Z', readAt: '2026-03-13T01:00:00.000Z' },
      { id: 'ntf-1', createdAt: '2026-03-14T02:59:59.000Z' },
    ]);
    await run(insert(notification()));
    expect(badge()).toBe(2 + 1 + 1);
  });

  it('finds the row among others created at the same instant, on any page', async () => {
    const at = '2026-03-14T02:59:59.000Z';
    appSync.pageSize = 1;
    appSync.notifications.set(USER, [
      { id: 'ntf-other', createdAt: at },
      { id: 'ntf-1', createdAt: at },
    ]);
    await run(insert(notification()));
    expect(badge()).toBe(2 + 1 + 2);
    const listed = appSync.variables.filter((_, index) =>
      appSync.log[index]!.startsWith('NotificationListed'),
    );
    expect(listed[0]).toMatchObject({ userId: USER, createdAt: { eq: at } });
    expect(listed).toHaveLength(2);
  });

  it('checks the index before reading the total', async () => {
    await run(insert(notification()));
    const listedAt = appSync.log.indexOf(`NotificationListed:${USER}`);
    const firstBadgeRead = appSync.log.findIndex((entry) => entry.startsWith('Badge'));
    expect(listedAt).toBeGreaterThan(0);
    expect(listedAt).toBeLessThan(firstBadgeRead);
  });

  it('pushes without a badge when AppSync refuses the badge query', async () => {
    appSync.failures.set('BadgeMemberships', new AppSyncGraphQLError('BadgeMemberships', [], null));
    expect(await run(insert(notification()))).toEqual([]);
    expect(queued()).toHaveLength(1);
    expect(queued()[0]).not.toHaveProperty('badge');
  });

  it('fails the record, queueing nothing, when AppSync is unavailable for the badge', async () => {
    appSync.failures.set('BadgeNotifications', new AppSyncUnavailableError('HTTP 503', 503));
    expect(await run(insert(notification(), '700'))).toEqual(['700']);
    expect(sentBatches()).toEqual([]);
  });
});

describe('notification-fanout: retries and failures', () => {
  beforeEach(() => appSync.profiles.set(USER, { consents: { marketing: true } }));

  it('queues the same push when a record is retried, so push-sender sends it once', async () => {
    const record = insert(notification());
    await run(record);
    const first = queued();
    sqs.resetHistory();
    await run(record);
    expect(queued()).toEqual(first);
    expect(first.map((push) => push.pushId)).toEqual(['notification:ntf-1']);
  });

  it('parks an unreadable record on stream-failures without holding back the others in its batch', async () => {
    const { result: failed, parked } = await parkingStreamRecords(sqs, () =>
      run(
        insert(undefined, '101'),
        insert({ id: 'ntf-x', userId: USER, type: 'NOTICE', title: '', body: 'b' }, '102'),
        insert(notification({ id: 'ntf-2' }), '103'),
      ),
    );
    expect(failed).toEqual([]);
    expect(queued().map((push) => push.pushId)).toEqual(['notification:ntf-2']);
    expect(parked.map((record) => record.record.dynamodb?.SequenceNumber)).toEqual(['101', '102']);
  });

  it('reports only the record whose profile read failed, and queues the others', async () => {
    appSync.profiles.set('user-2', { consents: { marketing: true } });
    appSync.failures.set(`GetFanoutProfile:${USER}`, new AppSyncUnavailableError('timeout'));
    const failed = await run(
      insert(notification({ id: 'ntf-1' }), '101'),
      insert(notification({ id: 'ntf-2', userId: 'user-2' }), '102'),
    );
    expect(failed).toEqual(['101']);
    expect(queued().map((push) => push.pushId)).toEqual(['notification:ntf-2']);
  });

  it('fails the record when SQS refuses the push', async () => {
    sqs.on(SendMessageBatchCommand).resolves({
      Successful: [],
      Failed: [{ Id: '0', SenderFault: false, Code: 'InternalError' }],
    });
    expect(await run(insert(notification(), '300'))).toEqual(['300']);
  });

  it('fails the record, rather than dropping it, when the advertising types are misconfigured', async () => {
    const saved = process.env.ADVERTISING_NOTIFICATION_TYPES;
    process.env.ADVERTISING_NOTIFICATION_TYPES = 'MARKETING,PROMOTION';
    advertisingTypes = () => advertisingTypesFrom(config.advertisingNotificationTypes());
    const warned = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    try {
      expect(await run(insert(notification({ type: 'NOTICE' }), '400'))).toEqual(['400']);
    } finally {
      process.env.ADVERTISING_NOTIFICATION_TYPES = saved;
      if (saved === undefined) delete process.env.ADVERTISING_NOTIFICATION_TYPES;
    }
    expect(sentBatches()).toEqual([]);
    expect(warned.mock.calls.some((call) => JSON.stringify(call).includes('InvalidConfigError'))).toBe(true);
    expect(() => advertisingTypesFrom(['PROMOTION'])).toThrow(InvalidConfigError);
  });

  it('never logs the title, the body or the deep link', async () => {
    const written: unknown[] = [];
    for (const level of ['debug', 'info', 'warn', 'error'] as const)
      vi.spyOn(logger, level).mockImplementation((...args: unknown[]) => {
        written.push(args);
      });
    appSync.failures.set('BadgeMemberships', new AppSyncGraphQLError('BadgeMemberships', [], null));
    await run(insert(notification()), insert(notification({ id: 'ntf-2', type: 'FLASH_SALE' }), '101'));
    expect(written.length).toBeGreaterThan(0);
    const text = JSON.stringify(written);
    expect(text).not.toContain('봄맞이');
    expect(text).not.toContain('쿠폰');
    expect(text).not.toContain('events/spring');
  });
});
