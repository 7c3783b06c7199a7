import { beforeEach, describe, expect, it } from 'vitest';
import type { Caller } from '../../../amplify/functions/conversation-link/operations/operation';
import { sendMessage } from '../../../amplify/functions/conversation-link/operations/send-message';
import { rateLimitedError } from '../../../amplify/functions/conversation-link/rate-limit';
import type { MessageRow } from '../../../amplify/functions/shared/chat/chat-message';
import type { ConversationRow } from '../../../amplify/functions/shared/chat/conversation';
import { messageIdFor } from '../../../amplify/functions/shared/chat/send-message';
import { FakeChatStore, fakeDeps } from './fake-chat-store';

const BUYER = 'buyer-sub';
const BROKER = 'broker-sub';
const CONVERSATION_ID = 'c0f3a9d2-1111-5222-8333-444455556666';
const NOW = new Date('2026-03-14T03:00:00.000Z');
const buyer: Caller = { userId: BUYER, role: 'USER' };

const open: ConversationRow = {
  id: CONVERSATION_ID,
  kind: 'DIRECT',
  status: 'OPEN',
  memberIds: [BUYER, BROKER],
  dedupeKey: 'DIRECT#buyer=buyer-sub#broker=BRK-301#complex=CPX-1001',
  createdAt: '2026-03-14T02:00:00.000Z',
  updatedAt: '2026-03-14T02:00:00.000Z',
};

const text = { conversationId: CONVERSATION_ID, kind: 'TEXT', body: '안녕하세요', clientMessageId: 'm-1' };

let store: FakeChatStore;
beforeEach(() => {
  store = new FakeChatStore();
  store.conversations.set(CONVERSATION_ID, open);
});

describe('the sendMessage operation', () => {
  it('stores the message under the id its sender and clientMessageId name, for every member, and counts the send', async () => {
    const { deps, sends } = fakeDeps(store, () => NOW);
    const message = (await sendMessage(text, buyer, deps)) as MessageRow;
    expect(message).toMatchObject({
      id: messageIdFor(BUYER, 'm-1'),
      conversationId: CONVERSATION_ID,
      senderId: BUYER,
      memberIds: [BUYER, BROKER],
      body: '안녕하세요',
      createdAt: NOW.toISOString(),
    });
    expect(store.messages.get(message.id)).toEqual(message);
    expect(sends).toEqual([BUYER]);
  });

  it('answers a retried send with the stored message, writing nothing and counting nothing', async () => {
    const first = fakeDeps(store, () => NOW);
    const message = await sendMessage(text, buyer, first.deps);
    const retry = fakeDeps(store, () => new Date(NOW.getTime() + 5_000));
    store.calls.length = 0;
    expect(await sendMessage(text, buyer, retry.deps)).toEqual(message);
    expect(store.names()).toEqual(['conversation', 'message']);
    expect(retry.sends).toEqual([]);
  });

  it('asks for the conversation and a retried send at once (one round trip before the write, not two)', async () => {
    const { deps } = fakeDeps(store, () => NOW);
    const read = store.conversation.bind(store);
    let messageAsked = false;
    const message = store.message.bind(store);
    store.message = async (id) => {
      messageAsked = true;
      return message(id);
    };
    // The conversation answers only once the message read has been asked for too.
    store.conversation = async (id) => {
      await expect.poll(() => messageAsked, { timeout: 1_000 }).toBe(true);
      return read(id);
    };
    await expect(sendMessage(text, buyer, deps)).resolves.toMatchObject({ id: messageIdFor(BUYER, 'm-1') });
  });

  it('refuses a clientMessageId reused for other content', async () => {
    await sendMessage(text, buyer, fakeDeps(store).deps);
    await expect(sendMessage({ ...text, body: '다른 내용' }, buyer, fakeDeps(store).deps)).rejects.toThrow(
      /^CLIENT_MESSAGE_ID_REUSED: /,
    );
  });

  it('returns the message a concurrent retry created first', async () => {
    const { deps } = fakeDeps(store, () => NOW);
    const created = store.createMessage.bind(store);
    // The other request writes between this one's read and its create.
    store.createMessage = async (item) => {
      await created(item);
      return created(item);
    };
    const message = (await sendMessage(text, buyer, deps)) as MessageRow;
    expect(message).toEqual(store.messages.get(messageIdFor(BUYER, 'm-1')));
    expect(store.names()).toEqual(['conversation', 'message', 'createMessage', 'createMessage', 'message']);
  });

  it('writes nothing when the rate limit refuses the send', async () => {
    const { deps } = fakeDeps(store);
    deps.countSend = async () => {
      throw rateLimitedError(2_000);
    };
    await expect(sendMessage(text, buyer, deps)).rejects.toThrow(/^RATE_LIMITED: /);
    expect(store.messages.size).toBe(0);
  });

  it('refuses an outsider and a closed conversation before counting the send', async () => {
    const { deps, sends } = fakeDeps(store);
    await expect(sendMessage(text, { userId: 'outsider-sub', role: 'USER' }, deps)).rejects.toThrow(
      /^CONVERSATION_NOT_FOUND: /,
    );
    store.conversations.set(CONVERSATION_ID, { ...open, status: 'CLOSED' });
    await expect(sendMessage(text, buyer, deps)).rejects.toThrow(/^CONVERSATION_CLOSED: /);
    expect(sends).toEqual([]);
    expect(store.messages.size).toBe(0);
  });
});
