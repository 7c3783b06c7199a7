import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { ConversationMemberRow, MessageRow } from '../shared/chat/chat-message';
import { countedMarkerId } from '../shared/chat/unread';
import { config } from '../shared/config';
import { allPages, type DataClient, dataOf } from '../shared/data-client';
import { documentClient } from '../shared/dynamo';
import { badgeCount } from '../shared/push/badge';

/**
 * What message-push reads: members and profiles through AppSync with the function's IAM role
 * (query only), the message and the unread counter's marker from their tables.
 */

export interface PushStore {
  /** The Message row as stored now; undefined when there is none. */
  message(id: string): Promise<MessageRow | undefined>;
  /** The conversation's member rows, every page. */
  members(conversationId: string): Promise<ConversationMemberRow[]>;
  /** The sender's profile; undefined when there is none (a deleted account, a system sender). */
  senderProfile(userId: string): Promise<{ nickname?: string | null } | undefined>;
  /** Whether the unread counter has already counted the message (its marker exists). */
  isCounted(messageId: string): Promise<boolean>;
  /** The app badge as stored now: unread chats + unread notifications. */
  badge(userId: string): Promise<number>;
}

/** Every field of ConversationMemberRow: the plan reads mutes, presence and how far each member read. */
const RECIPIENT_FIELDS = [
  'conversationId',
  'userId',
  'memberIds',
  'role',
  'unreadCount',
  'lastReadAt',
  'lastReadMessageId',
  'muted',
  'mutedUntil',
  'viewingUntil',
  'lastMessageAt',
  'lastMessagePreview',
  'updatedAt',
] as const;

export function pushStore(options: {
  data: () => Promise<DataClient>;
  dynamo?: DynamoDBDocumentClient;
}): PushStore {
  const dynamo = options.dynamo ?? documentClient;
  return {
    async message(id) {
      const result = await dynamo.send(
        new GetCommand({
          TableName: config.messageTableName(),
          Key: { id },
          // AppSync's getMessage reads eventually consistent; the message was written a moment ago.
          ConsistentRead: true,
        }),
      );
      return result.Item as MessageRow | undefined;
    },

    async members(conversationId) {
      const { models } = await options.data();
      return allPages('ListConversationMembers', (nextToken) =>
        models.ConversationMember.list({
          conversationId,
          limit: 100,
          nextToken,
          selectionSet: RECIPIENT_FIELDS,
        }),
      );
    },

    async senderProfile(userId) {
      const { models } = await options.data();
      const profile = await dataOf(
        'GetUserProfile',
        models.UserProfile.get({ id: userId }, { selectionSet: ['id', 'nickname'] }),
      );
      return profile ?? undefined;
    },

    async isCounted(messageId) {
      const result = await dynamo.send(
        new GetCommand({
          TableName: config.idempotencyTableName(),
          Key: { id: countedMarkerId(messageId) },
          ProjectionExpression: 'id',
          // The counter's transaction may have committed a moment ago.
          ConsistentRead: true,
        }),
      );
      return result.Item !== undefined;
    },

    async badge(userId) {
      return (await badgeCount(userId, await options.data())).total;
    },
  };
}
