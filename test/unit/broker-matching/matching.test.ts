import { beforeEach, describe, expect, it } from 'vitest';
import {
  brokerWaitingKey,
  matchInquiry,
  retryWaitingFor,
  WAITING_TEXT,
} from '../../../amplify/functions/broker-matching/matching';
import { type HandlerDeps, matchingDeps } from '../../../amplify/functions/broker-matching/matching-deps';
import type { ConversationRow } from '../../../amplify/functions/shared/chat/conversation';
import { systemClientMessageId } from '../../../amplify/functions/shared/chat/system-message';
import {
  BANPO,
  BUYER,
  broker,
  DAECHI,
  FakeChatAppSync,
  FakeMatchingStore,
  GAEPO,
  inquiry,
  NOW,
} from '../../support/matching-fixtures';

let appSync: FakeChatAppSync;
let store: FakeMatchingStore;

function deps(): HandlerDeps {
  return {
    data: async () => appSync.client(),
    store,
    tables: { conversations: () => 'Conversation-test', brokerProfiles: () => 'BrokerProfile-test' },
    now: () => NOW,
  };
}

/** A waiting inquiry about a listing in `regionCode`, with the buyer's member row. */
function waiting(id: string, regionCode: string, overrides: Partial<ConversationRow> = {}): ConversationRow {
  const listingId = `LST-${id}`;
  const conversation = inquiry({ id, listingId, complexId: `CPX-${id}`, ...overrides });
  appSync.addConversation(conversation);
  appSync.addMember(id, conversation.buyerId ?? BUYER, 'BUYER', conversation.memberIds);
  appSync.addListing({ id: listingId, complexId: `CPX-${id}`, complexName: '은마아파트', regionCode });
  return conversation;
}

function systemBodies(conversationId: string) {
  return appSync
    .messagesOf(conversationId)
    .filter((m) => m.kind === 'SYSTEM')
    .map((m) => m.body);
}

beforeEach(() => {
  appSync = new FakeChatAppSync();
  store = new FakeMatchingStore(appSync);
});

describe('matchInquiry', () => {
  it('assigns the least loaded broker covering the listing’s region', async () => {
    store.brokerRows = [broker('busy'), broker('free'), broker('elsewhere', { regionCodes: ['11650'] })];
    store.otherLoad.set('busy', 4);
    store.otherLoad.set('free', 1);
    const conversation = waiting('conv-1', DAECHI);

    const result = await matchInquiry(conversation, matchingDeps(deps()));

    expect(result).toMatchObject({ kind: 'ASSIGNMENT', brokerId: 'free', outcome: { kind: 'ASSIGNED' } });
    expect(appSync.conversations.get('conv-1')).toMatchObject({ status: 'OPEN', brokerId: 'free' });
  });

  it('records the assignment on the broker’s profile with the load it now has', async () => {
    store.brokerRows = [broker('free')];
    store.otherLoad.set('free', 2);

    await matchInquiry(waiting('conv-1', DAECHI), matchingDeps(deps()));

    expect(store.recorded).toEqual([{ brokerId: 'free', at: NOW.toISOString(), openConversations: 3 }]);
  });

  it('turns the round-robin within one invocation, so equally loaded brokers alternate', async () => {
    store.brokerRows = [broker('A'), broker('B')];
    const matching = matchingDeps(deps());
    const first = waiting('conv-1', DAECHI);
    const second = waiting('conv-2', GAEPO, { buyerId: 'buyer-2', memberIds: ['buyer-2'] });
    // conv-1 adds to A's load, so compare on lastAssignedAt alone by loading B equally.
    store.otherLoad.set('B', 1);

    await matchInquiry(first, matching);
    await matchInquiry(second, matching);

    expect(appSync.conversations.get('conv-1')!.brokerId).toBe('A');
    expect(appSync.conversations.get('conv-2')!.brokerId).toBe('B');
    expect(store.scans).toBe(1);
  });

  it('finds the region through the complex when the listing is not synced yet', async () => {
    store.brokerRows = [broker('seocho', { regionCodes: ['11650'] })];
    appSync.addConversation(inquiry({ listingId: 'LST-unsynced', complexId: 'CPX-2002' }));
    appSync.addComplex({ id: 'CPX-2002', name: '반포자이', regionCode: BANPO });

    const result = await matchInquiry(appSync.conversations.get('conv-1')!, matchingDeps(deps()));

    expect(result).toMatchObject({ kind: 'ASSIGNMENT', brokerId: 'seocho' });
  });

  it('leaves the inquiry waiting and says so once when no broker covers the region', async () => {
    store.brokerRows = [broker('seocho', { regionCodes: ['11650'] }), broker('inactive', { active: false })];
    const conversation = waiting('conv-1', DAECHI);

    const first = await matchInquiry(conversation, matchingDeps(deps()));
    const again = await matchInquiry(conversation, matchingDeps(deps()));

    expect(first).toMatchObject({ kind: 'WAITING', reason: 'NO_CANDIDATE' });
    expect(again.kind).toBe('WAITING');
    expect(appSync.conversations.get('conv-1')!.status).toBe('WAITING_FOR_BROKER');
    expect(systemBodies('conv-1')).toEqual([WAITING_TEXT]);
    const [message] = appSync.messagesOf('conv-1');
    expect(message).toMatchObject({
      memberIds: [BUYER],
      clientMessageId: systemClientMessageId(brokerWaitingKey('conv-1')),
    });
    expect(message!.notify).toBeUndefined();
    expect(store.recorded).toEqual([]);
  });

  it('waits when neither the listing nor the complex gives a region', async () => {
    store.brokerRows = [broker('A')];
    appSync.addConversation(inquiry({ listingId: 'LST-unknown', complexId: null }));

    const result = await matchInquiry(appSync.conversations.get('conv-1')!, matchingDeps(deps()));

    expect(result).toMatchObject({ kind: 'WAITING', reason: 'REGION_UNKNOWN' });
    expect(systemBodies('conv-1')).toEqual([WAITING_TEXT]);
  });

  it('leaves alone a conversation that is not a waiting listing inquiry', async () => {
    store.brokerRows = [broker('A')];

    for (const conversation of [inquiry({ kind: 'DIRECT' }), inquiry({ status: 'OPEN' })]) {
      expect((await matchInquiry(conversation, matchingDeps(deps()))).kind).toBe('SKIPPED');
    }
    expect(appSync.log).toEqual([]);
  });

  it('records nothing when another broker got the inquiry first', async () => {
    store.brokerRows = [broker('A')];
    const conversation = waiting('conv-1', DAECHI);
    appSync.beforeUpdateConversation = () => {
      const row = appSync.conversations.get('conv-1')!;
      appSync.conversations.set('conv-1', {
        ...row,
        status: 'OPEN',
        brokerId: 'Z',
        memberIds: [BUYER, 'sub-Z'],
      });
    };

    const result = await matchInquiry(conversation, matchingDeps(deps()));

    expect(result).toMatchObject({ kind: 'ASSIGNMENT', outcome: { kind: 'NOT_WAITING' } });
    expect(store.recorded).toEqual([]);
  });
});

describe('retryWaitingFor', () => {
  it('matches only the waiting inquiries in the broker’s regions', async () => {
    const daechi = broker('daechi', { regionCodes: ['1168010600'] });
    store.brokerRows = [daechi];
    waiting('conv-daechi', DAECHI);
    waiting('conv-gaepo', GAEPO, { buyerId: 'buyer-2', memberIds: ['buyer-2'] });
    waiting('conv-banpo', BANPO, { buyerId: 'buyer-3', memberIds: ['buyer-3'] });

    const summary = await retryWaitingFor(daechi, matchingDeps(deps()));

    expect(summary).toMatchObject({ examined: 3, covered: 1, assigned: 1, deferred: 0 });
    expect(appSync.conversations.get('conv-daechi')).toMatchObject({ status: 'OPEN', brokerId: 'daechi' });
    expect(appSync.conversations.get('conv-gaepo')!.status).toBe('WAITING_FOR_BROKER');
    expect(appSync.conversations.get('conv-banpo')!.status).toBe('WAITING_FOR_BROKER');
    // The inquiries it does not cover are not even looked at by matching.
    expect(appSync.calls('UpdateConversation')).toHaveLength(1);
    expect(systemBodies('conv-gaepo')).toEqual([]);
  });

  it('gives a covered inquiry to a less loaded broker when there is one', async () => {
    const newcomer = broker('newcomer');
    store.brokerRows = [newcomer, broker('idle')];
    store.otherLoad.set('newcomer', 5);
    waiting('conv-1', DAECHI);

    await retryWaitingFor(newcomer, matchingDeps(deps()));

    expect(appSync.conversations.get('conv-1')!.brokerId).toBe('idle');
  });

  it('stops after its limits and leaves the rest waiting for a later record', async () => {
    const gangnam = broker('gangnam');
    store.brokerRows = [gangnam];
    store.waitingPageSize = 2;
    for (let index = 0; index < 6; index++) {
      waiting(`conv-${index}`, DAECHI, { buyerId: `buyer-${index}`, memberIds: [`buyer-${index}`] });
    }

    const summary = await retryWaitingFor(gangnam, matchingDeps(deps()), { examined: 5, matched: 3 });

    expect(summary).toEqual({ examined: 5, covered: 5, assigned: 3, deferred: 2, truncated: true });
    const open = [...appSync.conversations.values()].filter((c) => c.status === 'OPEN');
    expect(open).toHaveLength(3);
  });

  it('does not post the waiting message again for an inquiry that still finds no broker', async () => {
    const buyerBroker = broker('self', { userId: BUYER });
    store.brokerRows = [buyerBroker];
    waiting('conv-1', DAECHI);

    const summary = await retryWaitingFor(buyerBroker, matchingDeps(deps()));

    expect(summary).toMatchObject({ covered: 1, assigned: 0 });
    expect(appSync.calls('CreateMessage')).toEqual([]);
  });
});
