import type { Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHandler, RESERVE_MS } from '../../../amplify/functions/chat-reminder/handler';
import { kstDay, type ReminderMember } from '../../../amplify/functions/chat-reminder/reminder-plan';
import { MAX_MESSAGE_PAGES, overdueUnread } from '../../../amplify/functions/chat-reminder/reminder-store';
import type {
  MemberPage,
  MemberPosition,
  ReminderDeps,
  SweepStore,
  SweepSummary,
} from '../../../amplify/functions/chat-reminder/reminder-sweep';
import { sweepOptionsOf } from '../../../amplify/functions/chat-reminder/sweep-options';
import {
  AppSyncGraphQLError,
  AppSyncUnavailableError,
} from '../../../amplify/functions/shared/appsync-client';
import type { RecountedMessage } from '../../../amplify/functions/shared/chat/unread';
import { config, InvalidConfigError } from '../../../amplify/functions/shared/config';
import type { DataClient } from '../../../amplify/functions/shared/data-client';
import {
  createNotificationOnce,
  type NewNotification,
} from '../../../amplify/functions/shared/notifications/notification-create';
import { lambdaContext } from '../../support/lambda-context';
import { answeredPage, answeredWrite, type TypedOptions } from '../../support/typed-data';

/** 19:00 KST on 2026-03-14. */
const EVENING = new Date('2026-03-14T10:00:00.000Z');
const HOUR = 60 * 60 * 1000;
const BUYER = 'buyer-6b0e';
const BROKER = 'broker-301';
const CONDITIONAL_CHECK_FAILED = 'DynamoDB:ConditionalCheckFailedException';
/** Each AppSync call takes this long on the fake clock. */
const CALL_MS = 1_000;

class Clock {
  ms = EVENING.getTime();
  now = () => new Date(this.ms);
  hoursAgo = (hours: number) => new Date(this.ms - hours * HOUR).toISOString();
}

/**
 * The ConversationMember table as the sweep's scan sees it: rows in key order; `Limit` counts the
 * rows read before the filter (unreadCount > 0), as in DynamoDB, so a page can come back short.
 */
class FakeMemberTable {
  rows: ReminderMember[] = [];
  readonly scans: (MemberPosition | undefined)[] = [];

  private static key(row: { conversationId: unknown; userId: unknown }) {
    return `${row.conversationId}|${row.userId}`;
  }

  add(...members: ReminderMember[]) {
    this.rows.push(...members);
    this.rows.sort((a, b) => FakeMemberTable.key(a).localeCompare(FakeMemberTable.key(b)));
  }

  page = async (position: MemberPosition | undefined, limit: number): Promise<MemberPage> => {
    this.scans.push(position);
    const after = position ? FakeMemberTable.key(position as ReminderMember) : undefined;
    const start = after === undefined ? 0 : this.rows.findIndex((row) => FakeMemberTable.key(row) > after);
    const read = start < 0 ? [] : this.rows.slice(start, start + limit);
    const last = read.at(-1);
    return {
      members: structuredClone(read.filter((row) => row.unreadCount > 0)),
      ...(read.length === limit && last
        ? { next: { conversationId: last.conversationId, userId: last.userId } }
        : {}),
    };
  };
}

/** AppSync as chat-reminder uses it: the conversation index of messages, and conditional creates. */
class FakeAppSync {
  readonly messages = new Map<string, RecountedMessage[]>();
  readonly notifications = new Map<string, NewNotification>();
  readonly log: { operation: string; variables: Record<string, unknown>; options?: TypedOptions }[] = [];
  readonly failures = new Map<string, Error>();
  pageSize = 100;

  constructor(private readonly clock: Clock) {}

  send(conversationId: string, createdAt: string, overrides: Partial<RecountedMessage> = {}) {
    const list = this.messages.get(conversationId) ?? [];
    list.push({
      id: `msg-${list.length}`,
      createdAt,
      senderId: BROKER,
      memberIds: [BUYER, BROKER],
      kind: 'TEXT',
      ...overrides,
    });
    list.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    this.messages.set(conversationId, list);
  }

  calls(operation: string) {
    return this.log.filter((call) => call.operation === operation);
  }

  /** The typed client's message reads and notification creates, answered by these rows, clock and failures. */
  client(): DataClient {
    const answers = (operation: string, variables: Record<string, unknown>) =>
      this.answer(operation, variables);
    const create = answeredWrite(answers, 'CreateNotification');
    return {
      models: {
        Message: { listMessagesByConversation: answeredPage(answers, 'ListMessagesSentBetween') },
        Notification: {
          create: (input: Record<string, unknown>, options: TypedOptions = {}) => {
            const created = create(input);
            // answer() logs the call before its first await: the last entry is this create.
            this.log.at(-1)!.options = options;
            return created;
          },
        },
      },
    } as unknown as DataClient;
  }

  private async answer(operation: string, variables: Record<string, unknown>): Promise<unknown> {
    this.log.push({ operation, variables: structuredClone(variables) });
    this.clock.ms += CALL_MS;
    const failure = this.failures.get(operation);
    if (failure) throw failure;
    switch (operation) {
      case 'ListMessagesSentBetween': {
        const condition = variables.createdAt as { between?: [string, string]; le?: string };
        const [low, high] = condition.between ?? ['', condition.le!];
        const items = (this.messages.get(String(variables.conversationId)) ?? []).filter(
          (m) => m.createdAt >= low && m.createdAt <= high,
        );
        const start = variables.nextToken ? Number(variables.nextToken) : 0;
        const end = start + this.pageSize;
        return {
          listMessagesByConversation: {
            items: items.slice(start, end),
            nextToken: end < items.length ? String(end) : null,
          },
        };
      }
      case 'CreateNotification': {
        const input = variables.input as NewNotification;
        if (this.notifications.has(input.id)) {
          throw new AppSyncGraphQLError(
            'CreateNotification',
            [{ errorType: CONDITIONAL_CHECK_FAILED, message: 'The conditional request failed' }],
            { createNotification: null },
          );
        }
        this.notifications.set(input.id, input);
        return { createNotification: { ...input, readAt: null, updatedAt: input.createdAt } };
      }
      default:
        throw new Error(`unexpected operation ${operation}`);
    }
  }
}

class FakeSweeps implements SweepStore {
  readonly days = new Map<string, { done: boolean; position?: MemberPosition }>();
  async load(day: string) {
    return structuredClone(this.days.get(day) ?? { done: false });
  }
  async save(day: string, position: MemberPosition | undefined) {
    this.days.set(day, { done: false, ...(position ? { position } : {}) });
  }
  async finish(day: string) {
    this.days.set(day, { done: true });
  }
}

let clock: Clock;
let table: FakeMemberTable;
let appSync: FakeAppSync;
let sweeps: FakeSweeps;

function deps(): ReminderDeps {
  return {
    members: table.page,
    overdue: overdueUnread({ data: async () => appSync.client() }),
    create: (notification) => createNotificationOnce(appSync.client(), notification),
    sweeps,
    now: clock.now,
  };
}

function contextOnClock(timeoutMs: number): Context {
  const end = clock.ms + timeoutMs;
  return { ...lambdaContext(), getRemainingTimeInMillis: () => end - clock.ms };
}

const scheduledEvent = { 'detail-type': 'Scheduled Event', source: 'aws.scheduler', detail: {} };

async function run(event: unknown = scheduledEvent, timeoutMs = 300_000): Promise<SweepSummary> {
  return createHandler(deps(), () => 24)(event, contextOnClock(timeoutMs));
}

function member(
  conversationId: string,
  userId: string,
  overrides: Partial<ReminderMember> = {},
): ReminderMember {
  return {
    conversationId,
    userId,
    unreadCount: 1,
    lastReadAt: clock.hoursAgo(48),
    muted: false,
    ...overrides,
  };
}

beforeEach(() => {
  clock = new Clock();
  table = new FakeMemberTable();
  appSync = new FakeAppSync(clock);
  sweeps = new FakeSweeps();
});

describe('chat-reminder sweep', () => {
  it('reminds members with a message unread for 24 hours, and nobody else', async () => {
    table.add(
      member('c-due', BUYER),
      member('c-due', BROKER, { unreadCount: 0 }),
      member('c-muted', BUYER, { muted: true }),
      member('c-mute-over', BUYER, { muted: true, mutedUntil: clock.hoursAgo(1) }),
      member('c-read', BUYER, { lastReadAt: clock.hoursAgo(2) }),
      member('c-young', BUYER),
      member('c-own', BUYER),
    );
    appSync.send('c-due', clock.hoursAgo(25));
    appSync.send('c-muted', clock.hoursAgo(25));
    appSync.send('c-mute-over', clock.hoursAgo(30));
    appSync.send('c-young', clock.hoursAgo(23));
    appSync.send('c-own', clock.hoursAgo(30), { senderId: BUYER });

    const summary = await run();
    expect(summary).toMatchObject({
      day: '2026-03-14',
      afterHours: 24,
      outcome: 'finished',
      reminded: 2,
      existing: 0,
      muted: 1,
      readRecently: 1,
      notDue: 2,
    });
    const rows = [...appSync.notifications.values()];
    expect(rows.map((row) => `${row.subjectId}:${row.userId}`).sort()).toEqual([
      `c-due:${BUYER}`,
      `c-mute-over:${BUYER}`,
    ]);
    expect(rows[0]).toMatchObject({ type: 'CHAT_REMINDER', body: '읽지 않은 메시지가 1개 있어요' });
    // The messages of a muted or recently read conversation are never even listed.
    const listed = appSync.calls('ListMessagesSentBetween').map((call) => call.variables.conversationId);
    expect(listed).not.toContain('c-muted');
    expect(listed).not.toContain('c-read');
  });

  it('creates the reminder selecting every Notification field, for subscribers', async () => {
    table.add(member('c-due', BUYER));
    appSync.send('c-due', clock.hoursAgo(25));
    await run();
    const [create] = appSync.calls('CreateNotification');
    // No selection set: the typed client's create selects every field of the model.
    expect(create!.options).toEqual({});
  });

  it('does nothing in the later runs of the evening once the day’s sweep is through', async () => {
    table.add(member('c-due', BUYER));
    appSync.send('c-due', clock.hoursAgo(25));
    await run();
    const calls = appSync.log.length;
    clock.ms += 15 * 60 * 1000;
    expect(await run()).toMatchObject({ outcome: 'already-done', pages: 0 });
    expect(appSync.log).toHaveLength(calls);
    expect(table.scans).toHaveLength(1);
  });

  it('never reminds twice on one Korean day, even from a manual run, and again the next day', async () => {
    table.add(member('c-due', BUYER, { lastReadAt: null }));
    appSync.send('c-due', clock.hoursAgo(25));
    // 23:50 KST.
    clock.ms = new Date('2026-03-14T14:50:00.000Z').getTime();
    expect(await run({ afterHours: 24 })).toMatchObject({ day: '2026-03-14', reminded: 1 });
    expect(await run({ afterHours: 24 })).toMatchObject({ reminded: 0, existing: 1 });
    // 00:10 KST the next day.
    clock.ms = new Date('2026-03-14T15:10:00.000Z').getTime();
    expect(await run({ afterHours: 24 })).toMatchObject({ day: '2026-03-15', reminded: 1 });
    expect(appSync.notifications.size).toBe(2);
  });

  it('runs a manual sweep with its own hours from the start, recording nothing', async () => {
    table.add(member('c-fresh', BUYER, { lastReadAt: clock.hoursAgo(3) }));
    appSync.send('c-fresh', clock.hoursAgo(2));
    sweeps.days.set(kstDay(clock.now()), { done: true });
    expect(await run({ afterHours: 0 })).toMatchObject({ afterHours: 0, outcome: 'finished', reminded: 1 });
    expect(sweeps.days.get('2026-03-14')).toEqual({ done: true });
  });

  it('stops near the timeout, saves where it is, and the next run finishes: each member once', async () => {
    for (let i = 0; i < 30; i++) {
      const conversationId = `c-${String(i).padStart(2, '0')}`;
      table.add(member(conversationId, BUYER), member(conversationId, BROKER, { unreadCount: 0 }));
      appSync.send(conversationId, clock.hoursAgo(25));
    }
    // Two calls per due member, a second each: time for about a dozen members.
    const first = await run(scheduledEvent, RESERVE_MS + 20_000);
    expect(first.outcome).toBe('stopped');
    expect(first.reminded).toBeGreaterThan(0);
    expect(first.reminded).toBeLessThan(30);
    expect(sweeps.days.get('2026-03-14')?.position).toBeDefined();

    let runs = 1;
    let summary = first;
    while (summary.outcome === 'stopped') {
      clock.ms += 15 * 60 * 1000;
      summary = await run(scheduledEvent, RESERVE_MS + 20_000);
      runs += 1;
      if (runs > 10) throw new Error('the sweep does not end');
    }
    expect(summary.outcome).toBe('finished');
    expect(appSync.notifications.size).toBe(30);
    // Nobody was even tried twice: each run carried on after the last member it finished.
    expect(appSync.calls('CreateNotification')).toHaveLength(30);
    expect(sweeps.days.get('2026-03-14')).toEqual({ done: true });
  });

  it('fails on an AppSync outage after saving its position, and the next run carries on', async () => {
    for (let i = 0; i < 6; i++) {
      table.add(member(`c-${i}`, BUYER));
      appSync.send(`c-${i}`, clock.hoursAgo(25));
    }
    let creates = 0;
    const create = deps().create;
    const failing: ReminderDeps = {
      ...deps(),
      create: async (notification) => {
        creates += 1;
        if (creates === 3) throw new AppSyncUnavailableError('AppSync answered HTTP 503', 503);
        return create(notification);
      },
    };
    const handler = createHandler(failing, () => 24);
    await expect(handler(scheduledEvent, contextOnClock(300_000))).rejects.toBeInstanceOf(
      AppSyncUnavailableError,
    );
    expect(sweeps.days.get('2026-03-14')?.done).toBe(false);

    expect(await run()).toMatchObject({ outcome: 'finished' });
    expect(appSync.notifications.size).toBe(6);
  });

  it.each([[{ afterHours: -1 }], [{ afterHours: 1.5 }], [{ afterHours: '24' }], [{ afterHours: 721 }]])(
    'refuses a manual run with %o before reading anything',
    async (event) => {
      await expect(run(event)).rejects.toThrow('afterHours');
      expect(table.scans).toEqual([]);
    },
  );
});

describe('sweepOptionsOf', () => {
  it('runs the resumable sweep with the configured hours for the schedule’s event, or no event', () => {
    expect(sweepOptionsOf(scheduledEvent, () => 36)).toEqual({ afterHours: 36, resumable: true });
    expect(sweepOptionsOf(undefined, () => 24)).toEqual({ afterHours: 24, resumable: true });
    expect(sweepOptionsOf({ afterHours: 0 }, () => 24)).toEqual({ afterHours: 0, resumable: false });
  });
});

describe('overdueUnread', () => {
  const overdue = () => overdueUnread({ data: async () => appSync.client() });

  it('lists the messages between the last read and the cutoff, or up to the cutoff without a read', async () => {
    appSync.send('c-1', clock.hoursAgo(25));
    const cutoff = clock.hoursAgo(24);
    const after = clock.hoursAgo(30);
    expect(await overdue()(member('c-1', BUYER), { after, cutoff })).toBe(true);
    expect(await overdue()(member('c-1', BUYER), { cutoff })).toBe(true);
    const [withRead, withoutRead] = appSync.calls('ListMessagesSentBetween');
    expect(withRead!.variables.createdAt).toEqual({ between: [after, cutoff] });
    expect(withoutRead!.variables.createdAt).toEqual({ le: cutoff });
  });

  it('pages on past messages that do not count, and gives up after the last page it may read', async () => {
    appSync.pageSize = 2;
    for (let i = 0; i < 4; i++) appSync.send('c-1', clock.hoursAgo(40 - i), { senderId: BUYER });
    appSync.send('c-1', clock.hoursAgo(30));
    expect(await overdue()(member('c-1', BUYER), { cutoff: clock.hoursAgo(24) })).toBe(true);
    expect(appSync.calls('ListMessagesSentBetween')).toHaveLength(3);

    appSync.log.length = 0;
    for (let i = 0; i < 2 * MAX_MESSAGE_PAGES; i++)
      appSync.send('c-2', clock.hoursAgo(200 - i), { senderId: BUYER });
    appSync.send('c-2', clock.hoursAgo(30));
    expect(await overdue()(member('c-2', BUYER), { cutoff: clock.hoursAgo(24) })).toBe(false);
    expect(appSync.calls('ListMessagesSentBetween')).toHaveLength(MAX_MESSAGE_PAGES);
  });
});

describe('config.chatReminderAfterHours', () => {
  afterEach(() => {
    delete process.env.CHAT_REMINDER_AFTER_HOURS;
  });

  it('is 24 unless set, and refuses what is not a whole number of hours from 1 to 720', () => {
    expect(config.chatReminderAfterHours()).toBe(24);
    process.env.CHAT_REMINDER_AFTER_HOURS = '36';
    expect(config.chatReminderAfterHours()).toBe(36);
    for (const value of ['0', '1.5', 'a day', '721']) {
      process.env.CHAT_REMINDER_AFTER_HOURS = value;
      expect(() => config.chatReminderAfterHours()).toThrow(InvalidConfigError);
    }
  });
});
