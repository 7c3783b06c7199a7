import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { unlessConditionFailed } from '../shared/appsync-client';
import { CONVERSATION_FIELDS, MEMBER_FIELDS } from '../shared/chat/chat-fields';
import { config } from '../shared/config';
import { allPages, type DataClient, dataOf, graphqlOf } from '../shared/data-client';
import { documentClient } from '../shared/dynamo';
import { claimOnceWrite } from '../shared/idempotency';
import type { UnreadPlan } from './unread-plan';

/**
 * What the unread counter reads and writes: members through AppSync, the counting transaction
 * straight on DynamoDB (AppSync has no atomic multi-row write), and then the previews and touches
 * through AppSync so that subscribers receive the rows.
 */

// Every mutation selects all fields: AppSync sends subscribers only what the mutation selected.
// The previews are documents: the typed client's update takes no condition, and a preview must
// never replace a newer message's.
export const UPDATE_CONVERSATION_PREVIEW = `mutation UpdateConversationPreview(
  $input: UpdateConversationInput!, $condition: ModelConversationConditionInput) {
  updateConversation(input: $input, condition: $condition) { ${CONVERSATION_FIELDS} } }`;

export const UPDATE_MEMBER_PREVIEW = `mutation UpdateMemberPreview(
  $input: UpdateConversationMemberInput!, $condition: ModelConversationMemberConditionInput) {
  updateConversationMember(input: $input, condition: $condition) { ${MEMBER_FIELDS} } }`;

export type CountingOutcome =
  /** The marker and every increment were written. */
  | 'counted'
  /** The marker exists: an earlier attempt counted this message. */
  | 'already-counted'
  /** A member row is gone: nothing was written. */
  | 'member-left'
  /** Another transaction held one of the rows: nothing was written. */
  | 'conflict';

export interface ShownMessage {
  lastMessageAt: string;
  lastMessagePreview: string;
}

export interface MemberKey {
  conversationId: string;
  userId: string;
}

export interface MemberReadPosition {
  userId: string;
  lastReadAt?: string | null;
}

export interface UnreadStore {
  /** The conversation's member rows (who, and how far each has read), every page. */
  members(conversationId: string): Promise<MemberReadPosition[]>;
  /** The marker and the increments in one transaction. */
  count(counting: NonNullable<UnreadPlan['counting']>): Promise<CountingOutcome>;
  /** False when a newer message is shown already or the row is gone. */
  showOnConversation(conversationId: string, shown: ShownMessage): Promise<boolean>;
  /** False when a newer message is shown already or the row is gone. */
  showOnMember(key: MemberKey, shown: ShownMessage): Promise<boolean>;
  /** Rewrites nothing but updatedAt, so subscribers get the row; false when the row is gone. */
  touchMember(key: MemberKey): Promise<boolean>;
}

/** The plan's condition, `lastMessageAt` absent or older, as an Amplify model condition. */
const olderThan = (createdAt: string) => ({
  or: [{ lastMessageAt: { attributeExists: false } }, { lastMessageAt: { lt: createdAt } }],
});

function cancellationCodes(error: unknown): (string | undefined)[] | undefined {
  const cancelled =
    error instanceof TransactionCanceledException ||
    (error as Error)?.name === 'TransactionCanceledException';
  if (!cancelled) return undefined;
  return ((error as TransactionCanceledException).CancellationReasons ?? []).map((reason) => reason.Code);
}

/** false when the write's condition failed. */
async function applied(write: Promise<unknown>): Promise<boolean> {
  return (await unlessConditionFailed(write)) !== undefined;
}

export function unreadStore(options: {
  data: () => Promise<DataClient>;
  dynamo?: DynamoDBDocumentClient;
}): UnreadStore {
  const dynamo = options.dynamo ?? documentClient;
  const graphql = async (operation: string, query: string, variables: Record<string, unknown>) =>
    graphqlOf(await options.data(), operation, query, variables);

  return {
    async members(conversationId) {
      const { models } = await options.data();
      return allPages('ListConversationMembers', (nextToken) =>
        models.ConversationMember.list({
          conversationId,
          limit: 100,
          nextToken,
          selectionSet: ['userId', 'lastReadAt'],
        }),
      );
    },

    async count({ marker, increments }) {
      const membersTable = config.conversationMemberTableName();
      const updates = increments.map((update) => {
        if (update.model !== 'ConversationMember') {
          throw new Error(`The unread counter increments ConversationMember rows only, not ${update.model}`);
        }
        return {
          Update: {
            TableName: membersTable,
            Key: update.key,
            UpdateExpression: update.updateExpression,
            ConditionExpression: update.conditionExpression,
            ExpressionAttributeNames: update.expressionAttributeNames,
            ExpressionAttributeValues: update.expressionAttributeValues,
          },
        };
      });
      try {
        await dynamo.send(
          new TransactWriteCommand({
            TransactItems: [
              // First, so that CancellationReasons[0] tells whether the message was counted before.
              claimOnceWrite(config.idempotencyTableName(), marker),
              ...updates,
            ],
          }),
        );
        return 'counted';
      } catch (error) {
        const codes = cancellationCodes(error);
        if (!codes) throw error;
        if (codes[0] === 'ConditionalCheckFailed') return 'already-counted';
        if (codes.slice(1).includes('ConditionalCheckFailed')) return 'member-left';
        if (codes.includes('TransactionConflict')) return 'conflict';
        throw error;
      }
    },

    showOnConversation(conversationId, shown) {
      return applied(
        graphql('UpdateConversationPreview', UPDATE_CONVERSATION_PREVIEW, {
          input: { id: conversationId, ...shown },
          condition: olderThan(shown.lastMessageAt),
        }),
      );
    },

    showOnMember(key, shown) {
      return applied(
        graphql('UpdateMemberPreview', UPDATE_MEMBER_PREVIEW, {
          input: { ...key, ...shown },
          condition: olderThan(shown.lastMessageAt),
        }),
      );
    },

    async touchMember(key) {
      const { models } = await options.data();
      // Amplify's update resolver requires the row to exist and sets updatedAt. No selection set:
      // the typed client selects every field, so subscribers receive the whole row.
      return applied(
        dataOf(
          'TouchMember',
          models.ConversationMember.update({ conversationId: key.conversationId, userId: key.userId }),
        ),
      );
    },
  };
}
