import { describe, expect, it } from 'vitest';
import {
  planLinkConversation,
  planShareLink,
  resolvedShareLink,
} from '../../../amplify/functions/conversation-link/conversation-links';
import { verifyShareToken } from '../../../amplify/functions/conversation-link/share-link';
import type { ConversationRow } from '../../../amplify/functions/shared/chat/conversation';
import type { Decision } from '../../../amplify/functions/shared/decision';
import { UserFacingError } from '../../../amplify/functions/shared/errors';

const BUYER = 'buyer-sub';
const BROKER = 'broker-sub';
const OUTSIDER = 'outsider-sub';
const secret = 'share-link-test-secret-0123456789abcdef';
const now = new Date('2026-03-14T03:00:00.000Z');
const HOUR = 60 * 60 * 1000;

function conversation(overrides: Partial<ConversationRow> = {}): ConversationRow {
  return {
    id: 'c0f3a9d2-1111-5222-8333-444455556666',
    kind: 'DIRECT',
    status: 'OPEN',
    memberIds: [BUYER, BROKER],
    dedupeKey: 'DIRECT#buyer=buyer-sub#broker=BRK-301#complex=CPX-1001',
    buyerId: BUYER,
    brokerId: 'BRK-301',
    complexId: 'CPX-1001',
    createdAt: '2026-03-14T02:00:00.000Z',
    updatedAt: '2026-03-14T02:00:00.000Z',
    ...overrides,
  };
}

function accepted<T>(decision: Decision<T>): T {
  if (!decision.ok) throw decision.error;
  return decision.value;
}

function refusal(decision: Decision<unknown>): string {
  if (decision.ok) throw new Error('expected a refusal');
  expect(decision.error).toBeInstanceOf(UserFacingError);
  return decision.error.message;
}

describe('linking a conversation to a listing or complex', () => {
  it('lets the buyer link a DIRECT conversation to the listing it turned out to be about', () => {
    const change = accepted(
      planLinkConversation(conversation(), { callerId: BUYER, listingId: 'LST-20001' }),
    );
    expect(change.update).toEqual({ id: conversation().id, listingId: 'LST-20001' });
    expect(change.conversation).toMatchObject({ listingId: 'LST-20001', complexId: 'CPX-1001' });
  });

  it('lets the broker link the listing and complex the buyer asked about', () => {
    const change = accepted(
      planLinkConversation(conversation({ complexId: null }), {
        callerId: BROKER,
        listingId: 'LST-20001',
        complexId: 'CPX-1001',
      }),
    );
    expect(change.update).toEqual({ id: conversation().id, listingId: 'LST-20001', complexId: 'CPX-1001' });
  });

  it('refuses an outsider as if the conversation did not exist', () => {
    const asOutsider = refusal(
      planLinkConversation(conversation(), { callerId: OUTSIDER, listingId: 'LST-1' }),
    );
    const missing = refusal(planLinkConversation(undefined, { callerId: BUYER, listingId: 'LST-1' }));
    expect(asOutsider).toMatch(/^CONVERSATION_NOT_FOUND: 대화를 찾을 수 없습니다\. \(/);
    expect(asOutsider).toBe(missing);
  });

  it('refuses an outsider before looking at what they sent', () => {
    expect(refusal(planLinkConversation(conversation(), { callerId: OUTSIDER, listingId: '../x' }))).toMatch(
      /^CONVERSATION_NOT_FOUND: /,
    );
  });

  it.each([
    ['listingId', { listingId: 'LST 20001' }],
    ['listingId', { listingId: '' }],
    ['listingId', { listingId: 20001 }],
    ['complexId', { complexId: 'x'.repeat(101) }],
    ['complexId', { listingId: 'LST-20001', complexId: '-CPX' }],
  ])('refuses a malformed %s the way startConversation does', (field, ids) => {
    expect(refusal(planLinkConversation(conversation(), { callerId: BUYER, ...ids }))).toBe(
      `INVALID_ID: ${field} 값의 형식이 올바르지 않습니다. (${field} is not a valid id.)`,
    );
  });

  it('needs a listing or a complex to link', () => {
    for (const ids of [{}, { listingId: null, complexId: null }]) {
      expect(refusal(planLinkConversation(conversation(), { callerId: BUYER, ...ids }))).toMatch(
        /^LINK_TARGET_REQUIRED: .*\(Give a listingId, a complexId or both to link\.\)$/,
      );
    }
  });

  it('writes nothing when the conversation already names the same ids', () => {
    const linked = conversation({ listingId: 'LST-20001' });
    const change = accepted(
      planLinkConversation(linked, { callerId: BROKER, listingId: 'LST-20001', complexId: 'CPX-1001' }),
    );
    expect(change.update).toBeUndefined();
    expect(change.conversation).toBe(linked);
  });

  it('re-links to another listing as a correction, keeping the id, kind and dedupe key', () => {
    const linked = conversation({ kind: 'LISTING_INQUIRY', listingId: 'LST-20001' });
    const change = accepted(
      planLinkConversation(linked, { callerId: BROKER, listingId: 'LST-20002', complexId: 'CPX-1001' }),
    );
    expect(change.update).toEqual({ id: linked.id, listingId: 'LST-20002' });
    expect(change.conversation).toEqual({ ...linked, listingId: 'LST-20002' });
  });

  it('leaves the listing alone when only a complex is given', () => {
    const linked = conversation({ listingId: 'LST-20001' });
    const change = accepted(planLinkConversation(linked, { callerId: BUYER, complexId: 'CPX-2002' }));
    expect(change.update).toEqual({ id: linked.id, complexId: 'CPX-2002' });
    expect(change.conversation.listingId).toBe('LST-20001');
  });

  it('refuses to change a closed conversation', () => {
    expect(
      refusal(
        planLinkConversation(conversation({ status: 'CLOSED' }), { callerId: BUYER, listingId: 'LST-20001' }),
      ),
    ).toMatch(/^CONVERSATION_CLOSED: /);
  });
});

describe('creating a share link', () => {
  const request = { callerId: BUYER, secret, baseUrl: 'https://dev.bootalk.co.kr/s/', now, ttlMs: HOUR };

  it('signs the linked listing for a member, under the deployment base URL', () => {
    const linked = conversation({ listingId: 'LST-20001' });
    const link = accepted(planShareLink(linked, request));
    expect(link).toEqual({
      token: expect.any(String),
      url: `https://dev.bootalk.co.kr/s/${link.token}`,
      listingId: 'LST-20001',
      expiresAt: '2026-03-14T04:00:00.000Z',
    });
    expect(verifyShareToken(link.token, secret, now)).toEqual({
      ok: true,
      value: { conversationId: linked.id, listingId: 'LST-20001', exp: Date.parse(link.expiresAt) / 1000 },
    });
  });

  it('lets the broker share as well as the buyer', () => {
    expect(planShareLink(conversation({ listingId: 'LST-20001' }), { ...request, callerId: BROKER }).ok).toBe(
      true,
    );
  });

  it('refuses an outsider as if the conversation did not exist', () => {
    const linked = conversation({ listingId: 'LST-20001' });
    expect(refusal(planShareLink(linked, { ...request, callerId: OUTSIDER }))).toMatch(
      /^CONVERSATION_NOT_FOUND: /,
    );
    expect(refusal(planShareLink(undefined, request))).toMatch(/^CONVERSATION_NOT_FOUND: /);
  });

  it('refuses a conversation with no listing, saying how to link one', () => {
    expect(refusal(planShareLink(conversation({ listingId: null }), request))).toBe(
      'LISTING_NOT_LINKED: 공유할 매물이 연결되지 않은 대화입니다. ' +
        '(This conversation has no listing to share; link one with linkConversation first.)',
    );
  });
});

describe('resolving a share link', () => {
  const payload = { conversationId: conversation().id, listingId: 'LST-20001', exp: 1_773_460_800 };

  it('gives the listing, its complex from the conversation, and the expiry, and nothing else', () => {
    const resolved = resolvedShareLink(payload, conversation({ listingId: 'LST-20001' }));
    expect(resolved).toEqual({
      listingId: 'LST-20001',
      complexId: 'CPX-1001',
      expiresAt: '2026-03-14T04:00:00.000Z',
    });
    expect(JSON.stringify(resolved)).not.toContain(payload.conversationId);
  });

  it('gives no complex once the conversation was re-linked to another listing', () => {
    expect(resolvedShareLink(payload, conversation({ listingId: 'LST-20002' })).complexId).toBeNull();
  });

  it('still opens the listing when the conversation is gone', () => {
    expect(resolvedShareLink(payload, undefined)).toEqual({
      listingId: 'LST-20001',
      complexId: null,
      expiresAt: '2026-03-14T04:00:00.000Z',
    });
  });
});
