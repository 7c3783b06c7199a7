import type { AppSyncIdentityCognito } from 'aws-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import { callerOf } from '../../../amplify/functions/conversation-link/caller';
import { createHandler } from '../../../amplify/functions/conversation-link/handler';
import type { ConversationRow } from '../../../amplify/functions/shared/chat/conversation';
import { UserFacingError } from '../../../amplify/functions/shared/errors';
import { FakeChatStore, fakeDeps, UPDATED_AT } from './fake-chat-store';

const BUYER = 'buyer-sub';
const BROKER = 'broker-sub';
const CONVERSATION_ID = 'c0f3a9d2-1111-5222-8333-444455556666';

const conversation: ConversationRow = {
  id: CONVERSATION_ID,
  kind: 'DIRECT',
  status: 'OPEN',
  memberIds: [BUYER, BROKER],
  dedupeKey: 'DIRECT#buyer=buyer-sub#broker=BRK-301#complex=CPX-1001',
  buyerId: BUYER,
  brokerId: 'BRK-301',
  listingId: null,
  complexId: 'CPX-1001',
  createdAt: '2026-03-14T02:00:00.000Z',
  updatedAt: '2026-03-14T02:00:00.000Z',
};

let store: FakeChatStore;
beforeEach(() => {
  store = new FakeChatStore();
  store.conversations.set(CONVERSATION_ID, conversation);
});

const identity = (sub: string): AppSyncIdentityCognito => ({
  sub,
  username: sub,
  claims: { sub },
  groups: null,
  issuer: 'https://cognito-idp.ap-northeast-2.amazonaws.com/ap-northeast-2_unit',
  sourceIp: ['127.0.0.1'],
  defaultAuthStrategy: 'ALLOW',
});

/** What Amplify's Lambda resolver sends for a signed-in user: fieldName at the top, no `info`. */
function call(fieldName: string, args: Record<string, unknown>, sub: string | null = BUYER) {
  const event = { typeName: 'Mutation', fieldName, arguments: args, identity: sub ? identity(sub) : null };
  // biome-ignore lint/suspicious/noExplicitAny: a partial AppSync event, as the resolver sends it
  return createHandler(fakeDeps(store).deps)(event as any);
}

describe('the conversation-link handler', () => {
  it("runs the called field's operation with its arguments and the signed-in caller", async () => {
    const result = await call('linkConversation', {
      conversationId: CONVERSATION_ID,
      listingId: 'LST-20001',
    });
    expect(result).toEqual({ ...conversation, listingId: 'LST-20001', updatedAt: UPDATED_AT });
    expect(store.argsOf('updateConversation')).toEqual([[{ id: CONVERSATION_ID, listingId: 'LST-20001' }]]);
  });

  it('finds the field in `info` too, as AppSync sends it to a direct resolver', async () => {
    const event = {
      info: { fieldName: 'linkConversation', parentTypeName: 'Mutation' },
      arguments: { conversationId: CONVERSATION_ID, complexId: 'CPX-1001' },
      identity: identity(BUYER),
    };
    // biome-ignore lint/suspicious/noExplicitAny: a partial AppSync event
    expect(await createHandler(fakeDeps(store).deps)(event as any)).toEqual(conversation);
  });

  it('passes a refusal on as the user-facing error the operation threw', async () => {
    const error = await call('linkConversation', { conversationId: CONVERSATION_ID }, 'outsider-sub').catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(UserFacingError);
    expect((error as Error).message).toMatch(/^CONVERSATION_NOT_FOUND: /);
  });

  it('refuses a field it does not resolve, and reads nothing', async () => {
    await expect(call('requestBroker', { conversationId: CONVERSATION_ID })).rejects.toThrow(
      'conversation-link does not handle requestBroker',
    );
    await expect(call('toString', {})).rejects.toThrow('conversation-link does not handle toString');
    expect(store.calls).toEqual([]);
  });

  it('needs a signed-in user, and reads nothing without one', async () => {
    await expect(call('resolveShareLink', { token: 'any' }, null)).rejects.toThrow(/Unauthorized/);
    await expect(call('linkConversation', { conversationId: CONVERSATION_ID }, null)).rejects.toThrow(
      /Unauthorized/,
    );
    expect(store.calls).toEqual([]);
  });
});

describe('callerOf', () => {
  it('reads the role from the Cognito groups, in the identity or its claims', () => {
    expect(callerOf(identity(BUYER))).toEqual({ userId: BUYER, role: 'USER' });
    expect(callerOf({ ...identity(BROKER), groups: ['BROKERS'] })).toEqual({
      userId: BROKER,
      role: 'BROKER',
    });
    expect(
      callerOf({
        ...identity('admin-sub'),
        claims: { sub: 'admin-sub', 'cognito:groups': ['BROKERS', 'ADMINS'] },
      }),
    ).toEqual({ userId: 'admin-sub', role: 'ADMIN' });
  });
});
