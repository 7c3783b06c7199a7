/**
 * An account deletion as a job: its steps in order, which are done, and where an unfinished paged
 * step stands. Pure: the cascade loads the job, asks what is left, runs one step, and saves the
 * job this module returns. A step is recorded only once finished, so a retry skips finished
 * steps and redoes at most the one that was interrupted (every step is safe to redo).
 */

export const DELETION_STEPS = [
  // First, for a deletion an operator started: nobody signs in to an account being deleted.
  'sign-in-blocked',
  'devices',
  'alert-subscriptions',
  'notifications',
  'broker-link',
  'memberships',
  'user-deleted-event',
  // Last: until then, the Cognito user is how a retry finds the account again.
  'cognito-user-deleted',
] as const;

export type DeletionStep = (typeof DELETION_STEPS)[number];
export type DeletionStatus = 'IN_PROGRESS' | 'COMPLETED';

/** Where a paged step carries on (e.g. a DynamoDB key): opaque to the plan. */
export type StepPosition = Record<string, unknown>;

export interface StepCursor {
  step: DeletionStep;
  position: StepPosition;
}

export interface DeletionJob {
  /** `account-deletion:<userId>` in the idempotency table. */
  id: string;
  userId: string;
  status: DeletionStatus;
  requestedAt: string;
  completedAt?: string;
  done: DeletionStep[];
  cursor?: StepCursor;
  /** The invocation working on the cascade, until `leaseUntil` (epoch ms). */
  leaseOwner?: string;
  leaseUntil?: number;
  updatedAt: string;
  /** TTL (epoch s), set on completion. */
  expiration?: number;
}

/** What deleteAccount answers (the schema's AccountDeletion). */
export interface AccountDeletion {
  userId: string;
  status: DeletionStatus;
  requestedAt: string;
  completedAt: string | null;
}

/** A completed job answers "COMPLETED" for this long, well past any stream or queue retry. */
export const COMPLETED_JOB_RETENTION_SECONDS = 30 * 24 * 60 * 60;

export const jobId = (userId: string) => `account-deletion:${userId}`;

export function newJob(userId: string, now: Date): DeletionJob {
  const at = now.toISOString();
  return { id: jobId(userId), userId, status: 'IN_PROGRESS', requestedAt: at, done: [], updatedAt: at };
}

export function isDeletionStep(value: unknown): value is DeletionStep {
  return (DELETION_STEPS as readonly unknown[]).includes(value);
}

/** The steps still to run, in order; none once the job is completed. */
export function remainingSteps(job: DeletionJob): DeletionStep[] {
  if (job.status === 'COMPLETED') return [];
  return DELETION_STEPS.filter((step) => !job.done.includes(step));
}

/** The step to run now, with the position it stopped at last time (only if the cursor is its own). */
export function nextStep(job: DeletionJob): { step: DeletionStep; position?: StepPosition } | undefined {
  const step = remainingSteps(job)[0];
  if (!step) return undefined;
  return job.cursor?.step === step ? { step, position: job.cursor.position } : { step };
}

export function withStepDone(job: DeletionJob, step: DeletionStep, now: Date): DeletionJob {
  const { cursor, ...rest } = job;
  return {
    ...rest,
    done: job.done.includes(step) ? job.done : [...job.done, step],
    // A cursor belongs to the unfinished step it names; another step's is kept.
    ...(cursor && cursor.step !== step ? { cursor } : {}),
    updatedAt: now.toISOString(),
  };
}

export function withCursor(
  job: DeletionJob,
  step: DeletionStep,
  position: StepPosition,
  now: Date,
): DeletionJob {
  return { ...job, cursor: { step, position }, updatedAt: now.toISOString() };
}

export function completedJob(job: DeletionJob, now: Date): DeletionJob {
  const { cursor: _cursor, leaseOwner: _owner, leaseUntil: _until, ...rest } = job;
  return {
    ...rest,
    status: 'COMPLETED',
    completedAt: job.completedAt ?? now.toISOString(),
    updatedAt: now.toISOString(),
    expiration: Math.floor(now.getTime() / 1000) + COMPLETED_JOB_RETENTION_SECONDS,
  };
}

export function leaseIsFree(job: DeletionJob, nowMs: number): boolean {
  return job.leaseUntil === undefined || job.leaseUntil < nowMs;
}

export function withLease(job: DeletionJob, owner: string, untilMs: number): DeletionJob {
  return { ...job, leaseOwner: owner, leaseUntil: untilMs };
}

export function withoutLease(job: DeletionJob, owner: string): DeletionJob | undefined {
  if (job.leaseOwner !== owner) return undefined;
  const { leaseOwner: _owner, leaseUntil: _until, ...rest } = job;
  return rest;
}

export function accountDeletionView(job: DeletionJob): AccountDeletion {
  return {
    userId: job.userId,
    status: job.status,
    requestedAt: job.requestedAt,
    completedAt: job.completedAt ?? null,
  };
}
