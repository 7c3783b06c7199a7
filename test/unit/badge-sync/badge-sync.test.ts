import type { AppSyncIdentity, AppSyncResolverEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createHandler } from '../../../amplify/functions/badge-sync/handler';
import {
  MARK_ALL_LIMIT,
  MAX_IDS_PER_CALL,
  type MarkReadArguments,
  type MarkReadTarget,
  type NotificationState,
  unreadOwnIds,
  validateMarkRead,
} from '../../../amplify/functions/badge-sync/notification-reads';
import {
  getNotificationsQuery,
  NOTIFICATION_FIELDS,
  notificationStore,
} from '../../../amplify/functions/badge-sync/notification-store';
import {
  type AppSyncClient,
  AppSyncGraphQLError,
  AppSyncUnavailableError,
  operationNameOf,
} from '../../../amplify/functions/shared/appsync-client';
import type { DataClient } from '../../../amplify/functions/shared/data-client';
import { UserFacingError } from '../../../amplify/functions/shared/errors';
import { logger } from '../../../amplify/functions/shared/logger';
import { type PushRequest, parsePushRequest } from '../../../amplify/functions/shared/push/push-request';
import { answeredGraphql, answeredPage, badgeModels, type TypedOptions } from '../../support/typed-data';

const ALICE = 'alice-sub';
const BOB = 'bob-sub';
const NOW = new Date('2026-03-14T03:00:00.000Z');
const READ_BEFORE = '2026-03-10T00:00:00.000Z';

function target(args: MarkReadArguments): MarkReadTarget {
  const decision = validateMarkRead(args);
  if (!decision.ok) throw new Error(`refused: ${decision.error.message}`);
  return decision.value;
}

function refusalOf(args: MarkReadArguments): string {
  const decision = validateMarkRead(args);
  if (decision.ok) throw new Error(`accepted ${JSON.stringify(decision.value)}`);
  expect(decision.error).toBeInstanceOf(UserFacingError);
  return decision.error.message;
}

describe('validateMarkRead', () => {
  it('takes ids, without duplicates', () => {
    expect(target({ ids: ['n1', 'n2', 'n1'] })).toEqual({ ids: ['n1', 'n2'] });
    expect(target({ ids: ['n1'], all: false })).toEqual({ ids: ['n1'] });
  });

  it('takes all: true', () => {
    expect(target({ all: true })).toEqual({ all: true });
    expect(target({ all: true, ids: null })).toEqual({ all: true });
  });

  it(`takes ${MAX_IDS_PER_CALL} distinct ids, however often repeated`, () => {
    const ids = Array.from({ length: MAX_IDS_PER_CALL }, (_, i) => `n${i}`);
    expect(target({ ids: [...ids, ...ids] })).toEqual({ ids });
  });

  it.each([
    [{}, /^MARK_READ_TARGET_REQUIRED: /],
    [{ all: false }, /^MARK_READ_TARGET_REQUIRED: /],
    [{ ids: null, all: null }, /^MARK_READ_TARGET_REQUIRED: /],
    [{ ids: ['n1'], all: true }, /^MARK_READ_TARGET_AMBIGUOUS: /],
    [{ ids: [] }, /^INVALID_ID_COUNT: /],
    [{ ids: Array.from({ length: MAX_IDS_PER_CALL + 1 }, (_, i) => `n${i}`) }, /^INVALID_ID_COUNT: /],
    [{ ids: ['n1', null] }, /^INVALID_NOTIFICATION_ID: /],
    [{ ids: [''] }, /^INVALID_NOTIFICATION_ID: /],
    [{ ids: ['x'.repeat(257)] }, /^INVALID_NOTIFICATION_ID: /],
    [{ ids: 'n1' }, /^INVALID_NOTIFICATION_ID: /],
    [{ all: 'yes' }, /^INVALID_ARGUMENTS: /],
  ])('refuses %j', (args, message) => {
    expect(refusalOf(args as MarkReadArguments)).toMatch(message);
  });
});

describe('unreadOwnIds', () => {
  const states = new Map<string, NotificationState>([
    ['mine-unread', { id: 'mine-unread', userId: ALICE, readAt: null }],
    ['mine-read', { id: 'mine-read', userId: ALICE, readAt: READ_BEFORE }],
    ['bobs', { id: 'bobs', userId: BOB }],
  ]);

  it("keeps the caller's unread ones and drops those read already", () => {
    expect(unreadOwnIds(['mine-unread', 'mine-read'], states, ALICE)).toEqual({
      ok: true,
      value: ['mine-unread'],
    });
  });

  it("refuses another user's notification exactly as one that does not exist", () => {
    const others = unreadOwnIds(['mine-unread', 'bobs'], states, ALICE);
    const missing = unreadOwnIds(['mine-unread', 'nope'], states, ALICE);
    expect(others.ok || missing.ok).toBe(false);
    if (others.ok || missing.ok) return;
    expect(others.error.message).toMatch(/^NOTIFICATION_NOT_FOUND: /);
    expect(others.error.message).toBe(missing.error.message);
  });
});

describe('getNotificationsQuery', () => {
  it('reads many ids in one aliased query', () => {
    expect(getNotificationsQuery(2)).toBe(
      'query GetNotificationStates($id0: ID!, $id1: ID!) { ' +
        'n0: getNotification(id: $id0) { id userId readAt } n1: getNotification(id: $id1) { id userId readAt } }',
    );
  });
});

type Row = {
  id: string;
  userId: string;
  type: string;
  title: string;
  body: string;
  createdAt: string;
  readAt?: string | null;
  updatedAt?: string;
};
type Call = { operation: string; query: string; variables: Record<string, unknown> };

const conditionFailed = (operation: string) =>
  new AppSyncGraphQLError(
    operation,
    [{ errorType: 'DynamoDB:ConditionalCheckFailedException', message: 'conditional' }],
    null,
  );

/**
 * AppSync over the Notification table and the user's memberships: reads by id (aliased), the
 * user index (newest first or as the badge reads it, in pages), and updateNotification with the
 * resolver's semantics (the row must exist, the condition must hold). `indexLag` makes the index
 * answer with readAt as it was before this test's writes.
 */
class FakeAppSync implements AppSyncClient {
  readonly rows = new Map<string, Row>();
  readonly calls: Call[] = [];
  memberships: { conversationId: string; unreadCount: number }[] = [];
  pageSize = 100;
  indexLag = false;
  private readonly indexed = new Map<string, string | null | undefined>();
  beforeOperation: ((operation: string, variables: Record<string, unknown>) => void) | undefined;
  failures = new Map<string, Error>();

  add(count: number, fields: Partial<Row> = {}, prefix = 'n') {
    for (let i = 0; i < count; i++) {
      const id = `${prefix}${String(i).padStart(3, '0')}`;
      const row: Row = {
        id,
        userId: ALICE,
        type: 'LOWEST_PRICE',
        title: '은마 최저가',
        body: '관심 단지에 새 최저가 매물이 있습니다.',
        createdAt: new Date(NOW.getTime() - (i + 1) * 60_000).toISOString(),
        ...fields,
      };
      this.rows.set(id, row);
      this.indexed.set(id, row.readAt);
    }
  }

  calledWith(operation: string) {
    return this.calls.filter((call) => call.operation === operation);
  }

  private indexOf(userId: string, newestFirst: boolean) {
    return [...this.rows.values()]
      .filter((row) => row.userId === userId)
      .sort((a, b) =>
        newestFirst ? b.createdAt.localeCompare(a.createdAt) : a.createdAt.localeCompare(b.createdAt),
      )
      .map((row) => ({
        id: row.id,
        readAt: this.indexLag ? (this.indexed.get(row.id) ?? null) : (row.readAt ?? null),
      }));
  }

  private page<I>(field: string, items: I[], variables: Record<string, unknown>) {
    const start = variables.nextToken ? Number(variables.nextToken) : 0;
    const end = start + this.pageSize;
    return {
      [field]: { items: items.slice(start, end), nextToken: end < items.length ? String(end) : null },
    };
  }

  async graphql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    return (await this.answer(operationNameOf(query), variables, query)) as T;
  }

  /** The typed client, answered by the same rows and failures. */
  client(): DataClient {
    const answers = (operation: string, variables: Record<string, unknown>) =>
      this.answer(operation, variables, '');
    const badge = badgeModels(answers);
    const newest = answeredPage(answers, 'ListNewestNotifications');
    return {
      models: {
        ConversationMember: badge.ConversationMember,
        Notification: {
          // One index, two reads: newest first for marking, any order for the badge.
          listNotificationsByUser: (key: Record<string, unknown>, options?: TypedOptions) =>
            options?.sortDirection === 'DESC'
              ? newest(key, options)
              : badge.Notification.listNotificationsByUser(key, options),
        },
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
    this.calls.push({ operation, query, variables: structuredClone(variables) });
    this.beforeOperation?.(operation, variables);
    const failure = this.failures.get(operation);
    if (failure) throw failure;
    switch (operation) {
      case 'GetNotificationStates': {
        const data: Record<string, unknown> = {};
        for (const [name, id] of Object.entries(variables)) {
          const alias = name.replace(/^id/, 'n');
          expect(query).toContain(`${alias}: getNotification(id: $${name})`);
          const row = this.rows.get(String(id));
          data[alias] = row ? { id: row.id, userId: row.userId, readAt: row.readAt ?? null } : null;
        }
        return data;
      }
      case 'ListNewestNotifications':
        return this.page('listNotificationsByUser', this.indexOf(String(variables.userId), true), variables);
      case 'BadgeNotifications':
        return this.page('listNotificationsByUser', this.indexOf(String(variables.userId), false), variables);
      case 'BadgeMemberships':
        return this.page('listMembershipsByUser', this.memberships, variables);
      case 'MarkNotificationRead': {
        const input = variables.input as { id: string; readAt: string };
        const condition = variables.condition as { userId: { eq: string } };
        const row = this.rows.get(input.id);
        if (!row || row.userId !== condition.userId.eq) throw conditionFailed(operation);
        Object.assign(row, { readAt: input.readAt, updatedAt: input.readAt });
        return { updateNotification: { ...row } };
      }
      default:
        throw new Error(`unexpected operation ${operation}`);
    }
  }
}

let appSync: FakeAppSync;
let queued: PushRequest[];
let queueFailure: Error | undefined;

function invoke(fieldName: string, args: Record<string, unknown>, identity: AppSyncIdentity | null) {
  const handler = createHandler({
    data: async () => appSync.client(),
    store: notificationStore(async () => appSync.client()),
    queue: async (requests) => {
      if (queueFailure) throw queueFailure;
      queued.push(...requests.map((request) => parsePushRequest(JSON.stringify(request))));
    },
    now: () => NOW,
  });
  return handler({
    typeName: fieldName === 'badge' ? 'Query' : 'Mutation',
    fieldName,
    arguments: args,
    identity,
    source: null,
    request: { headers: {}, domainName: null },
    prev: null,
  } as unknown as AppSyncResolverEvent<MarkReadArguments>);
}

const markRead = (args: Record<string, unknown>, userId = ALICE) =>
  invoke('markNotificationsRead', args, { sub: userId } as never);

beforeEach(() => {
  appSync = new FakeAppSync();
  queued = [];
  queueFailure = undefined;
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('query badge', () => {
  it('is unread chat messages plus unread notifications', async () => {
    appSync.memberships = [
      { conversationId: 'conv-1', unreadCount: 2 },
      { conversationId: 'conv-2', unreadCount: 3 },
    ];
    appSync.add(4);
    appSync.add(2, { readAt: READ_BEFORE }, 'read-');
    appSync.add(5, { userId: BOB }, 'bob-');
    expect(await invoke('badge', {}, { sub: ALICE } as never)).toEqual({
      unreadChats: 5,
      unreadNotifications: 4,
      total: 9,
    });
    expect(queued).toEqual([]);
  });
});

describe('mutation markNotificationsRead: ids', () => {
  it('sets readAt through AppSync with every field selected, answers with the badge and pushes it', async () => {
    appSync.memberships = [{ conversationId: 'conv-1', unreadCount: 1 }];
    appSync.add(3);

    const badge = await markRead({ ids: ['n000', 'n002'] });

    expect(badge).toEqual({ unreadChats: 1, unreadNotifications: 1, total: 2 });
    expect(appSync.rows.get('n000')?.readAt).toBe(NOW.toISOString());
    expect(appSync.rows.get('n002')?.readAt).toBe(NOW.toISOString());
    expect(appSync.rows.get('n001')?.readAt).toBeUndefined();
    const writes = appSync.calledWith('MarkNotificationRead');
    expect(writes.map((call) => call.variables)).toEqual([
      { input: { id: 'n000', readAt: NOW.toISOString() }, condition: { userId: { eq: ALICE } } },
      { input: { id: 'n002', readAt: NOW.toISOString() }, condition: { userId: { eq: ALICE } } },
    ]);
    const selected = new Set(writes[0]!.query.replace(/[{}]/g, ' ').split(/\s+/));
    for (const field of NOTIFICATION_FIELDS.split(' ')) expect(selected).toContain(field);
    expect(queued).toEqual([
      {
        version: 1,
        pushId: `badge:${ALICE}:notifications:${NOW.toISOString()}`,
        recipientId: ALICE,
        kind: 'badge',
        badge: 2,
        data: { type: 'badge' },
        createdAt: NOW.toISOString(),
      },
    ]);
  });

  it("refuses when one id is another user's, and marks none of them", async () => {
    appSync.add(2);
    appSync.add(1, { userId: BOB }, 'bob-');

    const error = await markRead({ ids: ['n000', 'bob-000'] }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(UserFacingError);
    expect((error as Error).message).toMatch(/^NOTIFICATION_NOT_FOUND: /);
    expect(appSync.calledWith('MarkNotificationRead')).toEqual([]);
    expect(appSync.rows.get('n000')?.readAt).toBeUndefined();
    expect(appSync.rows.get('bob-000')?.readAt).toBeUndefined();
    expect(queued).toEqual([]);
  });

  it('answers an id that does not exist with the same refusal', async () => {
    appSync.add(1);
    appSync.add(1, { userId: BOB }, 'bob-');
    const refusal = (ids: string[]) =>
      markRead({ ids }).then(
        () => 'accepted',
        (error: Error) => error.message,
      );
    const missing = await refusal(['n000', 'n999']);
    expect(missing).toMatch(/^NOTIFICATION_NOT_FOUND: /);
    expect(await refusal(['n000', 'bob-000'])).toBe(missing);
  });

  it('leaves notifications read already as they were, and pushes nothing when nothing changed', async () => {
    appSync.add(2, { readAt: READ_BEFORE });
    const badge = await markRead({ ids: ['n000', 'n001'] });
    expect(badge.unreadNotifications).toBe(0);
    expect(appSync.rows.get('n000')?.readAt).toBe(READ_BEFORE);
    expect(appSync.calledWith('MarkNotificationRead')).toEqual([]);
    expect(queued).toEqual([]);
  });

  it('reads 100 ids in two aliased queries', async () => {
    appSync.add(MAX_IDS_PER_CALL);
    const ids = [...appSync.rows.keys()];
    await markRead({ ids });
    expect(
      appSync.calledWith('GetNotificationStates').map((call) => Object.keys(call.variables).length),
    ).toEqual([50, 50]);
    expect([...appSync.rows.values()].every((row) => row.readAt === NOW.toISOString())).toBe(true);
  });

  it('counts what it marked as read even while the user index still shows it unread', async () => {
    appSync.add(3);
    appSync.indexLag = true;
    expect(await markRead({ ids: ['n000', 'n001'] })).toEqual({
      unreadChats: 0,
      unreadNotifications: 1,
      total: 1,
    });
  });

  it('skips a notification deleted between the read and the write', async () => {
    appSync.add(2);
    appSync.beforeOperation = (operation, variables) => {
      if (operation === 'MarkNotificationRead' && (variables.input as { id: string }).id === 'n001') {
        appSync.rows.delete('n001');
      }
    };
    const badge = await markRead({ ids: ['n000', 'n001'] });
    expect(appSync.rows.get('n000')?.readAt).toBe(NOW.toISOString());
    expect(badge.unreadNotifications).toBe(0);
    expect(queued).toHaveLength(1);
  });
});

describe('mutation markNotificationsRead: all', () => {
  it(`marks the newest ${MARK_ALL_LIMIT} unread per call; the badge says how many remain`, async () => {
    appSync.pageSize = 40;
    appSync.add(150);
    appSync.add(3, { userId: BOB }, 'bob-');

    const first = await markRead({ all: true });

    expect(first.unreadNotifications).toBe(50);
    const marked = [...appSync.rows.values()].filter((row) => row.readAt === NOW.toISOString());
    expect(marked).toHaveLength(MARK_ALL_LIMIT);
    // n000 is the newest.
    expect(marked.map((row) => row.id).sort()).toEqual(
      Array.from({ length: MARK_ALL_LIMIT }, (_, i) => `n${String(i).padStart(3, '0')}`),
    );
    // It stopped listing once it had enough: 3 pages of 40 for 100.
    expect(appSync.calledWith('ListNewestNotifications')).toHaveLength(3);

    const second = await markRead({ all: true });
    expect(second.unreadNotifications).toBe(0);
    expect([...appSync.rows.values()].filter((row) => row.userId === BOB && row.readAt)).toEqual([]);
    expect(queued.map((push) => push.badge)).toEqual([50, 0]);
  });

  it('skips read notifications while paging and writes nothing when all are read', async () => {
    appSync.add(5, { readAt: READ_BEFORE });
    const badge = await markRead({ all: true });
    expect(badge).toEqual({ unreadChats: 0, unreadNotifications: 0, total: 0 });
    expect(appSync.calledWith('MarkNotificationRead')).toEqual([]);
    expect(queued).toEqual([]);
  });

  it('logs counts, never titles or bodies', async () => {
    appSync.add(2);
    const info = vi.spyOn(logger, 'info');
    await markRead({ all: true });
    expect(info).toHaveBeenCalledWith('Notifications marked read', { mode: 'all', marked: 2, badge: 0 });
    expect(JSON.stringify(info.mock.calls)).not.toMatch(/최저가/);
  });
});

describe('badge-sync: failures and refusals', () => {
  it.each([
    ['no identity', null],
    ['an IAM caller', { accountId: '123456789012', userArn: 'arn:aws:iam::123456789012:role/x' }],
  ])('refuses %s for both operations', async (_case, identity) => {
    for (const field of ['badge', 'markNotificationsRead']) {
      const error = await invoke(field, { all: true }, identity as never).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UserFacingError);
      expect((error as Error).message).toMatch(/^UNAUTHORIZED: /);
    }
    expect(appSync.calls).toEqual([]);
  });

  it('refuses bad arguments before reading anything', async () => {
    const error = await markRead({ ids: [], all: false }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/^INVALID_ID_COUNT: /);
    expect(appSync.calls).toEqual([]);
  });

  it('still answers with the badge when the badge push cannot be queued', async () => {
    appSync.add(2);
    queueFailure = new Error('SQS unavailable');
    const logged = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    expect(await markRead({ ids: ['n000'] })).toEqual({ unreadChats: 0, unreadNotifications: 1, total: 1 });
    expect(appSync.rows.get('n000')?.readAt).toBe(NOW.toISOString());
    expect(logged).toHaveBeenCalledWith('The badge push could not be queued', expect.anything());
  });

  it('passes an AppSync outage on to the client', async () => {
    appSync.add(2);
    appSync.failures.set(
      'MarkNotificationRead',
      new AppSyncUnavailableError('AppSync answered HTTP 503', 503),
    );
    await expect(markRead({ ids: ['n000'] })).rejects.toBeInstanceOf(AppSyncUnavailableError);
    expect(queued).toEqual([]);
  });

  it('handles badge and markNotificationsRead only', async () => {
    await expect(invoke('registerDevice', {}, { sub: ALICE } as never)).rejects.toThrow(
      'badge-sync does not handle registerDevice',
    );
  });
});
