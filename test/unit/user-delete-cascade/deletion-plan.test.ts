import { describe, expect, it } from 'vitest';
import {
  accountDeletionView,
  COMPLETED_JOB_RETENTION_SECONDS,
  completedJob,
  DELETION_STEPS,
  type DeletionJob,
  leaseIsFree,
  newJob,
  nextStep,
  remainingSteps,
  withCursor,
  withLease,
  withoutLease,
  withStepDone,
} from '../../../amplify/functions/user-delete-cascade/deletion-plan';

const USER = '6b0e2c4a-1f3d-4e5b-9a7c-8d9e0f1a2b3c';
const REQUESTED = new Date('2026-04-01T09:00:00.000Z');
const LATER = new Date('2026-04-01T09:05:00.000Z');

function jobWith(done: DeletionJob['done'], extra: Partial<DeletionJob> = {}): DeletionJob {
  return { ...newJob(USER, REQUESTED), done, ...extra };
}

describe('the deletion plan', () => {
  it('blocks sign-in first, removes the data, tells the Legacy API, and deletes the Cognito user last', () => {
    expect(remainingSteps(newJob(USER, REQUESTED))).toEqual([
      'sign-in-blocked',
      'devices',
      'alert-subscriptions',
      'notifications',
      'broker-link',
      'memberships',
      'user-deleted-event',
      'cognito-user-deleted',
    ]);
  });

  it('starts a new job in progress, requested now, with nothing done', () => {
    expect(newJob(USER, REQUESTED)).toEqual({
      id: `account-deletion:${USER}`,
      userId: USER,
      status: 'IN_PROGRESS',
      requestedAt: REQUESTED.toISOString(),
      done: [],
      updatedAt: REQUESTED.toISOString(),
    });
  });

  it('skips the steps already done, whatever order they were recorded in', () => {
    const job = jobWith(['devices', 'sign-in-blocked', 'notifications']);
    expect(remainingSteps(job)).toEqual([
      'alert-subscriptions',
      'broker-link',
      'memberships',
      'user-deleted-event',
      'cognito-user-deleted',
    ]);
    expect(nextStep(job)).toEqual({ step: 'alert-subscriptions' });
  });

  it('has nothing left once every step is done, and nothing at all for a completed job', () => {
    expect(nextStep(jobWith([...DELETION_STEPS]))).toBeUndefined();
    expect(remainingSteps(jobWith([], { status: 'COMPLETED' }))).toEqual([]);
  });

  it('resumes the unfinished step from its cursor', () => {
    const position = {
      after: { conversationId: 'conv-7', userId: USER, lastMessageAt: '2026-03-01T00:00:00.000Z' },
    };
    const job = withCursor(
      jobWith(['sign-in-blocked', 'devices', 'alert-subscriptions', 'notifications', 'broker-link']),
      'memberships',
      position,
      LATER,
    );
    expect(nextStep(job)).toEqual({ step: 'memberships', position });
  });

  it("ignores a cursor that is not the next step's", () => {
    const job = withCursor(jobWith(['sign-in-blocked']), 'notifications', { after: { id: 'n-9' } }, LATER);
    expect(nextStep(job)).toEqual({ step: 'devices' });
  });

  it('records a finished step once and drops its cursor', () => {
    const paused = withCursor(
      jobWith(['sign-in-blocked', 'devices']),
      'notifications',
      { after: { id: 'n' } },
      REQUESTED,
    );
    const done = withStepDone(paused, 'notifications', LATER);
    expect(done.done).toEqual(['sign-in-blocked', 'devices', 'notifications']);
    expect(done.cursor).toBeUndefined();
    expect(done.updatedAt).toBe(LATER.toISOString());
    expect(withStepDone(done, 'notifications', LATER).done).toEqual([
      'sign-in-blocked',
      'devices',
      'notifications',
    ]);
  });

  it("keeps another step's cursor when a step is recorded", () => {
    const paused = withCursor(jobWith([]), 'notifications', { after: { id: 'n' } }, REQUESTED);
    expect(withStepDone(paused, 'sign-in-blocked', LATER).cursor).toEqual({
      step: 'notifications',
      position: { after: { id: 'n' } },
    });
  });

  it('completes with a completion time, a 30-day TTL, and neither cursor nor lease', () => {
    const running = withLease(
      withCursor(jobWith([...DELETION_STEPS]), 'memberships', {}, REQUESTED),
      'run-1',
      1,
    );
    const completed = completedJob(running, LATER);
    expect(completed).toMatchObject({ status: 'COMPLETED', completedAt: LATER.toISOString() });
    expect(completed.expiration).toBe(LATER.getTime() / 1000 + COMPLETED_JOB_RETENTION_SECONDS);
    expect(COMPLETED_JOB_RETENTION_SECONDS).toBe(30 * 86_400);
    expect(completed).not.toHaveProperty('cursor');
    expect(completed).not.toHaveProperty('leaseOwner');
    expect(completedJob(completed, new Date('2026-05-01T00:00:00.000Z')).completedAt).toBe(
      LATER.toISOString(),
    );
  });

  it('lets one runner hold the job until its lease runs out', () => {
    const held = withLease(jobWith([]), 'run-1', 1_000);
    expect(leaseIsFree(jobWith([]), 0)).toBe(true);
    expect(leaseIsFree(held, 999)).toBe(false);
    expect(leaseIsFree(held, 1_001)).toBe(true);
    expect(withoutLease(held, 'run-2')).toBeUndefined();
    expect(withoutLease(held, 'run-1')).not.toHaveProperty('leaseUntil');
  });

  it('answers deleteAccount with the job as the schema types it', () => {
    expect(accountDeletionView(jobWith([]))).toEqual({
      userId: USER,
      status: 'IN_PROGRESS',
      requestedAt: REQUESTED.toISOString(),
      completedAt: null,
    });
    expect(accountDeletionView(completedJob(jobWith([...DELETION_STEPS]), LATER))).toEqual({
      userId: USER,
      status: 'COMPLETED',
      requestedAt: REQUESTED.toISOString(),
      completedAt: LATER.toISOString(),
    });
  });
});
