import { beforeEach, describe, expect, it } from 'vitest';
import {
  createShareLink,
  linkConversation,
  resolveShareLink,
} from '../../../amplify/functions/conversation-link/operations/conversation-links';
import type { Caller } from '../../../amplify/functions/conversation-link/operations/operation';
import { createShareToken, verifyShareToken } from '../../../amplify/functions/conversation-link/share-link';
import type { ConversationRow } from '../../../amplify/functions/shared/chat/conversation';
import { UserFacingError } from '../../../amplify/functions/shared/errors';
import { FakeChatStore, fakeDeps, SHARE_LINK_SECRET } from './fake-chat-store';

const BUYER = 'buyer-sub';
const BROKER = 'broker-sub';
const OUTSIDER = 'outsider-sub';
const CONVERSATION_ID = 'c0f3a9d2-1111-5222-8333-444455556666';

let store: FakeChatStore;
beforeEach(() => {
  store = new FakeChatStore();
});

const as = (userId: string): Caller => ({ userId, role: 'USER' });

function conversation(overrides: Partial<ConversationRow> = {}): ConversationRow {
  return {
    id: CONVERSATION_ID,
    kind: 'DIRECT',
    status: 'OPEN',
    memberIds: [BUYER, BROKER],
    dedupeKey: 'DIRECT#buyer=buyer-sub#broker=BRK-301#complex=CPX-1001',
    buyerId: BUYER,
    brokerId: 'BRK-301',
    listingId: null,
    complexId: 'CPX-1001',
    lastMessageAt: null,
    lastMessagePreview: null,
    createdAt: '2026-03-14T02:00:00.000Z',
    updatedAt: '2026-03-14T02:00:00.000Z',
    ...overrides,
  };
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => {
      throw new Error('expected a refusal');
    },
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(UserFacingError);
  return (error as Error).message;
}

describe('linkConversation', () => {
  it('writes only the new listing and returns the updated row', async () => {
    store.conversations.set(CONVERSATION_ID, conversation());
    const result = await linkConversation(
      { conversationId: CONVERSATION_ID, listingId: 'LST-20001' },
      as(BROKER),
      fakeDeps(store).deps,
    );
    expect(result).toMatchObject({ id: CONVERSATION_ID, listingId: 'LST-20001', complexId: 'CPX-1001' });
    expect(store.argsOf('updateConversation')).toEqual([[{ id: CONVERSATION_ID, listingId: 'LST-20001' }]]);
    expect(store.conversations.get(CONVERSATION_ID)!.dedupeKey).toBe(conversation().dedupeKey);
  });

  it('writes nothing when the ids are linked already, and returns the conversation as it is', async () => {
    store.conversations.set(CONVERSATION_ID, conversation({ listingId: 'LST-20001' }));
    const result = await linkConversation(
      { conversationId: CONVERSATION_ID, listingId: 'LST-20001', complexId: 'CPX-1001' },
      as(BUYER),
      fakeDeps(store).deps,
    );
    expect(result).toEqual(conversation({ listingId: 'LST-20001' }));
    expect(store.names()).toEqual(['conversation']);
  });

  it('refuses an outsider and writes nothing', async () => {
    store.conversations.set(CONVERSATION_ID, conversation());
    expect(
      await refusal(
        linkConversation(
          { conversationId: CONVERSATION_ID, listingId: 'LST-1' },
          as(OUTSIDER),
          fakeDeps(store).deps,
        ),
      ),
    ).toMatch(/^CONVERSATION_NOT_FOUND: /);
    expect(store.names()).toEqual(['conversation']);
  });

  it('refuses a malformed id', async () => {
    store.conversations.set(CONVERSATION_ID, conversation());
    expect(
      await refusal(
        linkConversation(
          { conversationId: CONVERSATION_ID, complexId: 'CPX 1001' },
          as(BUYER),
          fakeDeps(store).deps,
        ),
      ),
    ).toMatch(/^INVALID_ID: complexId /);
  });
});

describe('createShareLink', () => {
  it('gives a member a signed link under the deployment base URL', async () => {
    store.conversations.set(CONVERSATION_ID, conversation({ listingId: 'LST-20001' }));
    const link = (await createShareLink(
      { conversationId: CONVERSATION_ID },
      as(BUYER),
      fakeDeps(store).deps,
    )) as { url: string; token: string; listingId: string; expiresAt: string };
    expect(link.url).toBe(`https://dev.bootalk.co.kr/s/${link.token}`);
    expect(link.listingId).toBe('LST-20001');
    expect(Date.parse(link.expiresAt)).toBeGreaterThan(Date.now());
    expect(verifyShareToken(link.token, SHARE_LINK_SECRET, new Date())).toMatchObject({
      ok: true,
      value: { conversationId: CONVERSATION_ID, listingId: 'LST-20001' },
    });
  });

  it('refuses a conversation without a listing', async () => {
    store.conversations.set(CONVERSATION_ID, conversation());
    expect(
      await refusal(createShareLink({ conversationId: CONVERSATION_ID }, as(BUYER), fakeDeps(store).deps)),
    ).toMatch(/^LISTING_NOT_LINKED: /);
  });

  it('refuses an outsider', async () => {
    store.conversations.set(CONVERSATION_ID, conversation({ listingId: 'LST-20001' }));
    expect(
      await refusal(createShareLink({ conversationId: CONVERSATION_ID }, as(OUTSIDER), fakeDeps(store).deps)),
    ).toMatch(/^CONVERSATION_NOT_FOUND: /);
  });
});

describe('resolveShareLink', () => {
  const tokenFor = (listingId: string, at = new Date(), ttlMs = 60 * 60 * 1000) =>
    createShareToken({ conversationId: CONVERSATION_ID, listingId }, SHARE_LINK_SECRET, at, ttlMs);
  const resolve = (token: unknown, caller = as(BUYER)) =>
    resolveShareLink({ token }, caller, fakeDeps(store).deps);

  it("opens the listing for someone who is not a member, without the conversation's id or members", async () => {
    store.conversations.set(CONVERSATION_ID, conversation({ listingId: 'LST-20001' }));
    const resolved = (await resolve(tokenFor('LST-20001'), as(OUTSIDER))) as Record<string, unknown>;
    expect(Object.keys(resolved).sort()).toEqual(['complexId', 'expiresAt', 'listingId']);
    expect(resolved).toMatchObject({ listingId: 'LST-20001', complexId: 'CPX-1001' });
    const text = JSON.stringify(resolved);
    for (const secretOfTheConversation of [CONVERSATION_ID, BUYER, BROKER, 'BRK-301']) {
      expect(text).not.toContain(secretOfTheConversation);
    }
  });

  it('refuses a tampered link without reading anything', async () => {
    const [payload, signature] = tokenFor('LST-20001').split('.');
    const forged = Buffer.from(
      JSON.stringify({ conversationId: CONVERSATION_ID, listingId: 'LST-99999', exp: 4_000_000_000 }),
    ).toString('base64url');
    expect(payload).not.toBe(forged);
    expect(await refusal(resolve(`${forged}.${signature}`))).toMatch(
      /^INVALID_SHARE_LINK: 올바르지 않은 공유 링크입니다\. \(This share link is not valid\.\)$/,
    );
    expect(await refusal(resolve('not-a-link'))).toMatch(/^INVALID_SHARE_LINK: /);
    expect(store.calls).toEqual([]);
  });

  it('refuses an expired link with its own error', async () => {
    const token = tokenFor('LST-20001', new Date(Date.now() - 2 * 60 * 60 * 1000));
    expect(await refusal(resolve(token))).toMatch(/^SHARE_LINK_EXPIRED: 공유 링크가 만료되었습니다\. /);
    expect(store.calls).toEqual([]);
  });
});
