import type { Context, ScheduledEvent } from 'aws-lambda';
import { type LegacyClient, LegacyRejectedError } from '../legacy-client';
import { logger } from '../logger';
import {
  type AlertDefinition,
  type AlertKind,
  type AlertPosition,
  type AlertSubscriptionRow,
  canonicalAlertTarget,
  FeedShapeError,
  isDone,
  type NotificationInput,
  planNotifications,
  positionAfter,
  type TargetGroup,
} from './alert-plan';

/**
 * One scheduled alert run: the kind's subscriptions from the kind-and-target index (one query,
 * paged, in target order), the Legacy feed for each chunk of up to 100 targets, and a Notification
 * per new item and subscriber. A run that nears its timeout saves its position and stops; the next
 * run resumes there. The `since` watermark moves to the run's start only when a run completes.
 */

export interface AlertRunState {
  /** Items that changed at or after this are not told about yet: the start of the last completed run. */
  since: string;
  /** A run that paused or failed: the next one resumes it. */
  run?: { startedAt: string; position?: AlertPosition };
}

export interface AlertStateStore {
  /** The kind's state and its version (0 when there is none). */
  load(kind: AlertKind): Promise<{ state?: AlertRunState; version: number }>;
  /** Writes if the stored version is still `expected`: the new version, or undefined when another run wrote first. */
  save(kind: AlertKind, state: AlertRunState, expected: number): Promise<number | undefined>;
}

export interface SubscriptionSource {
  /** The kind's subscriptions page by page in target order, from a target on (or after it). */
  pages(
    kind: AlertKind,
    from?: { target: string; inclusive: boolean },
  ): AsyncIterable<readonly AlertSubscriptionRow[]>;
}

export interface NotificationSink {
  /** Creates the row; false when its id exists already (the user was told before). */
  create(notification: NotificationInput): Promise<boolean>;
}

export interface AlertRunTuning {
  /** Time kept back from the deadline: an AppSync call in flight and the checkpoint fit in it. */
  safetyMarginMs: number;
  /** How far back the very first run looks. */
  firstRunLookbackMs: number;
  /** The feed is asked from this much before the watermark: the Legacy API's clock may lag ours. */
  overlapMs: number;
  /** The feeds take at most 100 targets a call. */
  maxTargetsPerCall: number;
  /** Keeps the query string short whatever the ids look like. */
  maxTargetCharsPerCall: number;
  /** Notification creates in flight at once. */
  concurrency: number;
}

export const DEFAULT_ALERT_TUNING: AlertRunTuning = {
  safetyMarginMs: 20_000,
  firstRunLookbackMs: 24 * 60 * 60 * 1000,
  overlapMs: 10 * 60 * 1000,
  maxTargetsPerCall: 100,
  maxTargetCharsPerCall: 2_000,
  concurrency: 8,
};

export interface AlertRunDeps {
  subscriptions: SubscriptionSource;
  legacy: LegacyClient;
  notifications: NotificationSink;
  state: AlertStateStore;
  now: () => Date;
  /** Usually `context.getRemainingTimeInMillis`. */
  remainingTimeMs: () => number;
  tuning?: Partial<AlertRunTuning>;
}

export interface AlertRunSummary {
  kind: AlertKind;
  /** `paused`: stopped before the deadline, resumes next run; `superseded`: another run of the kind took over. */
  status: 'completed' | 'paused' | 'superseded';
  resumed: boolean;
  since: string;
  targets: number;
  items: number;
  created: number;
  /** Creates refused because the row exists: told before. */
  alreadyTold: number;
  malformedItems: number;
  /** Subscriptions whose target can't be sent to the feed (rows from before validation). */
  skippedTargets: number;
  /** Feed calls the Legacy API refused for good (4xx) or answered with something else than a feed. */
  refusedCalls: number;
}

class RunSuperseded extends Error {}

/** Groups consecutive rows by target; rows come in target order, so a group is complete when the target changes. */
async function* targetGroups(
  pages: AsyncIterable<readonly AlertSubscriptionRow[]>,
): AsyncGenerator<TargetGroup> {
  let current: TargetGroup | undefined;
  for await (const page of pages) {
    for (const row of page) {
      if (current?.target === row.target) {
        current.subscriptions.push(row);
        continue;
      }
      if (current) yield current;
      current = { target: row.target, subscriptions: [row] };
    }
  }
  if (current) yield current;
}

async function* targetChunks(
  groups: AsyncIterable<TargetGroup>,
  tuning: AlertRunTuning,
): AsyncGenerator<TargetGroup[]> {
  let chunk: TargetGroup[] = [];
  let chars = 0;
  for await (const group of groups) {
    const length = encodeURIComponent(group.target).length + 1;
    if (
      chunk.length > 0 &&
      (chunk.length >= tuning.maxTargetsPerCall || chars + length > tuning.maxTargetCharsPerCall)
    ) {
      yield chunk;
      chunk = [];
      chars = 0;
    }
    chunk.push(group);
    chars += length;
  }
  if (chunk.length > 0) yield chunk;
}

export async function runAlert<Item>(
  definition: AlertDefinition<Item>,
  deps: AlertRunDeps,
): Promise<AlertRunSummary> {
  const tuning = { ...DEFAULT_ALERT_TUNING, ...deps.tuning };
  const { kind } = definition;
  const loaded = await deps.state.load(kind);
  let version = loaded.version;
  const since =
    loaded.state?.since ?? new Date(deps.now().getTime() - tuning.firstRunLookbackMs).toISOString();
  let run = loaded.state?.run ?? { startedAt: deps.now().toISOString() };
  const summary: AlertRunSummary = {
    kind,
    status: 'completed',
    resumed: loaded.state?.run !== undefined,
    since,
    targets: 0,
    items: 0,
    created: 0,
    alreadyTold: 0,
    malformedItems: 0,
    skippedTargets: 0,
    refusedCalls: 0,
  };

  async function save(state: AlertRunState): Promise<void> {
    const next = await deps.state.save(kind, state, version);
    if (next === undefined) throw new RunSuperseded();
    version = next;
  }
  const checkpoint = () => save({ since, run });
  const outOfTime = () => deps.remainingTimeMs() < tuning.safetyMarginMs;
  async function pause(): Promise<AlertRunSummary> {
    await checkpoint();
    summary.status = 'paused';
    return summary;
  }

  const feedSince = new Date(Date.parse(since) - tuning.overlapMs).toISOString();
  /** The chunk's new items, or undefined when the Legacy API will never answer this call. */
  async function feed(targets: string[]): Promise<Item[] | undefined> {
    try {
      const body = await deps.legacy.request({
        method: 'GET',
        path: definition.feedPath(targets, feedSince),
      });
      const { items, malformed } = definition.parseFeed(body);
      summary.malformedItems += malformed;
      return items;
    } catch (error) {
      if (!(error instanceof LegacyRejectedError || error instanceof FeedShapeError)) throw error;
      // Retrying can't help; the other chunks must not wait on this one.
      logger.error('Alert feed call refused; its targets are skipped this run', {
        kind,
        targets: targets.length,
        error,
      });
      summary.refusedCalls += 1;
      return undefined;
    }
  }

  async function* wellFormed(groups: AsyncIterable<TargetGroup>): AsyncGenerator<TargetGroup> {
    for await (const group of groups) {
      if (canonicalAlertTarget(kind, group.target) === group.target) yield group;
      else summary.skippedTargets += 1;
    }
  }

  try {
    // Claims the run: another run of the kind that loaded the same version stops at its next save.
    await checkpoint();
    const from = run.position && { target: run.position.target, inclusive: run.position.upTo !== undefined };
    const groups = wellFormed(targetGroups(deps.subscriptions.pages(kind, from)));
    for await (const chunk of targetChunks(groups, tuning)) {
      if (outOfTime()) return await pause();
      summary.targets += chunk.length;
      const items = await feed(chunk.map((group) => group.target));
      if (items) {
        summary.items += items.length;
        const resumeFrom = run.position;
        const drafts = planNotifications(definition, chunk, items, deps.now()).filter(
          (draft) => !isDone(draft.key, resumeFrom),
        );
        for (let start = 0; start < drafts.length; start += tuning.concurrency) {
          if (outOfTime()) return await pause();
          const batch = drafts.slice(start, start + tuning.concurrency);
          const created = await Promise.all(
            batch.map((draft) => deps.notifications.create(draft.notification)),
          );
          for (const wasCreated of created) {
            if (wasCreated) summary.created += 1;
            else summary.alreadyTold += 1;
          }
          run = { ...run, position: positionAfter(batch[batch.length - 1]!.key) };
        }
      }
      run = { ...run, position: { target: chunk[chunk.length - 1]!.target } };
      await checkpoint();
    }
    await save({ since: run.startedAt });
    return summary;
  } catch (error) {
    if (error instanceof RunSuperseded) {
      logger.warn('Another alert run of this kind took over; stopping', { kind });
      summary.status = 'superseded';
      return summary;
    }
    // Keep what was done, so that the retry or the next run resumes after it.
    await checkpoint().catch((saveError: unknown) =>
      logger.warn('Alert run could not save its position', { kind, error: saveError }),
    );
    throw error;
  }
}

/**
 * A scheduled alert function's handler: one run per invocation, its summary logged (counts only)
 * and returned. `depsFor` builds the run's clients from the invocation's context.
 */
export function alertHandler<Item>(
  definition: AlertDefinition<Item>,
  depsFor: (context: Context) => AlertRunDeps,
) {
  return async (_event: ScheduledEvent, context: Context): Promise<AlertRunSummary> => {
    logger.addContext(context);
    const summary = await runAlert(definition, depsFor(context));
    logger.info('Alert run finished', { ...summary });
    return summary;
  };
}
