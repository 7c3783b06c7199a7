import { logger } from '../shared/logger';
import type { NewNotification } from '../shared/notifications/notification-create';
import { type Deadline, forEachChunk } from '../shared/paged-work';
import { kstDay, type ReminderMember, reminderDecision, reminderNotification } from './reminder-plan';

/**
 * A sweep pages through the ConversationMember rows that have something unread and creates the
 * day's reminder for each that is due. A scheduled sweep saves where it got to per Korean day,
 * so the next run of the evening's schedule carries on from there, and once it is through the
 * later runs do nothing. A manual sweep (an invocation naming `afterHours`, for operators and
 * tests) starts from the beginning and saves nothing. Either way a reminder is created only if
 * its id (conversation, member, day) is absent: runs can repeat, reminders cannot.
 */

/** A DynamoDB scan position: the key of the last member row dealt with. */
export type MemberPosition = Record<string, unknown>;

export interface MemberPage {
  members: ReminderMember[];
  next?: MemberPosition;
}

export interface SweepStore {
  /** The day's sweep as last saved. */
  load(day: string): Promise<{ done: boolean; position?: MemberPosition }>;
  save(day: string, position: MemberPosition | undefined, now: Date): Promise<void>;
  finish(day: string, now: Date): Promise<void>;
}

export interface ReminderDeps {
  /** One page of member rows with unreadCount > 0, from `position` (the start when undefined). */
  members: (position: MemberPosition | undefined, limit: number) => Promise<MemberPage>;
  /** Whether a message counting as unread for the member was sent in (after, cutoff]. */
  overdue: (member: ReminderMember, check: { after?: string; cutoff: string }) => Promise<boolean>;
  /** Creates the row unless its id exists. */
  create: (notification: NewNotification) => Promise<'created' | 'exists'>;
  sweeps: SweepStore;
  now: () => Date;
}

export interface SweepOptions {
  afterHours: number;
  /** Scheduled sweeps resume from (and record) the day's position; manual ones do not. */
  resumable: boolean;
  pageSize?: number;
  concurrency?: number;
}

export interface SweepSummary {
  day: string;
  afterHours: number;
  outcome: 'finished' | 'stopped' | 'already-done';
  pages: number;
  scanned: number;
  reminded: number;
  /** Already reminded today. */
  existing: number;
  muted: number;
  readRecently: number;
  notDue: number;
}

const memberKey = (member: ReminderMember): MemberPosition => ({
  conversationId: member.conversationId,
  userId: member.userId,
});

export async function sweepReminders(
  options: SweepOptions,
  deps: ReminderDeps,
  deadline: Deadline,
): Promise<SweepSummary> {
  const { afterHours, resumable } = options;
  const day = kstDay(deps.now());
  const summary: SweepSummary = {
    day,
    afterHours,
    outcome: 'finished',
    pages: 0,
    scanned: 0,
    reminded: 0,
    existing: 0,
    muted: 0,
    readRecently: 0,
    notDue: 0,
  };
  let position: MemberPosition | undefined;
  if (resumable) {
    const sweep = await deps.sweeps.load(day);
    if (sweep.done) return { ...summary, outcome: 'already-done' };
    position = sweep.position;
  }

  async function remindIfDue(member: ReminderMember): Promise<void> {
    const now = deps.now();
    const decision = reminderDecision(member, now, afterHours);
    if (decision.kind === 'skip') {
      if (decision.reason === 'muted') summary.muted += 1;
      else if (decision.reason === 'read-recently') summary.readRecently += 1;
      return;
    }
    if (!(await deps.overdue(member, decision))) {
      summary.notDue += 1;
      return;
    }
    const result = await deps.create(reminderNotification(member, now));
    summary[result === 'created' ? 'reminded' : 'existing'] += 1;
  }

  const stop = async (): Promise<SweepSummary> => {
    if (resumable) await deps.sweeps.save(day, position, deps.now());
    return { ...summary, outcome: 'stopped' };
  };

  try {
    for (;;) {
      if (deadline.near()) return await stop();
      const page = await deps.members(position, options.pageSize ?? 200);
      summary.pages += 1;
      summary.scanned += page.members.length;
      const complete = await forEachChunk(
        page.members,
        options.concurrency ?? 10,
        deadline,
        async (chunk) => {
          await Promise.all(chunk.map(remindIfDue));
          position = memberKey(chunk[chunk.length - 1]!);
        },
      );
      if (!complete) return await stop();
      if (!page.next) {
        if (resumable) await deps.sweeps.finish(day, deps.now());
        return summary;
      }
      position = page.next;
      if (resumable) await deps.sweeps.save(day, position, deps.now());
    }
  } catch (error) {
    // The next run of the evening carries on from the last chunk that went through.
    if (resumable) await deps.sweeps.save(day, position, deps.now()).catch(() => undefined);
    logger.warn('chat reminder sweep failed', { day, pages: summary.pages, reminded: summary.reminded });
    throw error;
  }
}
