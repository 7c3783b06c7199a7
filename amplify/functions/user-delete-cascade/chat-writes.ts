import { unlessConditionFailed } from '../shared/appsync-client';
import { UPDATE_CONVERSATION, UPDATE_MEMBER, UPDATE_MESSAGE } from '../shared/chat/chat-documents';
import { allPages, type DataClient, dataOf, graphqlOf } from '../shared/data-client';
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

const CONVERSATION_STATE = ['id', 'status', 'memberIds', 'buyerId', 'dedupeKey', 'updatedAt'] as const;
const MEMBER_STATE = ['conversationId', 'userId', 'memberIds', 'updatedAt'] as const;
const MESSAGE_STATE = ['id', 'senderId', 'memberIds', 'updatedAt'] as const;

export function chatWrites(data: () => Promise<DataClient>): ChatWrites {
  /**
   * The typed client's updates take no condition: the documents (shared/chat/chat-documents.ts)
   * do. False when the condition failed: the row changed or is gone.
   */
  async function updateIf(operation: string, query: string, input: object, condition: object) {
    const written = await unlessConditionFailed(
      graphqlOf(await data(), operation, query, { input, condition }),
    );
    return written !== undefined;
  }

  return {
    async conversation(id) {
      const { models } = await data();
      const row = await dataOf(
        'GetConversation',
        models.Conversation.get({ id }, { selectionSet: CONVERSATION_STATE }),
      );
      return row ?? undefined;
    },
    updateConversation: (update, condition) =>
      updateIf('UpdateConversation', UPDATE_CONVERSATION, update, condition),
    async members(conversationId) {
      const { models } = await data();
      return allPages('ListConversationMembers', (nextToken) =>
        models.ConversationMember.list({ conversationId, limit: 100, nextToken, selectionSet: MEMBER_STATE }),
      );
    },
    async member(conversationId, userId) {
      const { models } = await data();
      const row = await dataOf(
        'GetMemberState',
        models.ConversationMember.get({ conversationId, userId }, { selectionSet: MEMBER_STATE }),
      );
      return row ?? undefined;
    },
    updateMember: (update, condition) => updateIf('UpdateMember', UPDATE_MEMBER, update, condition),
    async message(id) {
      const { models } = await data();
      const row = await dataOf(
        'GetMessageState',
        models.Message.get({ id }, { selectionSet: MESSAGE_STATE }),
      );
      return row ?? undefined;
    },
    updateMessage: (update, condition) => updateIf('UpdateMessage', UPDATE_MESSAGE, update, condition),
    async deleteMember(conversationId, userId) {
      const { models } = await data();
      // No selection set: the typed client selects every field, which the members' subscriptions receive.
      await unlessConditionFailed(
        dataOf('DeleteConversationMember', models.ConversationMember.delete({ conversationId, userId })),
      );
    },
  };
}
