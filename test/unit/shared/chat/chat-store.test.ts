import { beforeEach, describe, expect, it } from 'vitest';
import { AppSyncUnavailableError } from '../../../../amplify/functions/shared/appsync-client';
import { chatStore } from '../../../../amplify/functions/shared/chat/chat-store';
import type {
  ConversationItem,
  ConversationRow,
} from '../../../../amplify/functions/shared/chat/conversation';
import type { MessageItem } from '../../../../amplify/functions/shared/chat/send-message';
import type { DataClient } from '../../../../amplify/functions/shared/data-client';
import { answerFailing, CONDITION_FAILED, selected, type TypedResult } from '../../../support/typed-data';

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

const planned: MessageItem = {
  __typename: 'Message',
  id: 'msg-1',
  conversationId: stored.id,
  createdAt: '2026-03-14T03:00:00.000Z',
  updatedAt: '2026-03-14T03:00:00.000Z',
  senderId: 'buyer-sub',
  memberIds: ['buyer-sub', 'broker-sub'],
  kind: 'TEXT',
  body: '안녕하세요',
  clientMessageId: 'c-1',
};

type Call = { call: string; args: unknown[] };

/** The typed models the store uses, answering from `answer` and recording every call. */
function fakeClient(answer: (call: string, args: unknown[]) => TypedResult) {
  const calls: Call[] = [];
  const operation =
    (call: string) =>
    async (...args: unknown[]) => {
      calls.push({ call, args: structuredClone(args) });
      return answer(call, args);
    };
  const model = (name: string) => ({
    get: operation(`${name}.get`),
    create: operation(`${name}.create`),
    update: operation(`${name}.update`),
  });
  const client = {
    models: {
      BrokerProfile: model('BrokerProfile'),
      Conversation: model('Conversation'),
      ConversationMember: model('ConversationMember'),
      Message: model('Message'),
    },
  } as unknown as DataClient;
  return { calls, data: async () => client };
}

let calls: Call[];
let store: ReturnType<typeof chatStore>;
let answer: (call: string, args: unknown[]) => TypedResult;

beforeEach(() => {
  answer = () => ({ data: null });
  const fake = fakeClient((call, args) => answer(call, args));
  calls = fake.calls;
  store = chatStore(fake.data);
});

describe('chatStore', () => {
  it('updates a conversation with only the given ids, selecting every field (the default) so subscribers get the whole row', async () => {
    answer = () => ({ data: stored });

    const row = await store.updateConversation({ id: stored.id, listingId: 'LST-20001' });

    expect(row).toEqual(stored);
    expect(calls).toEqual([
      { call: 'Conversation.update', args: [{ id: stored.id, listingId: 'LST-20001' }] },
    ]);
  });

  it('creates a message with its createdAt (the index sort key) and without the typename or updatedAt', async () => {
    answer = (_call, [input]) => ({ data: { ...(input as object), updatedAt: planned.updatedAt } });

    const row = await store.createMessage(planned);

    const { __typename: _, updatedAt: __, ...input } = planned;
    expect(calls).toEqual([{ call: 'Message.create', args: [input] }]);
    expect(row).toMatchObject({ id: 'msg-1', createdAt: planned.createdAt });
  });

  it('creates a conversation without the timestamps AppSync sets, and answers undefined when its id exists', async () => {
    answer = () => CONDITION_FAILED;
    const item: ConversationItem = { ...stored, __typename: 'Conversation' };

    expect(await store.createConversation(item)).toBeUndefined();

    const { createdAt: _, updatedAt: __, ...input } = stored;
    expect(calls).toEqual([{ call: 'Conversation.create', args: [input] }]);
  });

  it('answers undefined for a message or member row that is not there', async () => {
    expect(await store.message('msg-404')).toBeUndefined();
    expect(await store.member(stored.id, 'nobody')).toBeUndefined();
    expect(calls).toEqual([
      { call: 'Message.get', args: [{ id: 'msg-404' }] },
      { call: 'ConversationMember.get', args: [{ conversationId: stored.id, userId: 'nobody' }] },
    ]);
  });

  it('reads a broker profile with the fields startConversation checks', async () => {
    const profile = {
      id: 'BRK-301',
      userId: 'broker-sub',
      name: '김중개',
      active: true,
      regionCodes: ['11680'],
    };
    answer = (_call, [, options]) => ({
      data: selected(profile, (options as { selectionSet?: string[] }).selectionSet),
    });

    expect(await store.brokerProfile('BRK-301')).toEqual({
      id: 'BRK-301',
      userId: 'broker-sub',
      name: '김중개',
      active: true,
    });
  });

  it('passes an outage on as the retryable AppSync error, not as a missing row', async () => {
    answer = () => answerFailing(new AppSyncUnavailableError('AppSync GetMessage answered HTTP 503', 503));

    await expect(store.message('msg-1')).rejects.toBeInstanceOf(AppSyncUnavailableError);
  });

  it('does not take an existing message for a failure: a replayed send gets undefined, other errors are thrown', async () => {
    answer = () => CONDITION_FAILED;
    expect(await store.createMessage(planned)).toBeUndefined();

    answer = () => ({ data: null, errors: [{ errorType: 'Unauthorized', message: 'Not Authorized' }] });
    await expect(store.createMessage(planned)).rejects.toThrow(/AppSync CreateMessage failed: Unauthorized/);
  });
});
