import { describe, expect, it } from 'vitest';
import {
  planStartConversation,
  type StartConversationRequest,
} from '../../../amplify/functions/conversation-link/conversation-plan';
import {
  type BrokerProfileRow,
  conversationIdFor,
  dedupeKey,
} from '../../../amplify/functions/shared/chat/conversation';
import { UserFacingError } from '../../../amplify/functions/shared/errors';
import { nameBasedUuid } from '../../../amplify/functions/shared/name-based-id';

const BUYER = '6b0e2c1a-0000-4000-8000-000000000001';
const BROKER_USER = '6b0e2c1a-0000-4000-8000-000000000101';
const now = new Date('2025-03-14T02:00:00.000Z');
const broker: BrokerProfileRow = { id: 'BRK-301', userId: BROKER_USER, name: '김민준', active: true };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function inquiry(overrides: Partial<StartConversationRequest> = {}): StartConversationRequest {
  return {
    callerId: BUYER,
    callerRole: 'USER',
    kind: 'LISTING_INQUIRY',
    brokerId: 'BRK-301',
    listingId: 'LST-20001',
    complexId: 'CPX-1001',
    now,
    broker,
    ...overrides,
  };
}

function plan(request: StartConversationRequest) {
  const decision = planStartConversation(request);
  if (!decision.ok) throw decision.error;
  return decision.value;
}

function refusal(request: StartConversationRequest): UserFacingError {
  const decision = planStartConversation(request);
  if (decision.ok) throw new Error('expected a refusal');
  return decision.error;
}

describe('dedupeKey', () => {
  it('is the same for the same buyer, broker and listing, whatever the property order', () => {
    const a = dedupeKey({ buyerId: BUYER, brokerId: 'BRK-301', listingId: 'LST-1' });
    const b = dedupeKey({ listingId: 'LST-1', brokerId: 'BRK-301', buyerId: BUYER });
    expect(a).toBe(b);
    expect(a).toBe(`LISTING_INQUIRY#buyer=${BUYER}#broker=BRK-301#listing=LST-1`);
  });

  it('ignores the complex of a listing inquiry, so a client omitting it finds the same conversation', () => {
    expect(dedupeKey({ buyerId: BUYER, brokerId: 'BRK-301', listingId: 'LST-1', complexId: 'CPX-1' })).toBe(
      dedupeKey({ buyerId: BUYER, brokerId: 'BRK-301', listingId: 'LST-1' }),
    );
  });

  it('differs for another listing, another broker or another buyer', () => {
    const base = dedupeKey({ buyerId: BUYER, brokerId: 'BRK-301', listingId: 'LST-1' });
    expect(dedupeKey({ buyerId: BUYER, brokerId: 'BRK-301', listingId: 'LST-2' })).not.toBe(base);
    expect(dedupeKey({ buyerId: BUYER, brokerId: 'BRK-302', listingId: 'LST-1' })).not.toBe(base);
    expect(dedupeKey({ buyerId: 'someone-else', brokerId: 'BRK-301', listingId: 'LST-1' })).not.toBe(base);
  });

  it('tells a direct conversation from a listing inquiry and scopes it by complex', () => {
    const direct = dedupeKey({ buyerId: BUYER, brokerId: 'BRK-301' });
    expect(direct).toMatch(/^DIRECT#/);
    expect(dedupeKey({ buyerId: BUYER, brokerId: 'BRK-301', listingId: 'LST-1' })).toMatch(
      /^LISTING_INQUIRY#/,
    );
    expect(dedupeKey({ buyerId: BUYER, brokerId: 'BRK-301', complexId: 'CPX-1' })).not.toBe(direct);
  });

  it('gives a buyer one support conversation whatever it is about', () => {
    expect(dedupeKey({ kind: 'SUPPORT', buyerId: BUYER, complexId: 'CPX-1' })).toBe(
      dedupeKey({ kind: 'SUPPORT', buyerId: BUYER, listingId: 'LST-9' }),
    );
  });

  it('cannot be made to collide by putting the separator inside an id', () => {
    expect(dedupeKey({ buyerId: 'a#broker=b', brokerId: 'c', listingId: 'L' })).not.toBe(
      dedupeKey({ buyerId: 'a', brokerId: 'b#broker=c', listingId: 'L' }),
    );
  });
});

describe('conversationIdFor', () => {
  it('is a version 5 UUID computed as RFC 9562 specifies', () => {
    // RFC 9562 appendix A.4: "www.example.com" in the DNS namespace.
    expect(nameBasedUuid('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com')).toBe(
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    );
    expect(conversationIdFor('LISTING_INQUIRY#x')).toMatch(UUID);
  });

  it('is the same for the same key and different for another', () => {
    const key = dedupeKey({ buyerId: BUYER, brokerId: 'BRK-301', listingId: 'LST-1' });
    expect(conversationIdFor(key)).toBe(conversationIdFor(key));
    expect(conversationIdFor(key)).not.toBe(
      conversationIdFor(dedupeKey({ buyerId: BUYER, brokerId: 'BRK-301', listingId: 'LST-2' })),
    );
  });
});

describe('planStartConversation', () => {
  it('plans the conversation and both members as the model tables store them', () => {
    const { conversation, members } = plan(inquiry());
    const at = '2025-03-14T02:00:00.000Z';
    const key = `LISTING_INQUIRY#buyer=${BUYER}#broker=BRK-301#listing=LST-20001`;
    const id = conversationIdFor(key);
    expect(conversation).toEqual({
      __typename: 'Conversation',
      id,
      kind: 'LISTING_INQUIRY',
      status: 'OPEN',
      memberIds: [BUYER, BROKER_USER],
      dedupeKey: key,
      buyerId: BUYER,
      brokerId: 'BRK-301',
      listingId: 'LST-20001',
      complexId: 'CPX-1001',
      lastMessageAt: at,
      createdAt: at,
      updatedAt: at,
    });
    const member = {
      __typename: 'ConversationMember',
      conversationId: id,
      memberIds: [BUYER, BROKER_USER],
      unreadCount: 0,
      muted: false,
      lastMessageAt: at,
      createdAt: at,
      updatedAt: at,
    };
    expect(members).toEqual([
      { ...member, userId: BUYER, role: 'BUYER' },
      { ...member, userId: BROKER_USER, role: 'BROKER' },
    ]);
  });

  it('plans the same ids for concurrent calls, so a put conditioned on the id creates one conversation', () => {
    const first = plan(inquiry({ now: new Date('2025-03-14T02:00:00.000Z') }));
    const second = plan(inquiry({ now: new Date('2025-03-14T02:00:00.137Z'), complexId: undefined }));
    expect(second.conversation.id).toBe(first.conversation.id);
    expect(second.members.map((m) => [m.conversationId, m.userId])).toEqual(
      first.members.map((m) => [m.conversationId, m.userId]),
    );
    expect(plan(inquiry({ listingId: 'LST-20002' })).conversation.id).not.toBe(first.conversation.id);
  });

  it('leaves an inquiry without a broker waiting for one, with the buyer as the only member', () => {
    const { conversation, members } = plan(inquiry({ brokerId: undefined, broker: undefined }));
    expect(conversation.status).toBe('WAITING_FOR_BROKER');
    expect(conversation.memberIds).toEqual([BUYER]);
    expect(conversation).not.toHaveProperty('brokerId');
    expect(members.map((m) => m.role)).toEqual(['BUYER']);
  });

  it('names a broker who does not use the app yet but waits for them to join', () => {
    const { conversation, members } = plan(inquiry({ broker: { id: 'BRK-301', active: true } }));
    expect(conversation.status).toBe('WAITING_FOR_BROKER');
    expect(conversation.brokerId).toBe('BRK-301');
    expect(members.map((m) => m.userId)).toEqual([BUYER]);
  });

  it('opens a direct conversation with a broker, about a complex or nothing in particular', () => {
    const { conversation } = plan(inquiry({ kind: 'DIRECT', listingId: undefined }));
    expect(conversation.kind).toBe('DIRECT');
    expect(conversation.status).toBe('OPEN');
    expect(conversation.dedupeKey).toBe(`DIRECT#buyer=${BUYER}#broker=BRK-301#complex=CPX-1001`);
  });

  it('opens a support conversation with the caller alone, staff reading it as admins', () => {
    const { conversation, members } = plan(
      inquiry({ kind: 'SUPPORT', brokerId: undefined, broker: undefined, listingId: undefined }),
    );
    expect(conversation.status).toBe('OPEN');
    expect(conversation.memberIds).toEqual([BUYER]);
    expect(members).toHaveLength(1);
  });

  it('lets a broker ask another broker about a listing, as the buying side', () => {
    const { members } = plan(inquiry({ callerId: 'another-broker-sub', callerRole: 'BROKER' }));
    expect(members.map((m) => [m.userId, m.role])).toEqual([
      ['another-broker-sub', 'BUYER'],
      [BROKER_USER, 'BROKER'],
    ]);
  });
});

describe('planStartConversation refuses', () => {
  const cases: [string, Partial<StartConversationRequest>, RegExp][] = [
    ['an unknown kind', { kind: 'GROUP' }, /^UNSUPPORTED_CONVERSATION_KIND: .*GROUP/],
    ['a listing inquiry without a listing', { listingId: undefined }, /^LISTING_REQUIRED: /],
    ['a direct conversation about a listing', { kind: 'DIRECT' }, /^LISTING_INQUIRY_REQUIRED: /],
    [
      'a direct conversation without a broker',
      { kind: 'DIRECT', listingId: undefined, brokerId: undefined, broker: undefined },
      /^BROKER_REQUIRED: /,
    ],
    [
      'a support conversation with a broker',
      { kind: 'SUPPORT', listingId: undefined },
      /^SUPPORT_WITHOUT_BROKER: /,
    ],
    ['an unknown broker', { brokerId: 'BRK-999', broker: undefined }, /^UNKNOWN_BROKER: .*BRK-999/],
    ['a profile that is not the broker asked for', { brokerId: 'BRK-302' }, /^UNKNOWN_BROKER: /],
    ['an inactive broker', { broker: { ...broker, active: false } }, /^BROKER_INACTIVE: /],
    ['a buyer naming themselves as the broker', { brokerId: BUYER }, /^SELF_CONVERSATION: /],
    [
      'a broker asking themselves about their own listing',
      { callerId: BROKER_USER, callerRole: 'BROKER' },
      /^SELF_INQUIRY: /,
    ],
    ['a user whose id is the broker’s user id', { callerId: BROKER_USER }, /^SELF_CONVERSATION: /],
    ['an empty listing id', { listingId: '' }, /^INVALID_ID: listingId/],
    ['a broker id with spaces', { brokerId: 'BRK 301' }, /^INVALID_ID: brokerId/],
  ];

  it.each(cases)('%s, with a Korean and English message', (_name, overrides, pattern) => {
    const error = refusal(inquiry(overrides));
    expect(error).toBeInstanceOf(UserFacingError);
    expect(error.message).toMatch(pattern);
    expect(error.message).toMatch(/[가-힣].*\([A-Za-z].*\)$/);
  });
});
