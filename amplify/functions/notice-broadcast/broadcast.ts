import { logger } from '../shared/logger';
import type { NoticeRequest } from '../shared/notifications/notice-request';
import type { NewNotification } from '../shared/notifications/notification-create';
import { type Deadline, forEachChunk } from '../shared/paged-work';
import { type AudienceProfile, isInAudience, noticeNotification } from './audience';

/**
 * A broadcast pages through every UserProfile and creates the notice's Notification for each user
 * in its audience. It is resumable: where it is (a scan position) is saved per notice, and an
 * invocation that nears its timeout saves it and queues the same notice again; the next
 * invocation carries on from there. Continuing through a new message, rather than failing this
 * one for SQS to redeliver, keeps a long broadcast from using up the queue's 5 receives (and
 * then landing in the DLQ half done) and from waiting out the 6-minute visibility timeout
 * between pages.
 *
 * Exactly one invocation works on a notice at a time: it holds a lease on the notice's progress
 * record until the end of its own invocation. Another copy of the message (SQS delivers at least
 * once; a continuation may be queued twice after a crash) finds the lease held and is dropped;
 * the holder's own message is redelivered if the holder dies, and by then the lease has expired.
 * Even so, nothing relies on the lease for "never two": every Notification id is derived from
 * (notice, user) and created only if absent.
 */

/** A DynamoDB scan position: the key of the last profile dealt with. */
export type ScanPosition = Record<string, unknown>;

export interface ProfilePage {
  profiles: AudienceProfile[];
  /** Where the next page starts; absent after the last page. */
  next?: ScanPosition;
}

export interface BroadcastLease {
  /** This invocation and message. */
  owner: string;
  /** Epoch ms: the end of this invocation, and a margin. */
  until: number;
}

export type BroadcastClaim =
  | { status: 'claimed'; position?: ScanPosition }
  | { status: 'done' }
  /** Another invocation holds the lease. */
  | { status: 'busy' };

export interface BroadcastProgressStore {
  /** Takes the notice's lease, unless the broadcast is done or someone else holds it. */
  claim(noticeId: string, lease: BroadcastLease, now: Date): Promise<BroadcastClaim>;
  /** Saves the position, keeping the lease; false when the lease is no longer ours. */
  advance(noticeId: string, lease: BroadcastLease, position: ScanPosition): Promise<boolean>;
  /** Saves the position and gives the lease up; false when it was no longer ours. */
  release(noticeId: string, lease: BroadcastLease, position: ScanPosition | undefined): Promise<boolean>;
  /** Marks the broadcast done for good; false when the lease was no longer ours. */
  finish(noticeId: string, lease: BroadcastLease, now: Date): Promise<boolean>;
}

export interface BroadcastDeps {
  progress: BroadcastProgressStore;
  /** One page of UserProfile rows from `position` (the start when undefined). */
  profiles: (position: ScanPosition | undefined, limit: number) => Promise<ProfilePage>;
  /** Creates the row unless its id exists. */
  create: (notification: NewNotification) => Promise<'created' | 'exists'>;
  /** Queues the notice again, for the next invocation to carry on. */
  continueLater: (request: NoticeRequest) => Promise<void>;
  now: () => Date;
}

export interface BroadcastSettings {
  /** Profiles read per scan page. */
  pageSize: number;
  /** Notifications created at once. */
  concurrency: number;
  /** Added to the invocation's remaining time for the lease. */
  leaseMarginMs: number;
}

export const BROADCAST_SETTINGS: BroadcastSettings = { pageSize: 100, concurrency: 10, leaseMarginMs: 5_000 };

export type BroadcastOutcome = 'finished' | 'continued' | 'done' | 'busy' | 'lease-lost';

/** What this invocation did (ids and counts only). */
export interface BroadcastSummary {
  outcome: BroadcastOutcome;
  pages: number;
  scanned: number;
  created: number;
  existing: number;
}

/** The key of a UserProfile row: the scan can start right after any row it names. */
const positionAfter = (profile: AudienceProfile): ScanPosition => ({ id: profile.id });

export async function broadcastNotice(
  request: NoticeRequest,
  deps: BroadcastDeps,
  deadline: Deadline,
  owner: string,
  settings: BroadcastSettings = BROADCAST_SETTINGS,
): Promise<BroadcastSummary> {
  const { noticeId } = request;
  const summary: BroadcastSummary = { outcome: 'finished', pages: 0, scanned: 0, created: 0, existing: 0 };
  const startedAt = deps.now();
  const lease = { owner, until: startedAt.getTime() + deadline.remainingMs() + settings.leaseMarginMs };
  const claim = await deps.progress.claim(noticeId, lease, startedAt);
  if (claim.status !== 'claimed') return { ...summary, outcome: claim.status };

  /** Everything before `position` is done. */
  let position = claim.position;
  const continueLater = async (): Promise<BroadcastSummary> => {
    if (!(await deps.progress.release(noticeId, lease, position)))
      return { ...summary, outcome: 'lease-lost' };
    await deps.continueLater(request);
    return { ...summary, outcome: 'continued' };
  };

  try {
    for (;;) {
      if (deadline.near()) return await continueLater();
      const page = await deps.profiles(position, settings.pageSize);
      summary.pages += 1;
      summary.scanned += page.profiles.length;
      const audience = page.profiles.filter((profile) => isInAudience(profile, request.segment));
      let done = 0;
      const complete = await forEachChunk(audience, settings.concurrency, deadline, async (chunk) => {
        const results = await Promise.all(
          chunk.map((profile) => deps.create(noticeNotification(request, profile.id, deps.now()))),
        );
        for (const result of results) summary[result === 'created' ? 'created' : 'existing'] += 1;
        done += chunk.length;
        // The profiles before this one in the page are done too, in the audience or not.
        position = positionAfter(chunk[chunk.length - 1]!);
      });
      if (!complete) {
        logger.debug('notice broadcast stopping mid-page', { noticeId, done, audience: audience.length });
        return await continueLater();
      }
      if (!page.next) {
        if (!(await deps.progress.finish(noticeId, lease, deps.now())))
          return { ...summary, outcome: 'lease-lost' };
        return summary;
      }
      position = page.next;
      if (!(await deps.progress.advance(noticeId, lease, position)))
        return { ...summary, outcome: 'lease-lost' };
    }
  } catch (error) {
    // Keep what is done for the redelivery (or a continuation), then fail the message.
    await deps.progress.release(noticeId, lease, position).catch(() => false);
    throw error;
  }
}
