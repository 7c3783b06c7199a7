import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { countedMarkerId } from '../message-unread-counter/unread-plan';
import type { AppSyncClient } from '../shared/appsync-client';
import { badgeCount } from '../shared/badge';
import { MEMBER_FIELDS } from '../shared/chat-fields';
import type { ConversationMemberRow } from '../shared/chat-message';
import { config } from '../shared/config';
import { documentClient } from '../shared/dynamo';

/**
 * What message-push reads: members and profiles through AppSync with the function's IAM role
 * (query only), and the unread counter's marker in the idempotency table.
 */

const LIST_MEMBERS = `query ListConversationMembers($conversationId: ID!, $nextToken: String) {
  listConversationMembers(conversationId: $conversationId, limit: 100, nextToken: $nextToken) {
    items { ${MEMBER_FIELDS} } nextToken } }`;

const GET_PROFILE = 'query GetUserProfile($id: ID!) { getUserProfile(id: $id) { id nickname } }';

interface MemberPage {
  listConversationMembers: { items: (ConversationMemberRow | null)[]; nextToken?: string | null } | null;
}

export interface PushStore {
  /** The conversation's member rows, every page. */
  members(conversationId: string): Promise<ConversationMemberRow[]>;
  /** The sender's profile; undefined when there is none (a deleted account, a system sender). */
  senderProfile(userId: string): Promise<{ nickname?: string | null } | undefined>;
  /** Whether the unread counter has already counted the message (its marker exists). */
  isCounted(messageId: string): Promise<boolean>;
  /** The app badge as stored now: unread chats + unread notifications. */
  badge(userId: string): Promise<number>;
}

export function pushStore(options: {
  appSync: () => AppSyncClient;
  dynamo?: DynamoDBDocumentClient;
}): PushStore {
  const dynamo = options.dynamo ?? documentClient;
  return {
    async members(conversationId) {
      const members: ConversationMemberRow[] = [];
      let nextToken: string | null | undefined;
      do {
        const data = await options.appSync().graphql<MemberPage>(LIST_MEMBERS, { conversationId, nextToken });
        for (const item of data.listConversationMembers?.items ?? []) if (item) members.push(item);
        nextToken = data.listConversationMembers?.nextToken;
      } while (nextToken);
      return members;
    },

    async senderProfile(userId) {
      const data = await options
        .appSync()
        .graphql<{ getUserProfile: { nickname?: string | null } | null }>(GET_PROFILE, { id: userId });
      return data.getUserProfile ?? undefined;
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
      return (await badgeCount(userId, options.appSync())).total;
    },
  };
}
