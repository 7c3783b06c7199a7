import { describe, expect, it, vi } from 'vitest';
import type { WebhookEvent } from '../../../amplify/functions/rest-legacy-webhook/webhook-event';
import {
  LISTING_STATUS_TEXT,
  listingStatusKey,
  type ProcessingDeps,
  processWebhookEvent,
} from '../../../amplify/functions/rest-legacy-webhook/webhook-processing';
import { AppSyncUnavailableError } from '../../../amplify/functions/shared/appsync-client';
import type { AssignmentOutcome } from '../../../amplify/functions/shared/chat/broker-assignment';
import type { ConversationRow } from '../../../amplify/functions/shared/chat/conversation';
import type { SystemMessage } from '../../../amplify/functions/shared/chat/system-message';
import type { DataClient } from '../../../amplify/functions/shared/data-client';
import type { NoticeRequest } from '../../../amplify/functions/shared/notifications/notice-request';
import { NOW } from '../../support/rest-fixtures';
import { answeredGet, answeredPage } from '../../support/typed-data';

type Conversation = { id: string; status: 'OPEN' | 'WAITING_FOR_BROKER' | 'CLOSED'; memberIds: string[] };

/** AppSync with BrokerProfile rows and conversations by listing, answered in pages of `pageSize`. */
class FakeAppSync {
  brokers = new Map<
    string,
    { id: string; userId?: string | null; name: string; officeName?: string | null }
  >();
  conversations: (Conversation & { listingId: string })[] = [];
  pageSize = 2;
  readonly operations: string[] = [];
  /** Every read fails with it while set. */
  failure: Error | undefined;

  /** The typed client's reads: the broker's profile and the listing's conversations. */
  client(): DataClient {
    const answers = async (operation: string, variables: Record<string, unknown>) =>
      this.answer(operation, variables);
    return {
      models: {
        BrokerProfile: { get: answeredGet(answers, 'GetBrokerProfile') },
        Conversation: { listConversationsByListingId: answeredPage(answers, 'ListConversationsByListingId') },
      },
    } as unknown as DataClient;
  }

  private answer(operation: string, variables: Record<string, unknown>): unknown {
    this.operations.push(operation);
    if (this.failure) throw this.failure;
    if (operation === 'GetBrokerProfile') {
      return { getBrokerProfile: this.brokers.get(variables.id as string) ?? null };
    }
    const all = this.conversations.filter((c) => c.listingId === variables.listingId);
    const start = Number(variables.nextToken ?? 0);
    const items = all.slice(start, start + this.pageSize).map(({ listingId: _l, ...c }) => c);
    const next = start + this.pageSize < all.length ? String(start + this.pageSize) : null;
    return { listConversationsByListingId: { items, nextToken: next } };
  }
}

const conversationRow = (id: string): ConversationRow => ({
  id,
  kind: 'LISTING_INQUIRY',
  status: 'OPEN',
  memberIds: ['buyer-sub', 'broker-sub'],
  dedupeKey: 'k',
  createdAt: NOW.toISOString(),
  updatedAt: NOW.toISOString(),
});

function setup(outcome: AssignmentOutcome = { kind: 'ASSIGNED', conversation: conversationRow('conv-1') }) {
  const appSync = new FakeAppSync();
  appSync.brokers.set('BRK-301', {
    id: 'BRK-301',
    userId: 'broker-sub',
    name: '김중개',
    officeName: '부톡공인중개사',
  });
  const posted: SystemMessage[] = [];
  const queued: NoticeRequest[] = [];
  const deps = {
    data: async () => appSync.client(),
    assignBroker: vi.fn(async () => outcome),
    postSystemMessage: vi.fn(async (message: SystemMessage, _now: Date) => {
      posted.push(message);
      return undefined;
    }),
    queueNotice: vi.fn(async (request: NoticeRequest) => {
      queued.push(request);
    }),
  } satisfies ProcessingDeps;
  return { appSync, deps, posted, queued };
}

const envelope = { id: 'evt-1', occurredAt: '2026-03-14T03:00:00Z', version: 1 as const };
const brokerAssigned = (brokerId = 'BRK-301', conversationId = 'conv-1'): WebhookEvent => ({
  ...envelope,
  type: 'broker.assigned',
  payload: { conversationId, brokerId },
});
const statusChanged = (
  status: 'ACTIVE' | 'SOLD' | 'WITHDRAWN',
  previousStatus?: 'ACTIVE' | 'SOLD',
): WebhookEvent => ({
  ...envelope,
  type: 'listing.status_changed',
  payload: { listingId: 'LST-20001', status, ...(previousStatus ? { previousStatus } : {}) },
});

describe('broker.assigned', () => {
  it('puts the synced broker into the conversation as LEGACY_ASSIGNED', async () => {
    const { deps } = setup();
    expect(await processWebhookEvent(brokerAssigned(), deps, NOW)).toEqual({
      kind: 'accepted',
      detail: { assignment: 'ASSIGNED' },
    });
    expect(deps.assignBroker).toHaveBeenCalledTimes(1);
    const [input, options] = deps.assignBroker.mock.calls[0] as unknown as [
      Parameters<ProcessingDeps['assignBroker']>[0],
      { now: () => Date },
    ];
    expect(input).toEqual({
      conversationId: 'conv-1',
      broker: { id: 'BRK-301', userId: 'broker-sub', name: '김중개', officeName: '부톡공인중개사' },
      mode: 'LEGACY_ASSIGNED',
    });
    // Only the clock: the assignment writes through the function's own client.
    expect(Object.keys(options)).toEqual(['now']);
    expect(options.now()).toEqual(NOW);
  });

  it('accepts a broker who is already a member (a repeated assignment)', async () => {
    const { deps } = setup({ kind: 'ALREADY_MEMBER', conversation: conversationRow('conv-1') });
    expect(await processWebhookEvent(brokerAssigned(), deps, NOW)).toMatchObject({ kind: 'accepted' });
  });

  it('rejects a broker Bootalk does not know, without assigning', async () => {
    const { deps } = setup();
    expect(await processWebhookEvent(brokerAssigned('BRK-404'), deps, NOW)).toMatchObject({
      kind: 'rejected',
      error: 'unknown_broker',
    });
    expect(deps.assignBroker).not.toHaveBeenCalled();
  });

  it('rejects a broker who has no app account yet (no userId)', async () => {
    const { deps, appSync } = setup();
    appSync.brokers.set('BRK-302', { id: 'BRK-302', userId: null, name: '이중개' });
    expect(await processWebhookEvent(brokerAssigned('BRK-302'), deps, NOW)).toMatchObject({
      kind: 'rejected',
      error: 'unknown_broker',
    });
    expect(deps.assignBroker).not.toHaveBeenCalled();
  });

  it('rejects an unknown conversation', async () => {
    const { deps } = setup({ kind: 'CONVERSATION_NOT_FOUND' });
    expect(await processWebhookEvent(brokerAssigned(), deps, NOW)).toMatchObject({
      kind: 'rejected',
      error: 'unknown_conversation',
    });
  });

  it('rejects a closed conversation', async () => {
    const { deps } = setup({ kind: 'CONVERSATION_CLOSED', conversation: conversationRow('conv-1') });
    expect(await processWebhookEvent(brokerAssigned(), deps, NOW)).toMatchObject({
      kind: 'rejected',
      error: 'conversation_closed',
    });
  });

  it('fails (to be retried) when the conversation changed during the assignment', async () => {
    const { deps } = setup({ kind: 'NOT_WAITING', conversation: conversationRow('conv-1') });
    await expect(processWebhookEvent(brokerAssigned(), deps, NOW)).rejects.toThrow(/retry/);
  });

  it('lets AppSync unavailability through', async () => {
    const { deps, appSync } = setup();
    appSync.failure = new AppSyncUnavailableError('down', 503);
    await expect(processWebhookEvent(brokerAssigned(), deps, NOW)).rejects.toBeInstanceOf(
      AppSyncUnavailableError,
    );
  });
});

describe('listing.status_changed', () => {
  it.each(['SOLD', 'WITHDRAWN', 'ACTIVE'] as const)(
    'posts the %s text in every open conversation about the listing, across pages, skipping closed ones',
    async (status) => {
      const { deps, appSync, posted } = setup();
      appSync.conversations = [
        { id: 'c1', listingId: 'LST-20001', status: 'OPEN', memberIds: ['u1', 'b1'] },
        { id: 'c2', listingId: 'LST-20001', status: 'CLOSED', memberIds: ['u2', 'b1'] },
        { id: 'c3', listingId: 'LST-20001', status: 'WAITING_FOR_BROKER', memberIds: ['u3'] },
        { id: 'c4', listingId: 'LST-99999', status: 'OPEN', memberIds: ['u4', 'b1'] },
        { id: 'c5', listingId: 'LST-20001', status: 'OPEN', memberIds: ['u5', 'b2'] },
      ];
      const outcome = await processWebhookEvent(statusChanged(status), deps, NOW);
      expect(outcome).toEqual({ kind: 'accepted', detail: { posted: 3, skippedClosed: 1 } });
      expect(posted).toEqual(
        ['c1', 'c3', 'c5'].map((conversationId, i) => ({
          conversationId,
          memberIds: [['u1', 'b1'], ['u3'], ['u5', 'b2']][i],
          body: LISTING_STATUS_TEXT[status],
          key: `listing-status:LST-20001:${status}:evt-1`,
        })),
      );
      expect(deps.postSystemMessage.mock.calls.every(([, now]) => now === NOW)).toBe(true);
      expect(appSync.operations.filter((op) => op === 'ListConversationsByListingId')).toHaveLength(2);
    },
  );

  it('says what happened in Korean', () => {
    expect(LISTING_STATUS_TEXT).toEqual({
      SOLD: '이 매물은 거래가 완료되었습니다.',
      WITHDRAWN: '이 매물은 더 이상 광고되지 않습니다.',
      ACTIVE: '이 매물이 다시 거래 가능합니다.',
    });
    expect(listingStatusKey('LST-1', 'SOLD', 'evt-9')).toBe('listing-status:LST-1:SOLD:evt-9');
  });

  it('accepts a listing no conversation is about', async () => {
    const { deps, posted } = setup();
    expect(await processWebhookEvent(statusChanged('SOLD'), deps, NOW)).toEqual({
      kind: 'accepted',
      detail: { posted: 0, skippedClosed: 0 },
    });
    expect(posted).toEqual([]);
  });

  it('posts nothing when the status did not change', async () => {
    const { deps, appSync, posted } = setup();
    appSync.conversations = [{ id: 'c1', listingId: 'LST-20001', status: 'OPEN', memberIds: ['u1'] }];
    await processWebhookEvent(statusChanged('SOLD', 'SOLD'), deps, NOW);
    expect(posted).toEqual([]);
  });

  it('posts with the same keys when the event is processed again, so the messages are written once', async () => {
    const { deps, appSync, posted } = setup();
    appSync.conversations = [{ id: 'c1', listingId: 'LST-20001', status: 'OPEN', memberIds: ['u1'] }];
    await processWebhookEvent(statusChanged('SOLD'), deps, NOW);
    await processWebhookEvent(statusChanged('SOLD'), deps, new Date(NOW.getTime() + 60_000));
    expect(posted.map((message) => message.key)).toEqual([
      'listing-status:LST-20001:SOLD:evt-1',
      'listing-status:LST-20001:SOLD:evt-1',
    ]);
  });

  it('fails when a message cannot be posted', async () => {
    const { deps, appSync } = setup();
    appSync.conversations = [{ id: 'c1', listingId: 'LST-20001', status: 'OPEN', memberIds: ['u1'] }];
    deps.postSystemMessage.mockRejectedValueOnce(new AppSyncUnavailableError('down', 503));
    await expect(processWebhookEvent(statusChanged('SOLD'), deps, NOW)).rejects.toBeInstanceOf(
      AppSyncUnavailableError,
    );
  });
});

describe('notice.published', () => {
  it('queues the notice request for notice-broadcast', async () => {
    const { deps, queued } = setup();
    const notice: NoticeRequest = {
      version: 1,
      noticeId: 'NTC-77',
      title: '서비스 점검 안내',
      body: '점검이 있습니다.',
      segment: 'ALL',
      publishedAt: '2026-03-14T12:00:00+09:00',
    };
    expect(
      await processWebhookEvent({ ...envelope, type: 'notice.published', payload: notice }, deps, NOW),
    ).toEqual({ kind: 'accepted', detail: { noticeId: 'NTC-77' } });
    expect(queued).toEqual([notice]);
  });
});
