import type {
  ConversationLinkDeps,
  ConversationLinkStore,
} from '../../../amplify/functions/conversation-link/operations/operation';
import type { ConversationMemberRow, MessageRow } from '../../../amplify/functions/shared/chat/chat-message';
import type { BrokerProfileRow, ConversationRow } from '../../../amplify/functions/shared/chat/conversation';

export const UPDATED_AT = '2026-03-14T03:00:01.000Z';

/** The chat store in memory: rows by key, and every call made to it (name and arguments) in order. */
export class FakeChatStore implements ConversationLinkStore {
  readonly brokers = new Map<string, BrokerProfileRow>();
  readonly conversations = new Map<string, ConversationRow>();
  readonly members = new Map<string, ConversationMemberRow>();
  readonly messages = new Map<string, MessageRow>();
  readonly calls: { name: keyof ConversationLinkStore; args: unknown[] }[] = [];

  names(): string[] {
    return this.calls.map((call) => call.name);
  }

  argsOf(name: keyof ConversationLinkStore): unknown[][] {
    return this.calls.filter((call) => call.name === name).map((call) => call.args);
  }

  private record(name: keyof ConversationLinkStore, ...args: unknown[]) {
    this.calls.push({ name, args });
  }

  async brokerProfile(id: string) {
    this.record('brokerProfile', id);
    return this.brokers.get(id);
  }

  async conversation(id: string) {
    this.record('conversation', id);
    return this.conversations.get(id);
  }

  async createConversation(item: Parameters<ConversationLinkStore['createConversation']>[0]) {
    this.record('createConversation', item);
    if (this.conversations.has(item.id)) return undefined;
    const { __typename: _typename, ...row } = item;
    this.conversations.set(row.id, row);
    return row;
  }

  async updateConversation(update: Parameters<ConversationLinkStore['updateConversation']>[0]) {
    this.record('updateConversation', update);
    const row = { ...this.conversations.get(update.id)!, ...update, updatedAt: UPDATED_AT };
    this.conversations.set(row.id, row);
    return row;
  }

  async createMember(item: Parameters<ConversationLinkStore['createMember']>[0]) {
    this.record('createMember', item);
    const key = `${item.conversationId}#${item.userId}`;
    if (this.members.has(key)) return undefined;
    const { __typename: _typename, createdAt: _createdAt, ...row } = item;
    this.members.set(key, row);
    return row;
  }

  async member(conversationId: string, userId: string) {
    this.record('member', conversationId, userId);
    return this.members.get(`${conversationId}#${userId}`);
  }

  async updateMember(update: Parameters<ConversationLinkStore['updateMember']>[0]) {
    this.record('updateMember', update);
    const key = `${update.conversationId}#${update.userId}`;
    const row = { ...this.members.get(key)!, ...update, updatedAt: UPDATED_AT };
    this.members.set(key, row);
    return row;
  }

  async message(id: string) {
    this.record('message', id);
    return this.messages.get(id);
  }

  async createMessage(item: Parameters<ConversationLinkStore['createMessage']>[0]) {
    this.record('createMessage', item);
    if (this.messages.has(item.id)) return undefined;
    const { __typename: _typename, updatedAt: _updatedAt, ...row } = item;
    this.messages.set(row.id, row);
    return row;
  }

  async updateMessage(update: Parameters<ConversationLinkStore['updateMessage']>[0]) {
    this.record('updateMessage', update);
    const row = { ...this.messages.get(update.id)!, ...update } as MessageRow;
    this.messages.set(row.id, row);
    return row;
  }
}

export const SHARE_LINK_SECRET = 'unit-test-share-link-secret-0123456789';
/** As config.shareLinkBaseUrl gives it: ending in `/`. */
export const SHARE_LINK_BASE_URL = 'https://dev.bootalk.co.kr/s/';

/** Deps over the fake store; `sends` lists every user a send was counted for. */
export function fakeDeps(store: FakeChatStore, now: () => Date = () => new Date()) {
  const sends: string[] = [];
  const deps: ConversationLinkDeps = {
    store,
    countSend: async (userId) => {
      sends.push(userId);
    },
    shareLinks: { secret: () => SHARE_LINK_SECRET, baseUrl: () => SHARE_LINK_BASE_URL },
    now,
  };
  return { deps, sends };
}
