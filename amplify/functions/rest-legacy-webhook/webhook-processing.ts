import type { AssignmentOutcome, assignBroker, BrokerForAssignment } from '../shared/chat/broker-assignment';
import type { ConversationStatus } from '../shared/chat/conversation';
import type { SystemMessage } from '../shared/chat/system-message';
import { type DataClient, dataOf, pageOf } from '../shared/data-client';
import { logger } from '../shared/logger';
import type { NoticeRequest } from '../shared/notifications/notice-request';
import type { ListingStatus, WebhookEvent } from './webhook-event';

/**
 * What each legacy event does. Every step is safe to repeat (a retried event, or one whose
 * claim ran out): the assignment is idempotent, system messages are keyed by the fact they
 * report, and notice-broadcast creates one notification per user and notice.
 */

export interface ProcessingDeps {
  /** The broker's profile and the listing's conversations. */
  data: () => Promise<DataClient>;
  /** The assignment (shared/chat/broker-assignment.ts), writing through the function's own client. */
  assignBroker: typeof assignBroker;
  postSystemMessage: (message: SystemMessage, now: Date) => Promise<unknown>;
  queueNotice: (request: NoticeRequest) => Promise<void>;
}

export type Rejection = 'unknown_broker' | 'unknown_conversation' | 'conversation_closed';

export type ProcessingOutcome =
  | { kind: 'accepted'; detail: Record<string, string | number> }
  | { kind: 'rejected'; error: Rejection; message: string };

/** The SYSTEM message members read when the listing they talk about changes status. */
export const LISTING_STATUS_TEXT: Record<ListingStatus, string> = {
  SOLD: '이 매물은 거래가 완료되었습니다.', // "this listing has been sold"
  WITHDRAWN: '이 매물은 더 이상 광고되지 않습니다.', // "this listing is no longer advertised"
  ACTIVE: '이 매물이 다시 거래 가능합니다.', // "this listing is available again"
};

export function listingStatusKey(listingId: string, status: ListingStatus, eventId: string): string {
  return `listing-status:${listingId}:${status}:${eventId}`;
}

/** Messages posted at once: one listing rarely has many conversations, but AppSync throttles bursts. */
const POST_CONCURRENCY = 10;

interface BrokerProfile {
  id: string;
  userId?: string | null;
  name: string;
  officeName?: string | null;
}

interface ListingConversation {
  id: string;
  status: ConversationStatus;
  memberIds: string[];
}

async function brokerAssigned(
  event: Extract<WebhookEvent, { type: 'broker.assigned' }>,
  deps: ProcessingDeps,
  now: Date,
): Promise<ProcessingOutcome> {
  const { conversationId, brokerId } = event.payload;
  const { models } = await deps.data();
  const profile: BrokerProfile | null = await dataOf(
    'GetBrokerProfile',
    models.BrokerProfile.get({ id: brokerId }, { selectionSet: ['id', 'userId', 'name', 'officeName'] }),
  );
  if (!profile?.userId) {
    return {
      kind: 'rejected',
      error: 'unknown_broker',
      message: profile
        ? `Broker ${brokerId} has not signed in to the app yet, so it cannot join a conversation.`
        : `No broker ${brokerId} is synced to Bootalk.`,
    };
  }
  const broker: BrokerForAssignment = {
    id: profile.id,
    userId: profile.userId,
    name: profile.name,
    officeName: profile.officeName ?? null,
  };
  const outcome: AssignmentOutcome = await deps.assignBroker(
    { conversationId, broker, mode: 'LEGACY_ASSIGNED' },
    { now: () => now },
  );
  switch (outcome.kind) {
    case 'ASSIGNED':
    case 'ALREADY_MEMBER':
      return { kind: 'accepted', detail: { assignment: outcome.kind } };
    case 'CONVERSATION_NOT_FOUND':
      return {
        kind: 'rejected',
        error: 'unknown_conversation',
        message: `No conversation ${conversationId}.`,
      };
    case 'CONVERSATION_CLOSED':
      return {
        kind: 'rejected',
        error: 'conversation_closed',
        message: `Conversation ${conversationId} is closed; no broker can join it.`,
      };
    case 'NOT_WAITING':
      // Only MATCHED assignments lose races; for the CRM it means the row changed meanwhile.
      throw new Error('The conversation changed during the assignment; retry the event');
  }
}

async function* listingConversationPages(
  data: () => Promise<DataClient>,
  listingId: string,
): AsyncGenerator<ListingConversation[]> {
  const { models } = await data();
  let nextToken: string | undefined;
  do {
    const page = await pageOf(
      'ListConversationsByListingId',
      models.Conversation.listConversationsByListingId(
        { listingId },
        { limit: 100, nextToken, selectionSet: ['id', 'status', 'memberIds'] },
      ),
    );
    yield page.items;
    nextToken = page.nextToken;
  } while (nextToken);
}

async function listingStatusChanged(
  event: Extract<WebhookEvent, { type: 'listing.status_changed' }>,
  deps: ProcessingDeps,
  now: Date,
): Promise<ProcessingOutcome> {
  const { listingId, status, previousStatus } = event.payload;
  if (previousStatus === status) return { kind: 'accepted', detail: { posted: 0, unchanged: 1 } };
  let posted = 0;
  let closed = 0;
  for await (const page of listingConversationPages(deps.data, listingId)) {
    const open = page.filter((conversation) => conversation.status !== 'CLOSED');
    closed += page.length - open.length;
    for (let start = 0; start < open.length; start += POST_CONCURRENCY) {
      await Promise.all(
        open.slice(start, start + POST_CONCURRENCY).map((conversation) =>
          deps.postSystemMessage(
            {
              conversationId: conversation.id,
              memberIds: conversation.memberIds,
              body: LISTING_STATUS_TEXT[status],
              key: listingStatusKey(listingId, status, event.id),
            },
            now,
          ),
        ),
      );
      posted += Math.min(POST_CONCURRENCY, open.length - start);
    }
  }
  return { kind: 'accepted', detail: { posted, skippedClosed: closed } };
}

export async function processWebhookEvent(
  event: WebhookEvent,
  deps: ProcessingDeps,
  now: Date,
): Promise<ProcessingOutcome> {
  switch (event.type) {
    case 'broker.assigned':
      return brokerAssigned(event, deps, now);
    case 'listing.status_changed':
      return listingStatusChanged(event, deps, now);
    case 'notice.published':
      await deps.queueNotice(event.payload);
      logger.debug('Notice queued', { eventId: event.id, noticeId: event.payload.noticeId });
      return { kind: 'accepted', detail: { noticeId: event.payload.noticeId } };
  }
}
