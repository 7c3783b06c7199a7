import type { BrokerProfile } from '../../amplify/functions/broker-matching/broker-choice';
import type { matchingStore } from '../../amplify/functions/broker-matching/matching-store';
import {
  type AppSyncClient,
  AppSyncGraphQLError,
  operationNameOf,
} from '../../amplify/functions/shared/appsync-client';
import type { ConversationMemberRow, MessageRow } from '../../amplify/functions/shared/chat/chat-message';
import type { ConversationRow } from '../../amplify/functions/shared/chat/conversation';
import type { DataClient } from '../../amplify/functions/shared/data-client';
import type { NewNotification } from '../../amplify/functions/shared/notifications/notification-create';
import {
  answeredGet,
  answeredGraphql,
  answeredPage,
  type DocumentAnswers,
  type TypedOptions,
} from './typed-data';

export const NOW = new Date('2026-03-14T03:00:00.000Z');
export const BUYER = 'buyer-6b0e';
/** 서울 강남구 대치동 */
export const DAECHI = '1168010600';
/** 서울 강남구 개포동 */
export const GAEPO = '1168010300';
/** 서울 서초구 반포동 */
export const BANPO = '1165010700';

const CONDITIONAL_CHECK_FAILED = 'DynamoDB:ConditionalCheckFailedException';

export function conditionalCheckFailed(operation: string): AppSyncGraphQLError {
  return new AppSyncGraphQLError(
    operation,
    [{ errorType: CONDITIONAL_CHECK_FAILED, message: 'The conditional request failed' }],
    null,
  );
}

export function broker(id: string, overrides: Partial<BrokerProfile> = {}): BrokerProfile {
  return {
    id,
    userId: `sub-${id}`,
    name: `중개사${id}`,
    officeName: '래미안공인중개사사무소',
    regionCodes: ['11680'],
    active: true,
    ...overrides,
  };
}

export function inquiry(overrides: Partial<ConversationRow> = {}): ConversationRow {
  return {
    id: 'conv-1',
    kind: 'LISTING_INQUIRY',
    status: 'WAITING_FOR_BROKER',
    memberIds: [BUYER],
    dedupeKey: `LISTING_INQUIRY#buyer=${BUYER}#broker=#listing=LST-20001`,
    buyerId: BUYER,
    listingId: 'LST-20001',
    complexId: 'CPX-1001',
    lastMessageAt: '2026-03-14T02:00:00.000Z',
    createdAt: '2026-03-14T02:00:00.000Z',
    updatedAt: '2026-03-14T02:00:00.000Z',
    ...overrides,
  };
}

/**
 * Whether `row` meets an AppSync mutation `condition` (the operators these functions use: `and`,
 * `or`, `not`, `eq`, `ne`, `attributeExists`), as the resolver's DynamoDB condition would.
 */
export function meetsCondition(row: object, condition: unknown): boolean {
  if (!condition) return true;
  const values = row as Record<string, unknown>;
  return Object.entries(condition as Record<string, unknown>).every(([key, rule]) => {
    if (key === 'and') return (rule as unknown[]).every((part) => meetsCondition(row, part));
    if (key === 'or') return (rule as unknown[]).some((part) => meetsCondition(row, part));
    if (key === 'not') return !meetsCondition(row, rule);
    const value = values[key];
    return Object.entries(rule as Record<string, unknown>).every(([operator, expected]) => {
      if (operator === 'eq') return value === expected;
      if (operator === 'ne') return value !== expected;
      if (operator === 'attributeExists') return (value !== undefined && value !== null) === expected;
      throw new Error(`the fake does not know the condition operator ${operator}`);
    });
  });
}

type Listing = { id: string; complexId: string; complexName?: string | null; regionCode: string };
type Complex = { id: string; name: string; regionCode: string };

/**
 * AppSync as an assignment and matching use it, over in-memory rows: conditional creates and
 * updates fail as Amplify's resolvers do; lists page by `pageSize`.
 */
export class FakeChatAppSync implements AppSyncClient {
  readonly conversations = new Map<string, ConversationRow>();
  readonly members = new Map<string, ConversationMemberRow>();
  readonly messages = new Map<string, MessageRow>();
  readonly notifications = new Map<string, NewNotification>();
  readonly listings = new Map<string, Listing>();
  readonly complexes = new Map<string, Complex>();
  readonly log: { operation: string; variables: Record<string, unknown> }[] = [];
  pageSize = 100;
  /** Runs once just before the next UpdateConversation: another writer getting there first. */
  beforeUpdateConversation?: () => void;
  /** Runs just before each write of `operation`, e.g. a concurrent writer changing the row first. */
  readonly beforeWrite = new Map<string, (variables: Record<string, unknown>) => void>();
  failures = new Map<string, Error>();
  private writes = 0;

  /** What AppSync sets on every write: a new updatedAt, distinct for each write here. */
  nextUpdatedAt(): string {
    this.writes++;
    return new Date(NOW.getTime() + this.writes).toISOString();
  }

  addConversation(conversation: ConversationRow) {
    this.conversations.set(conversation.id, structuredClone(conversation));
  }

  addMember(
    conversationId: string,
    userId: string,
    role: ConversationMemberRow['role'],
    memberIds: string[],
  ) {
    this.members.set(`${conversationId}|${userId}`, {
      conversationId,
      userId,
      memberIds: [...memberIds],
      role,
      unreadCount: 0,
      lastMessageAt: '2026-03-14T02:00:00.000Z',
      updatedAt: '2026-03-14T02:00:00.000Z',
    });
  }

  addMessage(conversationId: string, index: number, memberIds: string[]) {
    const id = `msg-${conversationId}-${String(index).padStart(3, '0')}`;
    this.messages.set(id, {
      id,
      conversationId,
      createdAt: new Date(Date.parse('2026-03-14T02:00:00.000Z') + index * 1000).toISOString(),
      senderId: BUYER,
      memberIds: [...memberIds],
      kind: 'TEXT',
      body: '은마 84㎡ 아직 있나요?',
      updatedAt: '2026-03-14T02:00:00.000Z',
    });
  }

  addListing(listing: Listing) {
    this.listings.set(listing.id, listing);
  }

  addComplex(complex: Complex) {
    this.complexes.set(complex.id, complex);
  }

  calls(operation: string) {
    return this.log.filter((call) => call.operation === operation);
  }

  membersOf(conversationId: string) {
    return [...this.members.values()].filter((m) => m.conversationId === conversationId);
  }

  messagesOf(conversationId: string) {
    return [...this.messages.values()]
      .filter((m) => m.conversationId === conversationId)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  private page<T>(items: T[], nextToken: unknown) {
    const start = nextToken ? Number(nextToken) : 0;
    const end = start + this.pageSize;
    return { items: items.slice(start, end), nextToken: end < items.length ? String(end) : null };
  }

  async graphql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    return (await this.answer(operationNameOf(query), variables, query)) as T;
  }

  /**
   * The typed client over the same rows and failures: model operations answered under the names
   * the stores give them, and client.graphql for the conditional writes (their documents).
   */
  client(): DataClient {
    const answers: DocumentAnswers = (operation, variables, query) =>
      this.answer(operation, variables, query ?? '');
    const create = (operation: string) => (input: object) => answeredGet(answers, operation)({ input });
    const members = answeredPage(answers, 'ListConversationMembers');
    // Matching reads a listing's region, an assignment its complex name: told apart by what they select.
    const byPurpose = (name: string, regionName: string) => (key: { id: string }, options?: TypedOptions) =>
      answeredGet(answers, options?.selectionSet?.includes('regionCode') ? regionName : name)(key);
    return {
      models: {
        Conversation: { get: answeredGet(answers, 'GetConversation') },
        ConversationMember: {
          get: answeredGet(answers, 'GetMember'),
          create: create('CreateMember'),
          list: ({ conversationId, ...options }: { conversationId: string } & TypedOptions) =>
            members({ conversationId }, options),
        },
        Message: {
          get: answeredGet(answers, 'GetMessage'),
          create: create('CreateMessage'),
          listMessagesByConversation: answeredPage(answers, 'ListMessagesByConversation'),
        },
        Listing: { get: byPurpose('GetListing', 'GetListingRegion') },
        Complex: { get: byPurpose('GetComplex', 'GetComplexRegion') },
        Notification: { create: (input: object) => answeredGet(answers, 'CreateNotification')({ input }) },
      },
      graphql: answeredGraphql(answers, operationNameOf),
    } as unknown as DataClient;
  }

  private async answer(
    operation: string,
    variables: Record<string, unknown>,
    query: string,
  ): Promise<unknown> {
    this.log.push({ operation, variables: structuredClone(variables) });
    const failure = this.failures.get(operation);
    if (failure) throw failure;
    const input = variables.input as Record<string, unknown>;
    // A variable the document does not declare is dropped by GraphQL: the condition would be too.
    if (variables.condition !== undefined && !query.includes('$condition')) {
      throw new Error(`${operation} passes a condition its document does not declare`);
    }
    this.beforeWrite.get(operation)?.(variables);
    switch (operation) {
      case 'GetConversation':
        return {
          getConversation: structuredClone(this.conversations.get(String(variables.id)) ?? null),
        };
      case 'UpdateConversation': {
        const race = this.beforeUpdateConversation;
        this.beforeUpdateConversation = undefined;
        race?.();
        const row = this.conversations.get(String(input.id));
        if (!row || !meetsCondition(row, variables.condition)) throw conditionalCheckFailed(operation);
        const updated = { ...row, ...input, updatedAt: this.nextUpdatedAt() } as ConversationRow;
        this.conversations.set(row.id, updated);
        return { updateConversation: structuredClone(updated) };
      }
      case 'ListConversationMembers':
        return {
          listConversationMembers: this.page(
            this.membersOf(String(variables.conversationId)),
            variables.nextToken,
          ),
        };
      case 'GetMember':
        return {
          getConversationMember: structuredClone(
            this.members.get(`${variables.conversationId}|${variables.userId}`) ?? null,
          ),
        };
      case 'CreateMember': {
        const key = `${input.conversationId}|${input.userId}`;
        if (this.members.has(key)) throw conditionalCheckFailed(operation);
        const row = { ...structuredClone(input), updatedAt: this.nextUpdatedAt() };
        this.members.set(key, row as unknown as ConversationMemberRow);
        return { createConversationMember: structuredClone(row) };
      }
      case 'UpdateMember': {
        const key = `${input.conversationId}|${input.userId}`;
        const row = this.members.get(key);
        if (!row || !meetsCondition(row, variables.condition)) throw conditionalCheckFailed(operation);
        this.members.set(key, { ...row, ...structuredClone(input), updatedAt: this.nextUpdatedAt() });
        return { updateConversationMember: structuredClone(this.members.get(key)) };
      }
      case 'ListMessagesByConversation':
        return {
          listMessagesByConversation: this.page(
            this.messagesOf(String(variables.conversationId)).map(({ id, memberIds, updatedAt }) => ({
              id,
              memberIds,
              updatedAt,
            })),
            variables.nextToken,
          ),
        };
      case 'GetMessage': {
        const row = this.messages.get(String(variables.id));
        return {
          getMessage: row ? { id: row.id, memberIds: [...row.memberIds], updatedAt: row.updatedAt } : null,
        };
      }
      case 'UpdateMessage': {
        const row = this.messages.get(String(input.id));
        if (!row || !meetsCondition(row, variables.condition)) throw conditionalCheckFailed(operation);
        this.messages.set(row.id, { ...row, ...structuredClone(input), updatedAt: this.nextUpdatedAt() });
        return { updateMessage: structuredClone(this.messages.get(row.id)) };
      }
      case 'CreateMessage': {
        if (this.messages.has(String(input.id))) throw conditionalCheckFailed(operation);
        const row = { ...structuredClone(input), updatedAt: this.nextUpdatedAt() };
        this.messages.set(String(input.id), row as unknown as MessageRow);
        return { createMessage: structuredClone(row) };
      }
      case 'CreateNotification': {
        if (this.notifications.has(String(input.id))) throw conditionalCheckFailed(operation);
        this.notifications.set(String(input.id), structuredClone(input) as unknown as NewNotification);
        return { createNotification: structuredClone(input) };
      }
      case 'GetListing':
      case 'GetListingRegion':
        return { getListing: structuredClone(this.listings.get(String(variables.id)) ?? null) };
      case 'GetComplex':
      case 'GetComplexRegion':
        return { getComplex: structuredClone(this.complexes.get(String(variables.id)) ?? null) };
      default:
        throw new Error(`unexpected operation ${operation}`);
    }
  }
}

/** BrokerProfile rows and conversation counts as matching-store reads them, over the fake AppSync rows. */
export class FakeMatchingStore implements ReturnType<typeof matchingStore> {
  brokerRows: BrokerProfile[] = [];
  /** OPEN conversations a broker has that the fake AppSync does not hold. */
  readonly otherLoad = new Map<string, number>();
  readonly recorded: { brokerId: string; at: string; openConversations: number }[] = [];
  scans = 0;
  waitingPageSize = 100;

  constructor(private readonly appSync: FakeChatAppSync) {}

  async brokers() {
    this.scans++;
    return structuredClone(this.brokerRows);
  }

  async openConversations(brokerId: string) {
    const held = [...this.appSync.conversations.values()].filter(
      (c) => c.brokerId === brokerId && c.status === 'OPEN',
    ).length;
    return held + (this.otherLoad.get(brokerId) ?? 0);
  }

  async *waitingConversations(): AsyncGenerator<ConversationRow[]> {
    const waiting = [...this.appSync.conversations.values()].filter(
      (c) => c.status === 'WAITING_FOR_BROKER' && c.kind === 'LISTING_INQUIRY',
    );
    for (let start = 0; start < waiting.length; start += this.waitingPageSize) {
      yield structuredClone(waiting.slice(start, start + this.waitingPageSize));
    }
  }

  async recordAssignment(brokerId: string, at: Date, openConversations: number) {
    this.recorded.push({ brokerId, at: at.toISOString(), openConversations });
  }
}
