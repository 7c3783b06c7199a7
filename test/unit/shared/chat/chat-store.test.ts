import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { operationNameOf } from '../../../../amplify/functions/shared/appsync-client';
import { CONVERSATION_FIELDS } from '../../../../amplify/functions/shared/chat/chat-fields';
import { chatStore } from '../../../../amplify/functions/shared/chat/chat-store';
import type { ConversationRow } from '../../../../amplify/functions/shared/chat/conversation';

Object.assign(process.env, {
  AWS_REGION: 'ap-northeast-2',
  AWS_ACCESS_KEY_ID: 'AKIDUNITTEST',
  AWS_SECRET_ACCESS_KEY: 'unit-test-secret-key',
  AMPLIFY_DATA_GRAPHQL_ENDPOINT: 'https://unit.appsync-api.ap-northeast-2.amazonaws.com/graphql',
});

const stored: ConversationRow = {
  id: 'c0f3a9d2-1111-5222-8333-444455556666',
  kind: 'DIRECT',
  status: 'OPEN',
  memberIds: ['buyer-sub', 'broker-sub'],
  dedupeKey: 'DIRECT#buyer=buyer-sub#broker=BRK-301#complex=CPX-1001',
  listingId: 'LST-20001',
  complexId: 'CPX-1001',
  createdAt: '2026-03-14T02:00:00.000Z',
  updatedAt: '2026-03-14T03:00:01.000Z',
};

const sent: { operation: string; query: string; variables: Record<string, unknown> }[] = [];
beforeAll(() => {
  vi.stubGlobal('fetch', async (_url: string | URL | Request, init?: RequestInit) => {
    const { query, variables } = JSON.parse(String(init?.body));
    sent.push({ operation: operationNameOf(query), query, variables });
    return Response.json({ data: { updateConversation: stored } });
  });
});
afterAll(() => {
  vi.unstubAllGlobals();
});

describe('chatStore', () => {
  it('updates a conversation through AppSync with only the given ids, selecting every field so subscribers get the whole row', async () => {
    const row = await chatStore().updateConversation({ id: stored.id, listingId: 'LST-20001' });
    expect(row).toEqual(stored);
    expect(sent.map((call) => call.operation)).toEqual(['UpdateConversation']);
    expect(sent[0]!.variables).toEqual({ input: { id: stored.id, listingId: 'LST-20001' } });
    expect(sent[0]!.query.replace(/\s+/g, ' ')).toContain(CONVERSATION_FIELDS.replace(/\s+/g, ' '));
  });
});
