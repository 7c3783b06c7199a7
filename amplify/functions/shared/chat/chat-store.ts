import { appSyncClient, isConditionalCheckFailure } from '../appsync-client';
import {
  CREATE_CONVERSATION,
  CREATE_MEMBER,
  CREATE_MESSAGE,
  GET_CONVERSATION,
  GET_MEMBER,
  GET_MESSAGE,
  UPDATE_CONVERSATION,
  UPDATE_MEMBER,
  UPDATE_MESSAGE,
} from './chat-documents';
import type { ConversationMemberRow, ImageAttachment, ListingSnapshot, MessageRow } from './chat-message';
import type {
  BrokerProfileRow,
  ConversationItem,
  ConversationMemberItem,
  ConversationRow,
} from './conversation';
import type { MessageItem } from './send-message';

/**
 * Conversations, members and messages, read and written through AppSync with the function's
 * IAM role: a write made here reaches the GraphQL subscribers, a direct DynamoDB write would not.
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

export const GET_BROKER_PROFILE =
  'query GetBrokerProfile($id: ID!) { getBrokerProfile(id: $id) { id userId name active } }';

/** What a model's create input accepts: no typename, and timestamps only where the model declares them. */
function createInput(item: object, keepCreatedAt: boolean): Record<string, unknown> {
  const {
    __typename: _typename,
    updatedAt: _updatedAt,
    createdAt,
    ...rest
  } = item as Record<string, unknown>;
  return keepCreatedAt ? { ...rest, createdAt } : rest;
}

/** Creates a row unless one with its key exists; undefined in that case. */
async function createOnce<T>(mutation: string, input: Record<string, unknown>): Promise<T | undefined> {
  try {
    const data = await appSyncClient().graphql<Record<string, T>>(mutation, { input });
    return Object.values(data)[0];
  } catch (error) {
    if (isConditionalCheckFailure(error)) return undefined;
    throw error;
  }
}

export function chatStore() {
  const graphql = <T>(query: string, variables: Record<string, unknown>) =>
    appSyncClient().graphql<T>(query, variables);
  return {
    async brokerProfile(id: string): Promise<BrokerProfileRow | undefined> {
      const data = await graphql<{ getBrokerProfile: BrokerProfileRow | null }>(GET_BROKER_PROFILE, { id });
      return data.getBrokerProfile ?? undefined;
    },

    async conversation(id: string): Promise<ConversationRow | undefined> {
      const data = await graphql<{ getConversation: ConversationRow | null }>(GET_CONVERSATION, { id });
      return data.getConversation ?? undefined;
    },

    createConversation(item: ConversationItem): Promise<ConversationRow | undefined> {
      return createOnce(CREATE_CONVERSATION, createInput(item, false));
    },

    /** Selects every field, so members subscribed to the conversation see the whole row. */
    async updateConversation(update: ConversationUpdate): Promise<ConversationRow> {
      const data = await graphql<{ updateConversation: ConversationRow }>(UPDATE_CONVERSATION, {
        input: update,
      });
      return data.updateConversation;
    },

    createMember(item: ConversationMemberItem): Promise<unknown> {
      return createOnce(CREATE_MEMBER, createInput(item, false));
    },

    async message(id: string): Promise<MessageRow | undefined> {
      const data = await graphql<{ getMessage: MessageRow | null }>(GET_MESSAGE, { id });
      return data.getMessage ?? undefined;
    },

    async updateMessage(update: MessageUpdate): Promise<MessageRow> {
      const data = await graphql<{ updateMessage: MessageRow }>(UPDATE_MESSAGE, { input: update });
      return data.updateMessage;
    },

    async member(conversationId: string, userId: string): Promise<ConversationMemberRow | undefined> {
      const data = await graphql<{ getConversationMember: ConversationMemberRow | null }>(GET_MEMBER, {
        conversationId,
        userId,
      });
      return data.getConversationMember ?? undefined;
    },

    async updateMember(update: MemberUpdate): Promise<ConversationMemberRow> {
      const data = await graphql<{ updateConversationMember: ConversationMemberRow }>(UPDATE_MEMBER, {
        input: update,
      });
      return data.updateConversationMember;
    },

    createMessage(item: MessageItem): Promise<MessageRow | undefined> {
      return createOnce(CREATE_MESSAGE, createInput(item, true));
    },
  };
}
