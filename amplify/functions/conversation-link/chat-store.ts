import { appSyncClient, isConditionalCheckFailure } from '../shared/appsync-client';
import { CONVERSATION_FIELDS, MEMBER_FIELDS, MESSAGE_FIELDS } from '../shared/chat-fields';
import type { ConversationMemberRow, MessageRow } from '../shared/chat-message';
import type { ConversationUpdate } from './conversation-links';
import type {
  BrokerProfileRow,
  ConversationItem,
  ConversationMemberItem,
  ConversationRow,
} from './conversation-plan';
import type { MemberUpdate, MessageUpdate } from './message-edits';
import type { MessageItem } from './send-message';

/**
 * Conversations, members and messages, read and written through AppSync with the function's
 * IAM role: a write made here reaches the GraphQL subscribers, a direct DynamoDB write would not.
 */

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
      const data = await graphql<{ getBrokerProfile: BrokerProfileRow | null }>(
        'query GetBrokerProfile($id: ID!) { getBrokerProfile(id: $id) { id userId name active } }',
        { id },
      );
      return data.getBrokerProfile ?? undefined;
    },

    async conversation(id: string): Promise<ConversationRow | undefined> {
      const data = await graphql<{ getConversation: ConversationRow | null }>(
        `query GetConversation($id: ID!) { getConversation(id: $id) { ${CONVERSATION_FIELDS} } }`,
        { id },
      );
      return data.getConversation ?? undefined;
    },

    createConversation(item: ConversationItem): Promise<ConversationRow | undefined> {
      return createOnce(
        `mutation CreateConversation($input: CreateConversationInput!) { createConversation(input: $input) { ${CONVERSATION_FIELDS} } }`,
        createInput(item, false),
      );
    },

    /** Selects every field, so members subscribed to the conversation see the whole row. */
    async updateConversation(update: ConversationUpdate): Promise<ConversationRow> {
      const data = await graphql<{ updateConversation: ConversationRow }>(
        `mutation UpdateConversation($input: UpdateConversationInput!) {
          updateConversation(input: $input) { ${CONVERSATION_FIELDS} } }`,
        { input: update },
      );
      return data.updateConversation;
    },

    createMember(item: ConversationMemberItem): Promise<unknown> {
      return createOnce(
        `mutation CreateMember($input: CreateConversationMemberInput!) { createConversationMember(input: $input) { ${MEMBER_FIELDS} } }`,
        createInput(item, false),
      );
    },

    async message(id: string): Promise<MessageRow | undefined> {
      const data = await graphql<{ getMessage: MessageRow | null }>(
        `query GetMessage($id: ID!) { getMessage(id: $id) { ${MESSAGE_FIELDS} } }`,
        { id },
      );
      return data.getMessage ?? undefined;
    },

    async updateMessage(update: MessageUpdate): Promise<MessageRow> {
      const data = await graphql<{ updateMessage: MessageRow }>(
        `mutation UpdateMessage($input: UpdateMessageInput!) { updateMessage(input: $input) { ${MESSAGE_FIELDS} } }`,
        { input: update },
      );
      return data.updateMessage;
    },

    async member(conversationId: string, userId: string): Promise<ConversationMemberRow | undefined> {
      const data = await graphql<{ getConversationMember: ConversationMemberRow | null }>(
        `query GetMember($conversationId: ID!, $userId: ID!) {
          getConversationMember(conversationId: $conversationId, userId: $userId) { ${MEMBER_FIELDS} } }`,
        { conversationId, userId },
      );
      return data.getConversationMember ?? undefined;
    },

    async updateMember(update: MemberUpdate): Promise<ConversationMemberRow> {
      const data = await graphql<{ updateConversationMember: ConversationMemberRow }>(
        `mutation UpdateMember($input: UpdateConversationMemberInput!) {
          updateConversationMember(input: $input) { ${MEMBER_FIELDS} } }`,
        { input: update },
      );
      return data.updateConversationMember;
    },

    createMessage(item: MessageItem): Promise<MessageRow | undefined> {
      return createOnce(
        `mutation CreateMessage($input: CreateMessageInput!) { createMessage(input: $input) { ${MESSAGE_FIELDS} } }`,
        createInput(item, true),
      );
    },
  };
}
