import { type AppSyncClient, isConditionalCheckFailure } from '../shared/appsync-client';
import {
  DELETE_MEMBER,
  GET_CONVERSATION,
  UPDATE_CONVERSATION,
  UPDATE_MEMBER,
  UPDATE_MESSAGE,
} from '../shared/chat/chat-documents';
import { listConversationMembers } from '../shared/chat/chat-members';
import type {
  ConversationDeparture,
  ConversationState,
  MemberDeparture,
  MemberState,
  MessageDeparture,
  MessageState,
} from './member-departure';

/**
 * A departure's chat writes, through AppSync so the members still in the conversation see them
 * live; every mutation selects the row's fields for their subscriptions. Updates are conditional
 * on the row being as read (its `updatedAt`, shared/optimistic-update.ts) and answer false when it
 * changed or went; the cascade then reads the row again. A member row already deleted needs no
 * delete: that counts as done.
 */

export interface ChatWrites {
  conversation(id: string): Promise<ConversationState | undefined>;
  updateConversation(update: ConversationDeparture, condition: object): Promise<boolean>;
  members(conversationId: string): Promise<MemberState[]>;
  member(conversationId: string, userId: string): Promise<MemberState | undefined>;
  updateMember(update: MemberDeparture, condition: object): Promise<boolean>;
  message(id: string): Promise<MessageState | undefined>;
  updateMessage(update: MessageDeparture, condition: object): Promise<boolean>;
  deleteMember(conversationId: string, userId: string): Promise<void>;
}

const MEMBER_STATE = 'conversationId userId memberIds updatedAt';
export const GET_MEMBER_STATE = `query GetMemberState($conversationId: ID!, $userId: ID!) {
  getConversationMember(conversationId: $conversationId, userId: $userId) { ${MEMBER_STATE} } }`;
export const GET_MESSAGE_STATE = `query GetMessageState($id: ID!) {
  getMessage(id: $id) { id senderId memberIds updatedAt } }`;

export function chatWrites(appSync: () => AppSyncClient): ChatWrites {
  /** false when the condition failed: the row changed or is gone. */
  async function updateIf(query: string, input: object, condition: object): Promise<boolean> {
    try {
      await appSync().graphql(query, { input, condition });
      return true;
    } catch (error) {
      if (isConditionalCheckFailure(error)) return false;
      throw error;
    }
  }

  return {
    async conversation(id) {
      const data = await appSync().graphql<{ getConversation: ConversationState | null }>(GET_CONVERSATION, {
        id,
      });
      return data.getConversation ?? undefined;
    },
    updateConversation: (update, condition) => updateIf(UPDATE_CONVERSATION, update, condition),
    members: (conversationId) =>
      listConversationMembers<MemberState>(appSync(), conversationId, MEMBER_STATE),
    async member(conversationId, userId) {
      const data = await appSync().graphql<{ getConversationMember: MemberState | null }>(GET_MEMBER_STATE, {
        conversationId,
        userId,
      });
      return data.getConversationMember ?? undefined;
    },
    updateMember: (update, condition) => updateIf(UPDATE_MEMBER, update, condition),
    async message(id) {
      const data = await appSync().graphql<{ getMessage: MessageState | null }>(GET_MESSAGE_STATE, { id });
      return data.getMessage ?? undefined;
    },
    updateMessage: (update, condition) => updateIf(UPDATE_MESSAGE, update, condition),
    async deleteMember(conversationId, userId) {
      try {
        await appSync().graphql(DELETE_MEMBER, { input: { conversationId, userId } });
      } catch (error) {
        if (!isConditionalCheckFailure(error)) throw error;
      }
    },
  };
}
