import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createShareToken, verifyShareToken } from '../../../amplify/functions/conversation-link/share-link';
import { operationNameOf } from '../../../amplify/functions/shared/appsync-client';
import { CONVERSATION_FIELDS } from '../../../amplify/functions/shared/chat/chat-fields';
import type { ConversationRow } from '../../../amplify/functions/shared/chat/conversation';
import { UserFacingError } from '../../../amplify/functions/shared/errors';
import { lambdaContext } from '../../support/lambda-context';

const SECRET = 'unit-test-share-link-secret-0123456789';
const BUYER = 'buyer-sub';
const BROKER = 'broker-sub';
const OUTSIDER = 'outsider-sub';
const CONVERSATION_ID = 'c0f3a9d2-1111-5222-8333-444455556666';

Object.assign(process.env, {
  STAGE: 'sandbox',
  AWS_REGION: 'ap-northeast-2',
  AWS_ACCESS_KEY_ID: 'AKIDUNITTEST',
  AWS_SECRET_ACCESS_KEY: 'unit-test-secret-key',
  AMPLIFY_DATA_GRAPHQL_ENDPOINT: 'https://unit.appsync-api.ap-northeast-2.amazonaws.com/graphql',
  SHARE_LINK_SECRET: SECRET,
  SHARE_LINK_BASE_URL: 'https://dev.bootalk.co.kr/s',
});
delete process.env.SENTRY_DSN;

/** AppSync as the function sees it: Conversation rows by id, and every operation it was sent. */
class FakeAppSync {
  readonly conversations = new Map<string, ConversationRow>();
  readonly calls: { operation: string; query: string; variables: Record<string, unknown> }[] = [];

  readonly fetch = async (_url: string | URL | Request, init?: RequestInit) => {
    const { query, variables } = JSON.parse(String(init?.body)) as {
      query: string;
      variables: Record<string, unknown>;
    };
    const operation = operationNameOf(query);
    this.calls.push({ operation, query, variables });
    return Response.json(this.answer(operation, variables));
  };

  operations(): string[] {
    return this.calls.map((call) => call.operation);
  }

  private answer(operation: string, variables: Record<string, unknown>) {
    switch (operation) {
      case 'GetConversation':
        return { data: { getConversation: this.conversations.get(String(variables.id)) ?? null } };
      case 'UpdateConversation': {
        const input = variables.input as Partial<ConversationRow> & { id: string };
        const row = { ...this.conversations.get(input.id)!, ...input, updatedAt: '2026-03-14T03:00:01.000Z' };
        this.conversations.set(row.id, row);
        return { data: { updateConversation: row } };
      }
      default:
        return { data: null, errors: [{ errorType: 'Unexpected', message: `no fake for ${operation}` }] };
    }
  }
}

const appsync = new FakeAppSync();
const context: Context = lambdaContext(10_000, 'conversation-link');
const noop = () => undefined;

// biome-ignore lint/suspicious/noExplicitAny: the handler is loaded after the environment is set
let handler: (event: any, context: Context, callback: any) => Promise<any>;
beforeAll(async () => {
  vi.stubGlobal('fetch', appsync.fetch);
  handler = (await import('../../../amplify/functions/conversation-link/handler')).handler as typeof handler;
});
afterAll(() => {
  vi.unstubAllGlobals();
});

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

/** What Amplify's Lambda resolver sends for a signed-in user. */
function call(fieldName: string, args: Record<string, unknown>, sub: string | null = BUYER) {
  const event = {
    typeName: fieldName === 'resolveShareLink' ? 'Query' : 'Mutation',
    fieldName,
    arguments: args,
    identity: sub ? { sub, username: sub, claims: { sub }, groups: null } : null,
  };
  return handler(event, context, noop);
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

beforeEach(() => {
  appsync.conversations.clear();
  appsync.calls.length = 0;
});

describe('linkConversation', () => {
  it('writes the new listing through AppSync, selecting every field so subscribers get the whole row', async () => {
    appsync.conversations.set(CONVERSATION_ID, conversation());
    const result = await call(
      'linkConversation',
      { conversationId: CONVERSATION_ID, listingId: 'LST-20001' },
      BROKER,
    );
    expect(result).toMatchObject({ id: CONVERSATION_ID, listingId: 'LST-20001', complexId: 'CPX-1001' });
    const update = appsync.calls.find((c) => c.operation === 'UpdateConversation')!;
    expect(update.variables).toEqual({ input: { id: CONVERSATION_ID, listingId: 'LST-20001' } });
    expect(update.query.replace(/\s+/g, ' ')).toContain(CONVERSATION_FIELDS.replace(/\s+/g, ' '));
    expect(appsync.conversations.get(CONVERSATION_ID)!.dedupeKey).toBe(conversation().dedupeKey);
  });

  it('writes nothing when the ids are linked already, and returns the conversation as it is', async () => {
    appsync.conversations.set(CONVERSATION_ID, conversation({ listingId: 'LST-20001' }));
    const result = await call('linkConversation', {
      conversationId: CONVERSATION_ID,
      listingId: 'LST-20001',
      complexId: 'CPX-1001',
    });
    expect(result).toEqual(conversation({ listingId: 'LST-20001' }));
    expect(appsync.operations()).toEqual(['GetConversation']);
  });

  it('refuses an outsider and writes nothing', async () => {
    appsync.conversations.set(CONVERSATION_ID, conversation());
    expect(
      await refusal(
        call('linkConversation', { conversationId: CONVERSATION_ID, listingId: 'LST-1' }, OUTSIDER),
      ),
    ).toMatch(/^CONVERSATION_NOT_FOUND: /);
    expect(appsync.operations()).toEqual(['GetConversation']);
  });

  it('refuses a malformed id', async () => {
    appsync.conversations.set(CONVERSATION_ID, conversation());
    expect(
      await refusal(call('linkConversation', { conversationId: CONVERSATION_ID, complexId: 'CPX 1001' })),
    ).toMatch(/^INVALID_ID: complexId /);
  });
});

describe('createShareLink', () => {
  it('gives a member a signed link under the deployment base URL', async () => {
    appsync.conversations.set(CONVERSATION_ID, conversation({ listingId: 'LST-20001' }));
    const link = await call('createShareLink', { conversationId: CONVERSATION_ID });
    expect(link.url).toBe(`https://dev.bootalk.co.kr/s/${link.token}`);
    expect(link.listingId).toBe('LST-20001');
    expect(Date.parse(link.expiresAt)).toBeGreaterThan(Date.now());
    expect(verifyShareToken(link.token, SECRET, new Date())).toMatchObject({
      ok: true,
      value: { conversationId: CONVERSATION_ID, listingId: 'LST-20001' },
    });
  });

  it('refuses a conversation without a listing', async () => {
    appsync.conversations.set(CONVERSATION_ID, conversation());
    expect(await refusal(call('createShareLink', { conversationId: CONVERSATION_ID }))).toMatch(
      /^LISTING_NOT_LINKED: /,
    );
  });

  it('refuses an outsider', async () => {
    appsync.conversations.set(CONVERSATION_ID, conversation({ listingId: 'LST-20001' }));
    expect(await refusal(call('createShareLink', { conversationId: CONVERSATION_ID }, OUTSIDER))).toMatch(
      /^CONVERSATION_NOT_FOUND: /,
    );
  });
});

describe('resolveShareLink', () => {
  const tokenFor = (listingId: string, at = new Date(), ttlMs = 60 * 60 * 1000) =>
    createShareToken({ conversationId: CONVERSATION_ID, listingId }, SECRET, at, ttlMs);

  it("opens the listing for someone who is not a member, without the conversation's id or members", async () => {
    appsync.conversations.set(CONVERSATION_ID, conversation({ listingId: 'LST-20001' }));
    const resolved = await call('resolveShareLink', { token: tokenFor('LST-20001') }, OUTSIDER);
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
    expect(await refusal(call('resolveShareLink', { token: `${forged}.${signature}` }))).toMatch(
      /^INVALID_SHARE_LINK: 올바르지 않은 공유 링크입니다\. \(This share link is not valid\.\)$/,
    );
    expect(await refusal(call('resolveShareLink', { token: 'not-a-link' }))).toMatch(/^INVALID_SHARE_LINK: /);
    expect(appsync.calls).toEqual([]);
  });

  it('refuses an expired link with its own error', async () => {
    const token = tokenFor('LST-20001', new Date(Date.now() - 2 * 60 * 60 * 1000));
    expect(await refusal(call('resolveShareLink', { token }))).toMatch(
      /^SHARE_LINK_EXPIRED: 공유 링크가 만료되었습니다\. /,
    );
    expect(appsync.calls).toEqual([]);
  });

  it('needs a signed-in user', async () => {
    await expect(call('resolveShareLink', { token: tokenFor('LST-20001') }, null)).rejects.toThrow(
      /Unauthorized/,
    );
  });
});
