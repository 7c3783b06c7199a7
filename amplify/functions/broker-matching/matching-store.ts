import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandInput,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { ConversationRow } from '../shared/chat/conversation';
import { config } from '../shared/config';
import { type DataClient, dataOf } from '../shared/data-client';
import { documentClient } from '../shared/dynamo';
import { logger } from '../shared/logger';
import { type BrokerProfile, isRegionCode } from './broker-choice';

/**
 * What matching reads and writes besides the assignment itself: BrokerProfile rows and broker
 * loads straight from DynamoDB (no subscriber watches them), listing regions through AppSync.
 */

export const matchingTables = {
  conversations: config.conversationTableName,
  brokerProfiles: config.brokerProfileTableName,
};

export const CONVERSATIONS_BY_BROKER_ID = 'conversationsByBrokerId';
export const CONVERSATIONS_BY_STATUS = 'conversationsByStatus';
/** Rows per page of the waiting-inquiry query. */
export const WAITING_PAGE_SIZE = 100;

export interface MatchingStoreOptions {
  client?: DynamoDBDocumentClient;
  conversationTable?: () => string;
  brokerProfileTable?: () => string;
}

export function matchingStore(options: MatchingStoreOptions = {}) {
  const client = options.client ?? documentClient;
  const conversations = options.conversationTable ?? matchingTables.conversations;
  const brokerProfiles = options.brokerProfileTable ?? matchingTables.brokerProfiles;

  return {
    /** The whole BrokerProfile table (hundreds of rows), filtered in code by the caller. */
    async brokers(): Promise<BrokerProfile[]> {
      const rows: BrokerProfile[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await client.send(
          new ScanCommand({ TableName: brokerProfiles(), ExclusiveStartKey: start }),
        );
        rows.push(...((page.Items ?? []) as BrokerProfile[]));
        start = page.LastEvaluatedKey;
      } while (start);
      return rows;
    },

    /** OPEN conversations whose brokerId is the broker: a count, paged (the filter applies per page). */
    async openConversations(brokerId: string): Promise<number> {
      let count = 0;
      let start: Record<string, unknown> | undefined;
      do {
        const page = await client.send(
          new QueryCommand({
            TableName: conversations(),
            IndexName: CONVERSATIONS_BY_BROKER_ID,
            KeyConditionExpression: '#brokerId = :brokerId',
            FilterExpression: '#status = :open',
            ExpressionAttributeNames: { '#brokerId': 'brokerId', '#status': 'status' },
            ExpressionAttributeValues: { ':brokerId': brokerId, ':open': 'OPEN' },
            Select: 'COUNT',
            ExclusiveStartKey: start,
          }),
        );
        count += page.Count ?? 0;
        start = page.LastEvaluatedKey;
      } while (start);
      return count;
    },

    /** LISTING_INQUIRY conversations in WAITING_FOR_BROKER, a page at a time. */
    async *waitingConversations(): AsyncGenerator<ConversationRow[]> {
      let start: QueryCommandInput['ExclusiveStartKey'];
      do {
        const page = await client.send(
          new QueryCommand({
            TableName: conversations(),
            IndexName: CONVERSATIONS_BY_STATUS,
            KeyConditionExpression: '#status = :waiting',
            FilterExpression: '#kind = :inquiry',
            ExpressionAttributeNames: { '#status': 'status', '#kind': 'kind' },
            ExpressionAttributeValues: { ':waiting': 'WAITING_FOR_BROKER', ':inquiry': 'LISTING_INQUIRY' },
            Limit: WAITING_PAGE_SIZE,
            ExclusiveStartKey: start,
          }),
        );
        yield (page.Items ?? []) as ConversationRow[];
        start = page.LastEvaluatedKey;
      } while (start);
    },

    /** Never creates a row: a broker data-sync removed meanwhile stays removed. */
    async recordAssignment(brokerId: string, at: Date, openConversations: number): Promise<void> {
      try {
        await client.send(
          new UpdateCommand({
            TableName: brokerProfiles(),
            Key: { id: brokerId },
            UpdateExpression: 'SET #lastAssignedAt = :at, #open = :open, #updatedAt = :at',
            ConditionExpression: 'attribute_exists(#id)',
            ExpressionAttributeNames: {
              '#id': 'id',
              '#lastAssignedAt': 'lastAssignedAt',
              '#open': 'openConversations',
              '#updatedAt': 'updatedAt',
            },
            ExpressionAttributeValues: { ':at': at.toISOString(), ':open': openConversations },
          }),
        );
      } catch (error) {
        if (
          error instanceof ConditionalCheckFailedException ||
          (error as Error).name === 'ConditionalCheckFailedException'
        ) {
          logger.warn('Assigned broker has no BrokerProfile row any more', { brokerId });
          return;
        }
        throw error;
      }
    },
  };
}

/**
 * The inquiry's region: its Listing row's regionCode, else its Complex row's (the conversation's
 * complexId, or the listing's). Memoized per listing and complex, for one invocation.
 */
export function regionLookup(data: () => Promise<DataClient>) {
  type ListingRegion = { regionCode?: string | null; complexId?: string | null };
  const listings = new Map<string, Promise<ListingRegion | null>>();
  const complexes = new Map<string, Promise<string | undefined>>();

  const readListing = async (id: string): Promise<ListingRegion | null> => {
    const { models } = await data();
    const row = await dataOf(
      'GetListingRegion',
      models.Listing.get({ id }, { selectionSet: ['id', 'regionCode', 'complexId'] }),
    );
    return row ? { regionCode: row.regionCode, complexId: row.complexId } : null;
  };
  const readComplexRegion = async (id: string): Promise<string | undefined> => {
    const { models } = await data();
    const row = await dataOf(
      'GetComplexRegion',
      models.Complex.get({ id }, { selectionSet: ['id', 'regionCode'] }),
    );
    return isRegionCode(row?.regionCode) ? row.regionCode : undefined;
  };

  const listing = (id: string) => {
    let found = listings.get(id);
    if (!found) {
      found = readListing(id);
      found.catch(() => listings.delete(id));
      listings.set(id, found);
    }
    return found;
  };
  const complexRegion = (id: string) => {
    let found = complexes.get(id);
    if (!found) {
      found = readComplexRegion(id);
      found.catch(() => complexes.delete(id));
      complexes.set(id, found);
    }
    return found;
  };

  return async (
    conversation: Pick<ConversationRow, 'listingId' | 'complexId'>,
  ): Promise<string | undefined> => {
    const row = conversation.listingId ? await listing(conversation.listingId) : null;
    if (isRegionCode(row?.regionCode)) return row.regionCode;
    const complexId = conversation.complexId ?? row?.complexId;
    return complexId ? complexRegion(complexId) : undefined;
  };
}
