import type {
  AssignmentMode,
  AssignmentOutcome,
  BrokerForAssignment,
} from '../shared/chat/broker-assignment';
import type { ConversationRow } from '../shared/chat/conversation';
import { logger } from '../shared/logger';
import {
  type BrokerProfile,
  chooseBroker,
  coversRegion,
  eligibleBrokers,
  isWaitingInquiry,
  type RankedBroker,
} from './broker-choice';

/**
 * The matching runs: one inquiry (its stream INSERT, or requestBroker), and the waiting inquiries
 * a broker who became available covers (their BrokerProfile stream record). I/O comes in as deps.
 */

export const WAITING_TEXT =
  '현재 이 지역에 배정 가능한 중개사가 없어요. 중개사가 확인되는 대로 연결해 드릴게요.'; // "no broker available here yet; we'll connect you as soon as one is"

export function brokerWaitingKey(conversationId: string): string {
  return `broker-waiting:${conversationId}`;
}

/** Waiting inquiries one BrokerProfile record looks at, and how many of them it tries to match. */
export const RETRY_LIMITS = { examined: 500, matched: 20 };

export interface MatchingDeps {
  /** Every BrokerProfile row; the same array for one invocation, so an assignment updates it in place. */
  brokers(): Promise<BrokerProfile[]>;
  /** OPEN conversations the broker (legacy id) is in charge of. */
  openConversations(brokerId: string): Promise<number>;
  /** The inquiry's 10-digit 법정동 code: its listing's, else its complex's; undefined when unknown. */
  regionOf(conversation: Pick<ConversationRow, 'listingId' | 'complexId'>): Promise<string | undefined>;
  assign(input: {
    conversationId: string;
    broker: BrokerForAssignment;
    mode: AssignmentMode;
  }): Promise<AssignmentOutcome>;
  /** lastAssignedAt (round-robin) and the cached load on the BrokerProfile row. */
  recordAssignment(brokerId: string, at: Date, openConversations: number): Promise<void>;
  /** The SYSTEM message that says the inquiry waits, once per conversation. */
  postWaiting(conversation: ConversationRow, body: string, key: string): Promise<void>;
  /** WAITING_FOR_BROKER conversations, page by page. */
  waitingConversations(): AsyncIterable<ConversationRow[]>;
  now(): Date;
}

export type MatchResult =
  | { kind: 'SKIPPED'; conversation: ConversationRow }
  | { kind: 'WAITING'; reason: 'REGION_UNKNOWN' | 'NO_CANDIDATE'; conversation: ConversationRow }
  | { kind: 'ASSIGNMENT'; brokerId: string; outcome: AssignmentOutcome };

/** Tries to give the inquiry a broker; leaves it waiting (and says so once) when none fits. */
export async function matchInquiry(
  conversation: ConversationRow,
  deps: MatchingDeps,
  options: { regionCode?: string; announceWaiting?: boolean } = {},
): Promise<MatchResult> {
  if (!isWaitingInquiry(conversation)) return { kind: 'SKIPPED', conversation };
  const log = { conversationId: conversation.id };
  const regionCode = options.regionCode ?? (await deps.regionOf(conversation));
  if (!regionCode) {
    logger.warn('Inquiry waits: its listing region is unknown', {
      ...log,
      listingId: conversation.listingId,
    });
    return waiting(conversation, 'REGION_UNKNOWN', deps, options);
  }

  const candidates = eligibleBrokers(await deps.brokers(), {
    regionCode,
    buyerId: conversation.buyerId,
    memberIds: conversation.memberIds,
  });
  const ranked: RankedBroker[] = [];
  for (const broker of candidates) {
    ranked.push({ broker, openConversations: await deps.openConversations(broker.id) });
  }
  const chosen = chooseBroker(ranked);
  if (!chosen) {
    logger.info('Inquiry waits: no broker covers its region', { ...log, regionCode });
    return waiting(conversation, 'NO_CANDIDATE', deps, options);
  }

  const { broker } = chosen;
  const outcome = await deps.assign({
    conversationId: conversation.id,
    broker: {
      id: broker.id,
      userId: broker.userId!,
      name: broker.name,
      officeName: broker.officeName ?? null,
    },
    mode: 'MATCHED',
  });
  if (outcome.kind === 'ASSIGNED' || outcome.kind === 'ALREADY_MEMBER') {
    const now = deps.now();
    const load = chosen.openConversations + 1;
    await deps.recordAssignment(broker.id, now, load);
    // The next inquiry in this invocation sees the round-robin move on.
    broker.lastAssignedAt = now.toISOString();
    broker.openConversations = load;
  }
  logger.info('Inquiry matched', { ...log, brokerId: broker.id, outcome: outcome.kind, regionCode });
  return { kind: 'ASSIGNMENT', brokerId: broker.id, outcome };
}

async function waiting(
  conversation: ConversationRow,
  reason: 'REGION_UNKNOWN' | 'NO_CANDIDATE',
  deps: MatchingDeps,
  options: { announceWaiting?: boolean },
): Promise<MatchResult> {
  if (options.announceWaiting !== false) {
    await deps.postWaiting(conversation, WAITING_TEXT, brokerWaitingKey(conversation.id));
  }
  return { kind: 'WAITING', reason, conversation };
}

export interface RetrySummary {
  examined: number;
  covered: number;
  assigned: number;
  /** Covered inquiries left for a later record because this one reached RETRY_LIMITS.matched. */
  deferred: number;
  /** Stopped at RETRY_LIMITS.examined with waiting inquiries not looked at. */
  truncated: boolean;
}

/**
 * A broker became available (or was re-synced): match the waiting inquiries in their regions.
 * Each is matched among all brokers, so the least loaded one still gets it. Bounded per record.
 */
export async function retryWaitingFor(
  broker: BrokerProfile,
  deps: MatchingDeps,
  limits = RETRY_LIMITS,
): Promise<RetrySummary> {
  const summary: RetrySummary = { examined: 0, covered: 0, assigned: 0, deferred: 0, truncated: false };
  pages: for await (const page of deps.waitingConversations()) {
    for (const conversation of page) {
      if (summary.examined >= limits.examined) {
        summary.truncated = true;
        break pages;
      }
      summary.examined++;
      if (!isWaitingInquiry(conversation)) continue;
      const regionCode = await deps.regionOf(conversation);
      if (!regionCode || !coversRegion(broker, regionCode)) continue;
      summary.covered++;
      if (summary.covered > limits.matched) {
        summary.deferred++;
        continue;
      }
      // The waiting message was posted when the inquiry first found no broker.
      const result = await matchInquiry(conversation, deps, { regionCode, announceWaiting: false });
      if (result.kind === 'ASSIGNMENT' && result.outcome.kind === 'ASSIGNED') summary.assigned++;
    }
  }
  const level = summary.deferred > 0 || summary.truncated ? 'warn' : 'info';
  logger[level]('Retried waiting inquiries for a broker', { brokerId: broker.id, ...summary });
  return summary;
}
