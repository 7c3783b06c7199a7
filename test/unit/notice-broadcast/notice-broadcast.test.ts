import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  type AudienceProfile,
  isInAudience,
  NOTICE_RETENTION_DAYS,
  noticeNotification,
  noticeNotificationId,
} from '../../../amplify/functions/notice-broadcast/audience';
import type {
  BroadcastClaim,
  BroadcastDeps,
  BroadcastLease,
  BroadcastProgressStore,
  BroadcastSettings,
  ProfilePage,
  ScanPosition,
} from '../../../amplify/functions/notice-broadcast/broadcast';
import { createHandler, RESERVE_MS } from '../../../amplify/functions/notice-broadcast/handler';
import { AppSyncUnavailableError } from '../../../amplify/functions/shared/appsync-client';
import {
  type NoticeRequest,
  parseNoticeRequest,
} from '../../../amplify/functions/shared/notifications/notice-request';
import type { NewNotification } from '../../../amplify/functions/shared/notifications/notification-create';
import { lambdaContext } from '../../support/lambda-context';

const PUBLISHED_AT = '2026-03-14T09:00:00+09:00';
const START = new Date('2026-03-14T00:00:05.000Z');
/** The function's timeout in these tests; RESERVE_MS of it is kept for saving. */
const TIMEOUT_MS = RESERVE_MS + 6_000;
/** Each create takes this long on the fake clock. */
const CREATE_MS = 1_000;

function notice(overrides: Partial<NoticeRequest> = {}): NoticeRequest {
  return {
    version: 1,
    noticeId: 'N-2026-0314-01',
    title: '서비스 점검 안내',
    body: '3월 15일 02:00–04:00 서비스 점검이 있습니다.',
    deepLink: 'bootalk://notice/N-2026-0314-01',
    segment: 'ALL',
    publishedAt: PUBLISHED_AT,
    ...overrides,
  };
}

const profile = (id: string, overrides: Partial<AudienceProfile> = {}): AudienceProfile => ({
  id,
  role: 'USER',
  ...overrides,
});

describe('isInAudience', () => {
  it('reaches every user who has not deleted their account with "ALL"', () => {
    expect(isInAudience(profile('u-1'), 'ALL')).toBe(true);
    expect(isInAudience(profile('u-1', { role: 'ADMIN' }), 'ALL')).toBe(true);
    expect(isInAudience(profile('u-1', { deletedAt: '2026-03-01T00:00:00.000Z' }), 'ALL')).toBe(false);
  });

  it('never reaches a deleted account, whatever the segment says', () => {
    const deleted = profile('u-1', {
      role: 'BROKER',
      regionCodes: ['11680'],
      deletedAt: '2026-03-01T00:00:00Z',
    });
    expect(isInAudience(deleted, { roles: ['BROKER'], regionCodes: ['11'] })).toBe(false);
  });

  it('keeps to the roles named, and counts a profile without a role as a USER', () => {
    const segment = { roles: ['USER' as const] };
    expect(isInAudience(profile('u-1', { role: 'USER' }), segment)).toBe(true);
    expect(isInAudience(profile('u-2', { role: null }), segment)).toBe(true);
    expect(isInAudience(profile('u-3', { role: 'BROKER' }), segment)).toBe(false);
    expect(isInAudience(profile('u-4', { role: 'SUPERVISOR' }), { roles: ['ADMIN'] })).toBe(false);
  });

  it('matches a user whose region lies inside a segment region, not one outside or above it', () => {
    const seoul = { regionCodes: ['11'] };
    const gangnam = { regionCodes: ['11680'] };
    expect(isInAudience(profile('u-1', { regionCodes: ['1168010300'] }), seoul)).toBe(true);
    expect(isInAudience(profile('u-1', { regionCodes: ['1168010300'] }), gangnam)).toBe(true);
    expect(isInAudience(profile('u-2', { regionCodes: ['26110'] }), seoul)).toBe(false);
    // Following all of Seoul does not put the user in a notice for 강남구 only.
    expect(isInAudience(profile('u-3', { regionCodes: ['11'] }), gangnam)).toBe(false);
    expect(isInAudience(profile('u-4', { regionCodes: ['26110', '11680'] }), gangnam)).toBe(true);
  });

  it('leaves out users with no regions, or with something else stored, when the segment names regions', () => {
    const segment = { regionCodes: ['11'] };
    expect(isInAudience(profile('u-1'), segment)).toBe(false);
    expect(isInAudience(profile('u-2', { regionCodes: [] }), segment)).toBe(false);
    expect(isInAudience(profile('u-3', { regionCodes: '11680' }), segment)).toBe(false);
    expect(isInAudience(profile('u-4', { regionCodes: [11680, '11680'] }), segment)).toBe(true);
  });

  it('needs both the role and the region when the segment names both', () => {
    const segment = { roles: ['BROKER' as const], regionCodes: ['11680'] };
    expect(isInAudience(profile('b-1', { role: 'BROKER', regionCodes: ['11680'] }), segment)).toBe(true);
    expect(isInAudience(profile('b-2', { role: 'BROKER', regionCodes: ['41135'] }), segment)).toBe(false);
    expect(isInAudience(profile('u-1', { role: 'USER', regionCodes: ['11680'] }), segment)).toBe(false);
  });
});

describe('noticeNotification', () => {
  it('is a NOTICE about the notice, with an id that depends on the notice and the user only', () => {
    const now = new Date('2026-03-14T00:00:00.000Z');
    const row = noticeNotification(notice(), 'u-1', now);
    expect(row).toEqual({
      id: noticeNotificationId('N-2026-0314-01', 'u-1'),
      userId: 'u-1',
      type: 'NOTICE',
      title: '서비스 점검 안내',
      body: '3월 15일 02:00–04:00 서비스 점검이 있습니다.',
      deepLink: 'bootalk://notice/N-2026-0314-01',
      subjectId: 'N-2026-0314-01',
      createdAt: '2026-03-14T00:00:00.000Z',
      expiresAt: now.getTime() / 1000 + NOTICE_RETENTION_DAYS * 86_400,
    });
    expect(row.id).toMatch(/^[0-9a-f]{64}$/);
    expect(noticeNotification(notice({ title: '다른 제목' }), 'u-1', new Date()).id).toBe(row.id);
    expect(noticeNotification(notice(), 'u-2', now).id).not.toBe(row.id);
    expect(noticeNotification(notice({ noticeId: 'N-2' }), 'u-1', now).id).not.toBe(row.id);
  });

  it('leaves the deep link out when the notice has none', () => {
    const { deepLink: _none, ...withoutLink } = notice();
    expect(noticeNotification(withoutLink, 'u-1', START)).not.toHaveProperty('deepLink');
  });
});

/** A clock that only moves when the test (or a fake service) says so. */
class Clock {
  ms = START.getTime();
  now = () => new Date(this.ms);
  advance(ms: number) {
    this.ms += ms;
  }
}

/**
 * The UserProfile table as a scan sees it: rows in key order, `Limit` rows a page, resuming after
 * the ExclusiveStartKey (any row's key). Like DynamoDB, a full last page still has a next key.
 */
class FakeUserTable {
  rows: AudienceProfile[] = [];
  readonly scans: (ScanPosition | undefined)[] = [];

  add(...profiles: AudienceProfile[]) {
    this.rows.push(...profiles);
    this.rows.sort((a, b) => a.id.localeCompare(b.id));
  }

  page = async (position: ScanPosition | undefined, limit: number): Promise<ProfilePage> => {
    this.scans.push(position);
    const after = position ? String(position.id) : undefined;
    const start = after === undefined ? 0 : this.rows.findIndex((row) => row.id > after);
    const rows = start < 0 ? [] : this.rows.slice(start, start + limit);
    return {
      profiles: structuredClone(rows),
      ...(rows.length === limit ? { next: { id: rows[rows.length - 1]!.id } } : {}),
    };
  };
}

interface ProgressRecord {
  position?: ScanPosition;
  done?: boolean;
  leaseOwner?: string;
  leaseUntil?: number;
}

/** The progress record with the conditions broadcast-store.ts gives DynamoDB. */
class FakeProgress implements BroadcastProgressStore {
  readonly records = new Map<string, ProgressRecord>();
  readonly log: string[] = [];
  /** Set to make the next holder-only write find the lease taken. */
  stealLease = false;

  async claim(noticeId: string, lease: BroadcastLease, now: Date): Promise<BroadcastClaim> {
    this.log.push('claim');
    const record = this.records.get(noticeId) ?? {};
    if (record.done) return { status: 'done' };
    if (record.leaseUntil !== undefined && record.leaseUntil >= now.getTime()) return { status: 'busy' };
    this.records.set(noticeId, { ...record, leaseOwner: lease.owner, leaseUntil: lease.until });
    return { status: 'claimed', ...(record.position ? { position: record.position } : {}) };
  }

  private holder(
    noticeId: string,
    lease: BroadcastLease,
    change: (record: ProgressRecord) => ProgressRecord,
  ) {
    const record = this.records.get(noticeId);
    if (this.stealLease && record) {
      record.leaseOwner = 'someone-else';
      this.stealLease = false;
    }
    if (!record || record.leaseOwner !== lease.owner) return false;
    this.records.set(noticeId, change(record));
    return true;
  }

  async advance(noticeId: string, lease: BroadcastLease, position: ScanPosition) {
    this.log.push('advance');
    return this.holder(noticeId, lease, (record) => ({ ...record, position }));
  }

  async release(noticeId: string, lease: BroadcastLease, position: ScanPosition | undefined) {
    this.log.push('release');
    return this.holder(noticeId, lease, ({ leaseOwner: _o, leaseUntil: _u, ...rest }) => ({
      ...rest,
      ...(position ? { position } : {}),
    }));
  }

  async finish(noticeId: string, lease: BroadcastLease) {
    this.log.push('finish');
    return this.holder(noticeId, lease, () => ({ done: true }));
  }
}

/** Notification rows, created only if their id is absent (Amplify's create resolver). */
class FakeNotifications {
  readonly rows = new Map<string, NewNotification>();
  readonly attempts: string[] = [];
  /** userId → the error its create throws. */
  readonly failures = new Map<string, Error>();

  constructor(private readonly clock: Clock) {}

  create = async (notification: NewNotification): Promise<'created' | 'exists'> => {
    this.attempts.push(notification.userId);
    this.clock.advance(CREATE_MS);
    const failure = this.failures.get(notification.userId);
    if (failure) throw failure;
    if (this.rows.has(notification.id)) return 'exists';
    this.rows.set(notification.id, notification);
    return 'created';
  };

  usersReached() {
    return [...this.rows.values()].map((row) => row.userId).sort();
  }
}

function queueRecord(id: string, body: string): SQSRecord {
  return {
    messageId: id,
    receiptHandle: `handle-${id}`,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1773446400000',
      SenderId: 'AIDAEXAMPLE',
      ApproximateFirstReceiveTimestamp: '1773446400001',
    },
    messageAttributes: {},
    md5OfBody: 'd41d8cd98f00b204e9800998ecf8427e',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:ap-northeast-2:123456789012:dev-notice',
    awsRegion: 'ap-northeast-2',
  };
}

const SMALL: BroadcastSettings = { pageSize: 4, concurrency: 2, leaseMarginMs: 5_000 };

let clock: Clock;
let users: FakeUserTable;
let progress: FakeProgress;
let notifications: FakeNotifications;
/** Bodies queued by continueLater, in order. */
let queued: string[];
let invocations: number;

function deps(): BroadcastDeps {
  return {
    progress,
    profiles: users.page,
    create: notifications.create,
    continueLater: async (request) => {
      queued.push(JSON.stringify(request));
    },
    now: clock.now,
  };
}

/** A context whose remaining time runs down with the fake clock, from `timeoutMs`. */
function contextOnClock(timeoutMs = TIMEOUT_MS): Context {
  const end = clock.ms + timeoutMs;
  invocations += 1;
  return {
    ...lambdaContext(),
    awsRequestId: `req-${invocations}`,
    getRemainingTimeInMillis: () => end - clock.ms,
  };
}

async function deliver(bodies: string[], timeoutMs = TIMEOUT_MS) {
  const context = contextOnClock(timeoutMs);
  const event: SQSEvent = { Records: bodies.map((body, i) => queueRecord(`m-${invocations}-${i}`, body)) };
  return createHandler(deps(), SMALL)(event, context);
}

beforeEach(() => {
  clock = new Clock();
  users = new FakeUserTable();
  progress = new FakeProgress();
  notifications = new FakeNotifications(clock);
  queued = [];
  invocations = 0;
});

describe('notice-broadcast handler', () => {
  it('creates one NOTICE per user in the audience and none for the others', async () => {
    users.add(
      profile('b-1', { role: 'BROKER', regionCodes: ['11680'] }),
      profile('b-2', { role: 'BROKER', regionCodes: ['26110'] }),
      profile('b-3', { role: 'BROKER', regionCodes: ['1168010300'], deletedAt: '2026-03-01T00:00:00Z' }),
      profile('u-1', { role: 'USER', regionCodes: ['11680'] }),
      profile('u-2', { role: null, regionCodes: ['11680'] }),
    );
    const body = JSON.stringify(notice({ segment: { roles: ['BROKER'], regionCodes: ['11680'] } }));
    const response = await deliver([body], 600_000);
    expect(response).toEqual({ batchItemFailures: [] });
    expect(notifications.usersReached()).toEqual(['b-1']);
    const [row] = notifications.rows.values();
    expect(row).toMatchObject({ type: 'NOTICE', subjectId: 'N-2026-0314-01', userId: 'b-1' });
    expect(queued).toEqual([]);
    expect(progress.records.get('N-2026-0314-01')).toEqual({ done: true });
  });

  it("fails a body that is not a notice for the queue's DLQ, creating nothing", async () => {
    users.add(profile('u-1'));
    const response = await deliver(['{"version":1,"noticeId":"N-1"}', 'not json'], 600_000);
    // notice-broadcast has no DEAD_LETTER_QUEUE_URL: the queue's redrive keeps them in notice-dlq.
    expect(response.batchItemFailures).toHaveLength(2);
    expect(notifications.attempts).toEqual([]);
    expect(progress.log).toEqual([]);
  });

  it('does nothing for a notice delivered again after its broadcast finished', async () => {
    users.add(profile('u-1'), profile('u-2'));
    const body = JSON.stringify(notice());
    await deliver([body], 600_000);
    const attempts = notifications.attempts.length;
    const response = await deliver([body], 600_000);
    expect(response).toEqual({ batchItemFailures: [] });
    expect(notifications.attempts).toHaveLength(attempts);
    expect(notifications.usersReached()).toEqual(['u-1', 'u-2']);
  });

  it('drops a second copy of the message while another invocation holds the broadcast', async () => {
    users.add(profile('u-1'));
    progress.records.set('N-2026-0314-01', { leaseOwner: 'req-other:m-x', leaseUntil: clock.ms + 30_000 });
    const response = await deliver([JSON.stringify(notice())], 600_000);
    expect(response).toEqual({ batchItemFailures: [] });
    expect(notifications.attempts).toEqual([]);
    expect(queued).toEqual([]);
    expect(progress.records.get('N-2026-0314-01')?.leaseOwner).toBe('req-other:m-x');
  });
});

describe('a broadcast longer than one invocation', () => {
  const population = () =>
    Array.from({ length: 23 }, (_, i) =>
      profile(`u-${String(i).padStart(2, '0')}`, {
        role: i % 3 === 0 ? 'BROKER' : 'USER',
        ...(i % 5 === 0 ? { deletedAt: '2026-03-01T00:00:00Z' } : {}),
      }),
    );
  const expected = () =>
    population()
      .filter((p) => !p.deletedAt)
      .map((p) => p.id)
      .sort();

  /** Delivers until the queue is empty, like the SQS event source would. */
  async function drain(first: string) {
    const pending = [first];
    const responses = [];
    while (pending.length > 0) {
      if (invocations > 50) throw new Error('the broadcast does not end');
      const body = pending.shift()!;
      responses.push(await deliver([body]));
      pending.push(...queued.splice(0));
    }
    return responses;
  }

  it('saves where it is, queues the notice again and reaches every user exactly once', async () => {
    users.add(...population());
    const responses = await drain(JSON.stringify(notice()));
    expect(invocations).toBeGreaterThan(2);
    for (const response of responses) expect(response).toEqual({ batchItemFailures: [] });
    expect(notifications.usersReached()).toEqual(expected());
    // Stopping between chunks, never inside one: nobody was even attempted twice.
    expect([...notifications.attempts].sort()).toEqual(expected());
    expect(progress.records.get('N-2026-0314-01')).toEqual({ done: true });
  });

  it('queues the same notice body, which parses back to the notice', async () => {
    users.add(...population());
    await deliver([JSON.stringify(notice())]);
    expect(queued).toHaveLength(1);
    expect(parseNoticeRequest(queued[0]!)).toEqual(notice());
    expect(progress.records.get('N-2026-0314-01')?.leaseOwner).toBeUndefined();
    expect(progress.records.get('N-2026-0314-01')?.position).toBeDefined();
  });

  it('fails the message on an AppSync outage, keeps what is done, and a redelivery finishes the rest', async () => {
    users.add(...population());
    notifications.failures.set('u-06', new AppSyncUnavailableError('AppSync answered HTTP 503', 503));
    const body = JSON.stringify(notice());
    const failed = await drain(body);
    expect(failed.at(-1)).toEqual({ batchItemFailures: [{ itemIdentifier: `m-${invocations}-0` }] });
    const reachedBefore = notifications.usersReached();
    expect(reachedBefore).toContain('u-04');
    expect(reachedBefore).not.toContain('u-07');
    // Released: the redelivery need not wait for the lease to expire.
    expect(progress.records.get('N-2026-0314-01')?.leaseOwner).toBeUndefined();

    notifications.failures.clear();
    await drain(body);
    expect(notifications.usersReached()).toEqual(expected());
    // Only the chunk that failed is tried again.
    const attemptsPerUser = new Map<string, number>();
    for (const userId of notifications.attempts)
      attemptsPerUser.set(userId, (attemptsPerUser.get(userId) ?? 0) + 1);
    expect([...attemptsPerUser].filter(([, count]) => count > 1).map(([userId]) => userId)).toEqual(
      expect.arrayContaining(['u-06']),
    );
    expect([...attemptsPerUser].filter(([, count]) => count > 1).length).toBeLessThanOrEqual(
      SMALL.concurrency,
    );
  });

  it('resumes from the saved position when the holder died and its lease ran out', async () => {
    users.add(...population());
    progress.records.set('N-2026-0314-01', {
      position: { id: 'u-11' },
      leaseOwner: 'req-dead:m-0',
      leaseUntil: clock.ms - 1,
    });
    await drain(JSON.stringify(notice()));
    expect(notifications.usersReached()).toEqual(expected().filter((id) => id > 'u-11'));
  });

  it('stops without queueing anything when it finds its lease taken', async () => {
    users.add(...population());
    progress.stealLease = true;
    const response = await deliver([JSON.stringify(notice())], 600_000);
    expect(response).toEqual({ batchItemFailures: [] });
    expect(queued).toEqual([]);
    expect(progress.records.get('N-2026-0314-01')?.done).toBeUndefined();
  });
});
