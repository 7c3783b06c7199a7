import type { ConversationRow } from '../shared/chat/conversation';
import { isMember } from '../shared/chat/send-message';
import { accept, conversationNotFound, type Decision, refuse } from '../shared/decision';

/**
 * Which broker (중개사) gets a listing inquiry, as pure functions: who may (active, uses the app,
 * covers the listing's region, is not the buyer) and who should (fewest open conversations, then
 * the one who waited longest for an assignment, then by id so the same data gives the same answer).
 */

/** A BrokerProfile row as data-sync writes it and its stream carries it. */
export interface BrokerProfile {
  id: string;
  /** The broker's Cognito sub, once they use the app. */
  userId?: string | null;
  name: string;
  officeName?: string | null;
  /** 법정동 (legal-dong) code prefixes: '11680' is all of 강남구, '1168010600' only 대치동. */
  regionCodes: string[];
  active: boolean;
  openConversations?: number | null;
  lastAssignedAt?: string | null;
  updatedAt?: string | null;
  syncedAt?: string | null;
  sourceUpdatedAt?: string | null;
}

export interface RankedBroker {
  broker: BrokerProfile;
  /** OPEN conversations the broker is in charge of now. */
  openConversations: number;
}

/** A listing's region: a 10-digit 법정동 code. */
const REGION_CODE = /^\d{10}$/;
/** A coverage entry: a 시도 (2), 시군구 (5), 읍면동 (8) or 법정동 (10) prefix; anything else covers nothing. */
const COVERAGE_PREFIX = /^\d{2,10}$/;

export function isRegionCode(value: unknown): value is string {
  return typeof value === 'string' && REGION_CODE.test(value);
}

/** The broker's usable coverage entries; an empty or malformed one must not cover everything. */
export function coveragePrefixes(broker: Pick<BrokerProfile, 'regionCodes'>): string[] {
  const entries = Array.isArray(broker.regionCodes) ? broker.regionCodes : [];
  return entries
    .map((entry) => (typeof entry === 'string' ? entry.trim() : ''))
    .filter((entry) => COVERAGE_PREFIX.test(entry));
}

export function coversRegion(broker: Pick<BrokerProfile, 'regionCodes'>, regionCode: string): boolean {
  return isRegionCode(regionCode) && coveragePrefixes(broker).some((prefix) => regionCode.startsWith(prefix));
}

/** Active and using the app: a broker matching could assign. */
export function isAssignable(
  broker: Pick<BrokerProfile, 'active' | 'userId'> | undefined,
): broker is BrokerProfile & { userId: string } {
  return broker?.active === true && typeof broker.userId === 'string' && broker.userId !== '';
}

/** The brokers who may take an inquiry about `regionCode`: never the buyer or anyone already in it. */
export function eligibleBrokers(
  brokers: readonly BrokerProfile[],
  inquiry: { regionCode: string; buyerId?: string | null; memberIds: readonly string[] },
): (BrokerProfile & { userId: string })[] {
  return brokers.filter(
    (broker): broker is BrokerProfile & { userId: string } =>
      isAssignable(broker) &&
      broker.userId !== inquiry.buyerId &&
      !inquiry.memberIds.includes(broker.userId) &&
      coversRegion(broker, inquiry.regionCode),
  );
}

/** Never assigned sorts first, then the longest ago: round-robin among equally loaded brokers. */
function assignedAtMs(broker: BrokerProfile): number {
  const ms = broker.lastAssignedAt ? Date.parse(broker.lastAssignedAt) : Number.NaN;
  return Number.isNaN(ms) ? Number.NEGATIVE_INFINITY : ms;
}

/** Candidates in the order matching tries them: the first is the one to assign. */
export function rankBrokers(candidates: readonly RankedBroker[]): RankedBroker[] {
  return [...candidates].sort(
    (a, b) =>
      a.openConversations - b.openConversations ||
      assignedAtMs(a.broker) - assignedAtMs(b.broker) ||
      (a.broker.id < b.broker.id ? -1 : a.broker.id > b.broker.id ? 1 : 0),
  );
}

export function chooseBroker(candidates: readonly RankedBroker[]): RankedBroker | undefined {
  return rankBrokers(candidates)[0];
}

/** What matching works on: a listing inquiry that still has no broker. */
export function isWaitingInquiry(
  conversation: Pick<ConversationRow, 'kind' | 'status'> | undefined,
): conversation is ConversationRow {
  return conversation?.kind === 'LISTING_INQUIRY' && conversation.status === 'WAITING_FOR_BROKER';
}

/** requestBroker: return the conversation as it is, or try to match it now. */
export type RequestBrokerPlan =
  | { action: 'RETURN'; conversation: ConversationRow }
  | { action: 'MATCH'; conversation: ConversationRow };

export function planRequestBroker(
  conversation: ConversationRow | undefined,
  callerId: string,
): Decision<RequestBrokerPlan> {
  // A non-member learns nothing, not even that the conversation exists.
  if (!conversation || !isMember(conversation, callerId)) return conversationNotFound();
  if (conversation.kind !== 'LISTING_INQUIRY') {
    return refuse(
      'NOT_A_LISTING_INQUIRY',
      '중개사 배정은 매물 문의 대화에서만 요청할 수 있습니다.',
      'A broker can be requested only for a LISTING_INQUIRY conversation.',
    );
  }
  if (conversation.status === 'CLOSED') {
    return refuse('CONVERSATION_CLOSED', '종료된 대화입니다.', 'This conversation is closed.');
  }
  if (conversation.status === 'OPEN') return accept({ action: 'RETURN', conversation });
  return accept({ action: 'MATCH', conversation });
}

/** Fields broker-matching itself writes on a BrokerProfile: a change to only these opens no coverage. */
const BOOKKEEPING_FIELDS = new Set(['lastAssignedAt', 'openConversations', 'updatedAt']);

/**
 * Whether a BrokerProfile change (stream INSERT/MODIFY) calls for retrying the waiting inquiries
 * the broker covers: the new image is assignable, and the change is not matching's own bookkeeping
 * (which would retry after every assignment). A sync that rewrites the row does retry them.
 */
export function shouldRetryWaiting(
  oldImage: Record<string, unknown> | undefined,
  newImage: BrokerProfile | undefined,
): newImage is BrokerProfile & { userId: string } {
  if (!isAssignable(newImage) || coveragePrefixes(newImage).length === 0) return false;
  if (!oldImage) return true;
  const fields = new Set([...Object.keys(oldImage), ...Object.keys(newImage)]);
  for (const field of fields) {
    if (BOOKKEEPING_FIELDS.has(field)) continue;
    if (
      JSON.stringify(oldImage[field]) !==
      JSON.stringify((newImage as unknown as Record<string, unknown>)[field])
    )
      return true;
  }
  return false;
}
