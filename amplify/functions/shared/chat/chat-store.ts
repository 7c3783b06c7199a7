import { unlessConditionFailed } from '../appsync-client';
import { type DataClient, dataClient, dataOf } from '../data-client';
import type { ConversationMemberRow, ImageAttachment, ListingSnapshot, MessageRow } from './chat-message';
import type {
  BrokerProfileRow,
  ConversationItem,
  ConversationMemberItem,
  ConversationRow,
} from './conversation';
import type { MessageItem } from './send-message';

/**
 * Conversations, members and messages, read and written through AppSync (the typed data client)
 * with the function's IAM role: a write made here reaches the GraphQL subscribers, a direct
 * DynamoDB write would not. Every read and write selects the model's fields (the typed client's
 * default), so members subscribed to a row receive the whole row.
 */

/** A Conversation update: its key and the ids that change. The id and dedupeKey never do. */
export interface ConversationUpdate {
  id: string;
  listingId?: string;
  complexId?: string;
}

export interface MessageUpdate {
  id: string;
  body?: string | null;
  image?: ImageAttachment | null;
  listing?: ListingSnapshot | null;
  editedAt?: string;
  deletedAt?: string;
}

export interface MemberUpdate {
  conversationId: string;
  userId: string;
  lastReadAt?: string;
  lastReadMessageId?: string | null;
  viewingUntil?: string;
  muted?: boolean;
  mutedUntil?: string | null;
}

/** A model create refuses an existing key (the resolver's condition): undefined in that case. */
async function createOnce<T>(
  operation: string,
  request: Promise<{ data: T | null }>,
): Promise<T | undefined> {
  return (await unlessConditionFailed(dataOf(operation, request))) ?? undefined;
}

export function chatStore(data: () => Promise<DataClient> = dataClient) {
  const models = async () => (await data()).models;
  return {
    async brokerProfile(id: string): Promise<BrokerProfileRow | undefined> {
      const row = await dataOf(
        'GetBrokerProfile',
        (await models()).BrokerProfile.get({ id }, { selectionSet: ['id', 'userId', 'name', 'active'] }),
      );
      return row ?? undefined;
    },

    async conversation(id: string): Promise<ConversationRow | undefined> {
      const row = await dataOf('GetConversation', (await models()).Conversation.get({ id }));
      return (row as ConversationRow | null) ?? undefined;
    },

    async createConversation(item: ConversationItem): Promise<ConversationRow | undefined> {
      // Conversation declares no createdAt: AppSync sets both timestamps.
      const { __typename: _typename, createdAt: _createdAt, updatedAt: _updatedAt, ...input } = item;
      const row = await createOnce('CreateConversation', (await models()).Conversation.create(input));
      return row as ConversationRow | undefined;
    },

    async updateConversation(update: ConversationUpdate): Promise<ConversationRow> {
      const row = await dataOf('UpdateConversation', (await models()).Conversation.update(update));
      return row as ConversationRow;
    },

    async createMember(item: ConversationMemberItem): Promise<unknown> {
      const { __typename: _typename, createdAt: _createdAt, updatedAt: _updatedAt, ...input } = item;
      return createOnce('CreateMember', (await models()).ConversationMember.create(input));
    },

    async message(id: string): Promise<MessageRow | undefined> {
      const row = await dataOf('GetMessage', (await models()).Message.get({ id }));
      return (row as MessageRow | null) ?? undefined;
    },

    async updateMessage(update: MessageUpdate): Promise<MessageRow> {
      const row = await dataOf('UpdateMessage', (await models()).Message.update(update));
      return row as MessageRow;
    },

    async member(conversationId: string, userId: string): Promise<ConversationMemberRow | undefined> {
      const row = await dataOf(
        'GetMember',
        (await models()).ConversationMember.get({ conversationId, userId }),
      );
      return (row as ConversationMemberRow | null) ?? undefined;
    },

    async updateMember(update: MemberUpdate): Promise<ConversationMemberRow> {
      const row = await dataOf('UpdateMember', (await models()).ConversationMember.update(update));
      return row as ConversationMemberRow;
    },

    async createMessage(item: MessageItem): Promise<MessageRow | undefined> {
      // A Message keeps its createdAt: it is the index's sort key, set when the message was planned.
      const { __typename: _typename, updatedAt: _updatedAt, ...input } = item;
      const row = await createOnce('CreateMessage', (await models()).Message.create(input));
      return row as MessageRow | undefined;
    },
  };
}
