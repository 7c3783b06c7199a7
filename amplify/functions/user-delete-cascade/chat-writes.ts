import { type AppSyncClient, isConditionalCheckFailure } from '../shared/appsync-client';
import {
  DELETE_MEMBER,
  GET_CONVERSATION,
  UPDATE_CONVERSATION,
  UPDATE_MEMBER,
  UPDATE_MESSAGE,
} from '../shared/chat-documents';
import { listConversationMembers } from '../shared/chat-members';
import type {
  ConversationDeparture,
  ConversationState,
  MemberDeparture,
  MemberState,
  MessageDeparture,
} from './member-departure';

/**
 * A departure's chat writes, through AppSync so the members still in the conversation see them
 * live; every mutation selects the row's fields for their subscriptions. A row that is gone
 * (AppSync's conditional check on update and delete) needs no change: the write counts as done.
 */

export interface ChatWrites {
  conversation(id: string): Promise<ConversationState | undefined>;
  updateConversation(update: ConversationDeparture): Promise<void>;
  members(conversationId: string): Promise<MemberState[]>;
  updateMember(update: MemberDeparture): Promise<void>;
  updateMessage(update: MessageDeparture): Promise<void>;
  deleteMember(conversationId: string, userId: string): Promise<void>;
}

export function chatWrites(appSync: () => AppSyncClient): ChatWrites {
  async function unlessGone(query: string, input: object): Promise<void> {
    try {
      await appSync().graphql(query, { input });
    } catch (error) {
      if (!isConditionalCheckFailure(error)) throw error;
    }
  }

  return {
    async conversation(id) {
      const data = await appSync().graphql<{ getConversation: ConversationState | null }>(GET_CONVERSATION, {
        id,
      });
      return data.getConversation ?? undefined;
    },
    updateConversation: (update) => unlessGone(UPDATE_CONVERSATION, update),
    members: (conversationId) =>
      listConversationMembers<MemberState>(appSync(), conversationId, 'conversationId userId memberIds'),
    updateMember: (update) => unlessGone(UPDATE_MEMBER, update),
    updateMessage: (update) => unlessGone(UPDATE_MESSAGE, update),
    deleteMember: (conversationId, userId) => unlessGone(DELETE_MEMBER, { conversationId, userId }),
  };
}
