import { beforeEach, describe, expect, it } from 'vitest';
import { PRESENCE_TTL_MS } from '../../../amplify/functions/conversation-link/message-edits';
import type { Caller } from '../../../amplify/functions/conversation-link/operations/operation';
import {
  markRead,
  muteConversation,
  setViewing,
} from '../../../amplify/functions/conversation-link/operations/own-membership';
import {
  deleteOwnMessage,
  editMessage,
} from '../../../amplify/functions/conversation-link/operations/own-message';
import type { ConversationMemberRow, MessageRow } from '../../../amplify/functions/shared/chat/chat-message';
import { FakeChatStore, fakeDeps } from './fake-chat-store';

const BUYER = 'buyer-sub';
const BROKER = 'broker-sub';
const CONVERSATION_ID = 'conv-1';
const NOW = new Date('2026-03-14T03:00:00.000Z');
const buyer: Caller = { userId: BUYER, role: 'USER' };
const broker: Caller = { userId: BROKER, role: 'BROKER' };

const message: MessageRow = {
  id: 'msg-1',
  conversationId: CONVERSATION_ID,
  createdAt: '2026-03-14T02:59:00.000Z',
  senderId: BUYER,
  memberIds: [BUYER, BROKER],
  kind: 'TEXT',
  body: '토요일 오전 11시 괜찮습니다.',
  clientMessageId: 'm-1',
};

const member: ConversationMemberRow = {
  conversationId: CONVERSATION_ID,
  userId: BUYER,
  memberIds: [BUYER, BROKER],
  role: 'BUYER',
  unreadCount: 3,
  lastReadAt: '2026-03-14T02:50:00.000Z',
  lastReadMessageId: 'msg-0',
  muted: false,
  lastMessageAt: '2026-03-14T02:59:00.000Z',
};

let store: FakeChatStore;
const deps = () => fakeDeps(store, () => NOW).deps;
beforeEach(() => {
  store = new FakeChatStore();
  store.messages.set(message.id, message);
  store.members.set(`${CONVERSATION_ID}#${BUYER}`, member);
});

describe('editMessage and deleteOwnMessage', () => {
  it('write the sender’s new text, and nothing when it is the same', async () => {
    expect(await editMessage({ id: 'msg-1', body: '일요일은 어떠세요?' }, buyer, deps())).toMatchObject({
      body: '일요일은 어떠세요?',
      editedAt: NOW.toISOString(),
    });
    store.calls.length = 0;
    await editMessage({ id: 'msg-1', body: '일요일은 어떠세요?' }, buyer, deps());
    expect(store.names()).toEqual(['message']);
  });

  it('delete the sender’s own message once, and refuse anyone else', async () => {
    await expect(deleteOwnMessage({ id: 'msg-1' }, broker, deps())).rejects.toThrow(/^NOT_YOUR_MESSAGE: /);
    expect(await deleteOwnMessage({ id: 'msg-1' }, buyer, deps())).toMatchObject({
      deletedAt: NOW.toISOString(),
    });
    expect(store.argsOf('updateMessage')).toHaveLength(1);
    await deleteOwnMessage({ id: 'msg-1' }, buyer, deps());
    expect(store.argsOf('updateMessage')).toHaveLength(1);
  });
});

describe('markRead', () => {
  it('reads up to the time the given message was sent', async () => {
    const read = await markRead({ conversationId: CONVERSATION_ID, messageId: 'msg-1' }, buyer, deps());
    expect(read).toMatchObject({ lastReadAt: message.createdAt, lastReadMessageId: 'msg-1' });
    expect(store.argsOf('updateMember')).toEqual([
      [
        {
          conversationId: CONVERSATION_ID,
          userId: BUYER,
          lastReadAt: message.createdAt,
          lastReadMessageId: 'msg-1',
        },
      ],
    ]);
  });

  it('refuses a message of another conversation, and writes nothing', async () => {
    store.messages.set('msg-9', { ...message, id: 'msg-9', conversationId: 'conv-2' });
    await expect(
      markRead({ conversationId: CONVERSATION_ID, messageId: 'msg-9' }, buyer, deps()),
    ).rejects.toThrow(/^MESSAGE_NOT_FOUND: /);
    await expect(
      markRead({ conversationId: CONVERSATION_ID, messageId: 'msg-404' }, buyer, deps()),
    ).rejects.toThrow(/^MESSAGE_NOT_FOUND: /);
    expect(store.argsOf('updateMember')).toEqual([]);
  });

  it('reads up to now without a message or time, and never moves backwards', async () => {
    expect(await markRead({ conversationId: CONVERSATION_ID }, buyer, deps())).toMatchObject({
      lastReadAt: NOW.toISOString(),
      lastReadMessageId: null,
    });
    store.calls.length = 0;
    await markRead({ conversationId: CONVERSATION_ID, at: '2026-03-14T01:00:00.000Z' }, buyer, deps());
    expect(store.names()).toEqual(['member']);
  });

  it('refuses a conversation the caller is not in', async () => {
    await expect(markRead({ conversationId: CONVERSATION_ID }, broker, deps())).rejects.toThrow(
      /^CONVERSATION_NOT_FOUND: /,
    );
  });
});

describe('setViewing and muteConversation', () => {
  it('mark the member as viewing for the presence window', async () => {
    expect(await setViewing({ conversationId: CONVERSATION_ID }, buyer, deps())).toMatchObject({
      viewingUntil: new Date(NOW.getTime() + PRESENCE_TTL_MS).toISOString(),
    });
  });

  it('mute until the given time, only a member', async () => {
    const until = '2026-03-15T03:00:00.000Z';
    expect(
      await muteConversation({ conversationId: CONVERSATION_ID, muted: true, until }, buyer, deps()),
    ).toMatchObject({ muted: true, mutedUntil: until });
    expect(store.members.get(`${CONVERSATION_ID}#${BUYER}`)).toMatchObject({
      muted: true,
      mutedUntil: until,
    });
    await expect(
      muteConversation({ conversationId: CONVERSATION_ID, muted: true }, broker, deps()),
    ).rejects.toThrow(/^CONVERSATION_NOT_FOUND: /);
  });
});
