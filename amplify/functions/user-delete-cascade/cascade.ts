import type { SystemMessage } from '../shared/chat/system-message';
import { type EventEnvelope, eventEnvelope } from '../shared/events';
import { logger } from '../shared/logger';
import { unchangedSince, updateOptimistically } from '../shared/optimistic-update';
import { type Deadline, forEachChunk } from '../shared/paged-work';
import type { ChatWrites } from './chat-writes';
import type { CognitoAccounts } from './cognito-accounts';
import type { DeletionJobStore } from './deletion-job-store';
import {
  completedJob,
  type DeletionJob,
  type DeletionStep,
  leaseIsFree,
  nextStep,
  type StepPosition,
  withCursor,
  withLease,
  withoutLease,
  withStepDone,
} from './deletion-plan';
import type { MessageBodyPolicy } from './deletion-settings';
import {
  conversationDeparture,
  MEMBER_LEFT_BODY,
  memberDeparture,
  memberLeftKey,
  messageDeparture,
  remainingMembers,
} from './member-departure';
import { type Membership, membershipKey, type TableKey, type UserDataStore } from './user-data-store';

/**
 * Runs an account's deletion job from where it stands: one step after another, each recorded
 * when finished, paged steps saving their position after every page. One invocation works on a
 * job at a time (a lease on the job record, released at the end); it stops between pages when
 * its time runs short, and the next run carries on from the saved position.
 */

export type UserDeletedEvent = EventEnvelope<'user.deleted', { userId: string }>;

export interface CascadeDeps {
  jobs: DeletionJobStore;
  data: UserDataStore;
  chat: ChatWrites;
  /** shared/system-message.ts postSystemMessage. */
  postSystemMessage: (message: SystemMessage, now: Date) => Promise<unknown>;
  cognito: CognitoAccounts;
  /** Publishes on the user-events topic. */
  publish: (event: UserDeletedEvent) => Promise<void>;
  messageBodyPolicy: () => MessageBodyPolicy;
  now: () => Date;
  settings?: Partial<CascadeSettings>;
  /** The backoff between conditional attempts (shared/optimistic-update.ts); tests pass their own. */
  optimisticRetry?: { sleep?: (ms: number) => Promise<void>; random?: () => number };
}

export interface CascadeSettings {
  notificationPageSize: number;
  brokerPageSize: number;
  membershipPageSize: number;
  messagePageSize: number;
  /** AppSync writes in flight at once. */
  concurrency: number;
  /** Added to the invocation's remaining time for the lease. */
  leaseMarginMs: number;
}

export const CASCADE_SETTINGS: CascadeSettings = {
  notificationPageSize: 100,
  brokerPageSize: 200,
  membershipPageSize: 20,
  messagePageSize: 100,
  concurrency: 10,
  leaseMarginMs: 5_000,
};

export type CascadeResult =
  | { outcome: 'completed'; job: DeletionJob }
  /** Out of time: the position is saved, a later run resumes. */
  | { outcome: 'stopped'; job: DeletionJob; step: DeletionStep }
  /** Another invocation is working on the job. */
  | { outcome: 'busy'; job: DeletionJob };

type StepOutcome = 'finished' | 'stopped';

interface StepRun {
  userId: string;
  job: DeletionJob;
  position: StepPosition | undefined;
  deadline: Deadline;
  /** Saves where the step stands, for the next run. */
  save(position: StepPosition): Promise<void>;
}

export const userDeletedEvent = (userId: string, requestedAt: Date): UserDeletedEvent =>
  eventEnvelope('user.deleted', `user.deleted:${userId}`, { userId }, requestedAt);

export async function runCascade(
  userId: string,
  deps: CascadeDeps,
  deadline: Deadline,
  owner: string,
): Promise<CascadeResult> {
  const settings = { ...CASCADE_SETTINGS, ...deps.settings };
  const opened = await deps.jobs.open(userId, deps.now());
  if (opened.status === 'COMPLETED') return { outcome: 'completed', job: opened };

  const claimedAt = deps.now().getTime();
  let job = await deps.jobs.update(userId, (stored) =>
    stored.status === 'COMPLETED' || !leaseIsFree(stored, claimedAt)
      ? undefined
      : withLease(stored, owner, claimedAt + deadline.remainingMs() + settings.leaseMarginMs),
  );
  if (job.status === 'COMPLETED') return { outcome: 'completed', job };
  if (job.leaseOwner !== owner) return { outcome: 'busy', job };

  try {
    for (;;) {
      const next = nextStep(job);
      if (!next) {
        job = await deps.jobs.update(userId, (stored) => completedJob(stored, deps.now()));
        logger.info('Account deletion completed', { userId });
        return { outcome: 'completed', job };
      }
      const { step, position } = next;
      if (deadline.near()) return { outcome: 'stopped', job, step };
      const outcome = await STEPS[step](deps, settings, {
        userId,
        job,
        position,
        deadline,
        save: async (at) => {
          job = await deps.jobs.update(userId, (stored) => withCursor(stored, step, at, deps.now()));
        },
      });
      if (outcome === 'stopped') {
        logger.info('Account deletion paused before the timeout', { userId, step });
        return { outcome: 'stopped', job, step };
      }
      job = await deps.jobs.update(userId, (stored) => withStepDone(stored, step, deps.now()));
      logger.info('Account deletion step finished', { userId, step });
    }
  } finally {
    try {
      await deps.jobs.update(userId, (stored) => withoutLease(stored, owner));
    } catch (error) {
      // The lease runs out by itself; the step's own error matters more.
      logger.warn('Could not release the account deletion lease', { userId, error });
    }
  }
}

type StepFunction = (deps: CascadeDeps, settings: CascadeSettings, run: StepRun) => Promise<StepOutcome>;

/** A step that works through pages: saves the position after each, stops when time runs short. */
async function paged(
  run: StepRun,
  page: (start: TableKey | undefined) => Promise<{ next?: TableKey }>,
): Promise<StepOutcome> {
  let start = run.position?.after as TableKey | undefined;
  do {
    if (run.deadline.near()) return 'stopped';
    ({ next: start } = await page(start));
    if (start) await run.save({ after: start });
  } while (start);
  return 'finished';
}

const STEPS: Record<DeletionStep, StepFunction> = {
  'sign-in-blocked': async (deps, _settings, { userId }) => {
    const username = await deps.cognito.usernameOf(userId);
    if (username) await deps.cognito.blockSignIn(username);
    return 'finished';
  },

  devices: async (deps, _settings, { userId }) => {
    await deps.data.deleteDevices(userId);
    return 'finished';
  },

  'alert-subscriptions': async (deps, _settings, { userId }) => {
    await deps.data.deleteAlertSubscriptions(userId);
    return 'finished';
  },

  notifications: (deps, settings, run) =>
    paged(run, (start) => deps.data.deleteNotificationPage(run.userId, start, settings.notificationPageSize)),

  'broker-link': (deps, settings, run) =>
    paged(run, async (start) => {
      const page = await deps.data.unlinkBrokerPage(run.userId, start, settings.brokerPageSize, deps.now());
      // Broker ids are the legacy side's, not personal data.
      if (page.items.length > 0)
        logger.info('Unlinked broker profiles', { userId: run.userId, brokerIds: page.items });
      return page;
    }),

  memberships: leaveEveryConversation,

  'user-deleted-event': async (deps, _settings, { userId, job }) => {
    // Dated by the request, so every retry publishes the same envelope.
    await deps.publish(userDeletedEvent(userId, new Date(job.requestedAt)));
    return 'finished';
  },

  'cognito-user-deleted': async (deps, _settings, { userId }) => {
    const username = await deps.cognito.usernameOf(userId);
    if (username) await deps.cognito.remove(username);
    return 'finished';
  },
};

/** Where the memberships step stands: after which membership, and inside which conversation. */
interface MembershipPosition {
  after?: TableKey;
  conversationId?: string;
  messagesAfter?: TableKey;
}

async function leaveEveryConversation(
  deps: CascadeDeps,
  settings: CascadeSettings,
  run: StepRun,
): Promise<StepOutcome> {
  let position: MembershipPosition = (run.position as MembershipPosition | undefined) ?? {};
  for (;;) {
    if (run.deadline.near()) return 'stopped';
    const page = await deps.data.membershipPage(run.userId, position.after, settings.membershipPageSize);
    for (const membership of page.items) {
      const resumeAt =
        position.conversationId === membership.conversationId ? position.messagesAfter : undefined;
      const after = position.after;
      const left = await leaveConversation(deps, settings, run, membership, resumeAt, (messagesAfter) =>
        run.save({ ...(after ? { after } : {}), conversationId: membership.conversationId, messagesAfter }),
      );
      if (left === 'stopped') return 'stopped';
      // The membership row is gone now; the index's order (oldest activity first) only moves
      // rows later, so nothing not yet seen can slip before this key.
      position = { after: membershipKey(membership) };
      await run.save({ ...position });
    }
    if (!page.next) return 'finished';
    position = { after: page.next };
  }
}

/**
 * One conversation, in an order that is safe to repeat from any point: the user's membership
 * row, which is what lists the conversation as still to do, is deleted last.
 */
async function leaveConversation(
  deps: CascadeDeps,
  settings: CascadeSettings,
  run: StepRun,
  membership: Membership,
  messagesAfter: TableKey | undefined,
  saveMessages: (messagesAfter: TableKey) => Promise<void>,
): Promise<StepOutcome> {
  const { userId } = run;
  const { conversationId } = membership;
  const conversation = await deps.chat.conversation(conversationId);
  const staying = remainingMembers(conversation?.memberIds ?? membership.memberIds, userId);

  if (conversation && staying.length > 0) {
    await deps.postSystemMessage(
      {
        conversationId,
        memberIds: staying,
        body: MEMBER_LEFT_BODY,
        key: memberLeftKey(conversationId, userId),
      },
      deps.now(),
    );
  }
  // Each write below rewrites a memberIds list from a read: conditional on the row as read and
  // planned again from a fresh read when it changed (a broker assigned meanwhile stays assigned).
  await updateOptimistically({
    what: `conversation ${conversationId}`,
    initial: conversation,
    read: () => deps.chat.conversation(conversationId),
    plan: (row) => conversationDeparture(row, userId),
    write: async (update, row) =>
      (await deps.chat.updateConversation(update, unchangedSince(row))) || undefined,
    ...deps.optimisticRetry,
  });

  const members = (await deps.chat.members(conversationId)).filter((member) =>
    memberDeparture(member, userId),
  );
  await writeAll(members, settings.concurrency, async (member) => {
    await updateOptimistically({
      what: `member ${conversationId}/${member.userId}`,
      initial: member,
      read: () => deps.chat.member(conversationId, member.userId),
      plan: (row) => memberDeparture(row, userId),
      write: async (update, row) => (await deps.chat.updateMember(update, unchangedSince(row))) || undefined,
      ...deps.optimisticRetry,
    });
  });

  const policy = deps.messageBodyPolicy();
  let start = messagesAfter;
  do {
    if (run.deadline.near()) return 'stopped';
    const page = await deps.data.messagePage(conversationId, start, settings.messagePageSize);
    const departing = page.items.filter((message) => messageDeparture(message, userId, policy));
    // A page cut short is redone from its start: its finished messages need no change any more.
    const whole = await forEachChunk(departing, settings.concurrency, run.deadline, async (chunk) => {
      await Promise.all(
        chunk.map((message) =>
          updateOptimistically({
            what: `message ${message.id}`,
            initial: message,
            read: () => deps.chat.message(message.id),
            plan: (row) => messageDeparture(row, userId, policy),
            write: async (update, row) =>
              (await deps.chat.updateMessage(update, unchangedSince(row))) || undefined,
            ...deps.optimisticRetry,
          }),
        ),
      );
    });
    if (!whole) return 'stopped';
    start = page.next;
    if (start) await saveMessages(start);
  } while (start);

  await deps.chat.deleteMember(conversationId, userId);
  return 'finished';
}

async function writeAll<T>(items: readonly T[], concurrency: number, write: (item: T) => Promise<void>) {
  for (let at = 0; at < items.length; at += concurrency) {
    await Promise.all(items.slice(at, at + concurrency).map(write));
  }
}
