import {
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminUserGlobalSignOutCommand,
  CognitoIdentityProviderClient,
  ListUsersCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { PublishCommand, type PublishCommandInput, SNSClient } from '@aws-sdk/client-sns';
import {
  BatchWriteCommand,
  type BatchWriteCommandInput,
  DeleteCommand,
  type DeleteCommandInput,
  DynamoDBDocumentClient,
  GetCommand,
  type GetCommandInput,
  PutCommand,
  type PutCommandInput,
  QueryCommand,
  type QueryCommandInput,
  ScanCommand,
  type ScanCommandInput,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { expect } from 'vitest';
import { AppSyncGraphQLError, operationNameOf } from '../../../amplify/functions/shared/appsync-client';
import type { MessageRow } from '../../../amplify/functions/shared/chat/chat-message';
import { postSystemMessage } from '../../../amplify/functions/shared/chat/system-message';
import type { DataClient } from '../../../amplify/functions/shared/data-client';
import { publishEvent } from '../../../amplify/functions/shared/events';
import type { Deadline } from '../../../amplify/functions/shared/paged-work';
import type { CascadeDeps } from '../../../amplify/functions/user-delete-cascade/cascade';
import { chatWrites } from '../../../amplify/functions/user-delete-cascade/chat-writes';
import { cognitoAccounts } from '../../../amplify/functions/user-delete-cascade/cognito-accounts';
import { deletionJobStore } from '../../../amplify/functions/user-delete-cascade/deletion-job-store';
import type { MessageBodyPolicy } from '../../../amplify/functions/user-delete-cascade/deletion-settings';
import { userDataStore } from '../../../amplify/functions/user-delete-cascade/user-data-store';
import { meetsCondition } from '../../support/matching-fixtures';
import {
  answeredGet,
  answeredGraphql,
  answeredList,
  answeredWrite,
  type DocumentAnswers,
  type TypedOptions,
} from '../../support/typed-data';

export const NOW = new Date('2026-04-01T09:00:00.000Z');
export const LEAVER = '6b0e2c4a-1f3d-4e5b-9a7c-8d9e0f1a2b3c';
/** The pool's username for LEAVER: a phone number, which must never reach a log. */
export const LEAVER_USERNAME = '+821012345678';
export const BROKER = '9d1c7e2a-3b4f-4c5d-8e6f-7a8b9c0d1e2f';
export const STAFF = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
export const OTHER = 'f0e1d2c3-b4a5-4968-8776-655443322110';
export const USER_POOL_ID = 'ap-northeast-2_UNITTEST';
export const TOPIC_ARN = 'arn:aws:sns:ap-northeast-2:123456789012:sandbox-user-events';

export const TABLES = {
  idempotency: 'sandbox-idempotency',
  userProfile: 'UserProfile-unit-NONE',
  device: 'Device-unit-NONE',
  alertSubscription: 'AlertSubscription-unit-NONE',
  notification: 'Notification-unit-NONE',
  brokerProfile: 'BrokerProfile-unit-NONE',
  conversation: 'Conversation-unit-NONE',
  conversationMember: 'ConversationMember-unit-NONE',
  message: 'Message-unit-NONE',
} as const;

type Item = Record<string, unknown>;
interface IndexSpec {
  partition: string;
  sort?: string;
}
interface TableSpec {
  key: string[];
  indexes: Record<string, IndexSpec>;
}

const SPECS: Record<string, TableSpec> = {
  [TABLES.idempotency]: { key: ['id'], indexes: {} },
  [TABLES.userProfile]: { key: ['id'], indexes: {} },
  [TABLES.device]: { key: ['id'], indexes: { devicesByUserId: { partition: 'userId' } } },
  [TABLES.alertSubscription]: {
    key: ['id'],
    indexes: { alertSubscriptionsByUserId: { partition: 'userId' } },
  },
  [TABLES.notification]: {
    key: ['id'],
    indexes: { notificationsByUserIdAndCreatedAt: { partition: 'userId', sort: 'createdAt' } },
  },
  [TABLES.brokerProfile]: { key: ['id'], indexes: {} },
  [TABLES.conversation]: { key: ['id'], indexes: {} },
  [TABLES.conversationMember]: {
    key: ['conversationId', 'userId'],
    indexes: { conversationMembersByUserIdAndLastMessageAt: { partition: 'userId', sort: 'lastMessageAt' } },
  },
  [TABLES.message]: {
    key: ['id'],
    indexes: { messagesByConversationIdAndCreatedAt: { partition: 'conversationId', sort: 'createdAt' } },
  },
};

const ddb = mockClient(DynamoDBDocumentClient);
const cognitoClient = mockClient(CognitoIdentityProviderClient);
const sns = mockClient(SNSClient);

const conditionFailed = () =>
  Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' });
const userNotFound = () =>
  Object.assign(new Error('User does not exist.'), { name: 'UserNotFoundException' });
const appSyncConditionFailed = (operation: string) =>
  new AppSyncGraphQLError(
    operation,
    [{ errorType: 'DynamoDB:ConditionalCheckFailedException', message: 'The conditional request failed' }],
    null,
  );

export interface CognitoUserState {
  username: string;
  sub: string;
  enabled: boolean;
  signedOut: boolean;
}

/** A DynamoDB command the fake answered, with its input. */
export interface DynamoCall {
  command: string;
  input: Item;
}

/**
 * Every table the deletion touches, DynamoDB and AppSync over the same rows (AppSync writes land
 * in the tables the function queries directly), Cognito's users and the SNS topic. It answers
 * the expression forms the function uses and fails a test on any other.
 */
export class FakeWorld {
  readonly tables = new Map<string, Map<string, Item>>();
  readonly dynamoCalls: DynamoCall[] = [];
  /** Documents with their query, the typed client's model operations with '' and their options. */
  readonly appSyncCalls: {
    operation: string;
    query: string;
    variables: Record<string, unknown>;
    options?: TypedOptions;
  }[] = [];
  readonly cognitoCalls: { command: string; input: Item }[] = [];
  readonly users = new Map<string, CognitoUserState>();
  readonly published: PublishCommandInput[] = [];
  /** Throws instead of answering when it returns an error (a fault injected by a test). */
  dynamoFault: ((command: string, input: Item) => Error | undefined) | undefined;
  appSyncFault: ((operation: string, variables: Record<string, unknown>) => Error | undefined) | undefined;
  /** Runs after a Query answered, e.g. a device registered again by someone else meanwhile. */
  afterQuery: ((input: QueryCommandInput) => void) | undefined;
  /** Runs just before an AppSync write, e.g. a broker assignment changing the row first. */
  beforeAppSyncWrite: ((operation: string, input: Item) => void) | undefined;
  private appSyncWrites = 0;
  memberPageSize = 100;

  private readonly answer: DocumentAnswers = async (operation, variables, query = '') => {
    this.appSyncCalls.push({ operation, query, variables: structuredClone(variables) });
    const fault = this.appSyncFault?.(operation, variables);
    if (fault) throw fault;
    // A variable the document does not declare is dropped by GraphQL: the condition would be too.
    if (variables.condition !== undefined && !query.includes('$condition')) {
      throw new Error(`${operation} passes a condition its document does not declare`);
    }
    return this.answerGraphql(operation, variables);
  };

  /** A model operation, its options kept on its call: answer() logs the call before its first await. */
  private recorded<A>(run: (args: A) => Promise<unknown>) {
    return (args: A, options: TypedOptions = {}) => {
      const result = run(args);
      this.appSyncCalls.at(-1)!.options = options;
      return result;
    };
  }

  /** The typed data client over the same rows: model reads and deletes, and documents for the conditional updates. */
  readonly data = {
    models: {
      Conversation: { get: this.recorded(answeredGet(this.answer, 'GetConversation')) },
      ConversationMember: {
        get: this.recorded(answeredGet(this.answer, 'GetMemberState')),
        list: this.recorded(answeredList(this.answer, 'ListConversationMembers')),
        delete: this.recorded(answeredWrite(this.answer, 'DeleteConversationMember')),
      },
      Message: { get: this.recorded(answeredGet(this.answer, 'GetMessageState')) },
    },
    graphql: answeredGraphql(this.answer, operationNameOf),
  } as unknown as DataClient;

  constructor() {
    for (const table of Object.values(TABLES)) this.tables.set(table, new Map());
    this.install();
  }

  install() {
    ddb.reset();
    cognitoClient.reset();
    sns.reset();
    ddb
      .on(GetCommand)
      .callsFake((input: GetCommandInput) => this.dynamo('Get', input, () => this.get(input)));
    ddb
      .on(PutCommand)
      .callsFake((input: PutCommandInput) => this.dynamo('Put', input, () => this.put(input)));
    ddb
      .on(DeleteCommand)
      .callsFake((input: DeleteCommandInput) => this.dynamo('Delete', input, () => this.delete(input)));
    ddb
      .on(QueryCommand)
      .callsFake((input: QueryCommandInput) => this.dynamo('Query', input, () => this.query(input)));
    ddb
      .on(ScanCommand)
      .callsFake((input: ScanCommandInput) => this.dynamo('Scan', input, () => this.scan(input)));
    ddb
      .on(UpdateCommand)
      .callsFake((input: UpdateCommandInput) => this.dynamo('Update', input, () => this.update(input)));
    ddb
      .on(BatchWriteCommand)
      .callsFake((input: BatchWriteCommandInput) =>
        this.dynamo('BatchWrite', input, () => this.batchWrite(input)),
      );
    cognitoClient.on(ListUsersCommand).callsFake((input) => {
      this.cognitoCalls.push({ command: 'ListUsers', input });
      const match = /^sub = "(.*)"$/.exec(String(input.Filter));
      expect(match, `unexpected filter ${input.Filter}`).not.toBeNull();
      const users = [...this.users.values()].filter((user) => user.sub === match![1]);
      return { Users: users.slice(0, input.Limit).map((user) => ({ Username: user.username })) };
    });
    const admin =
      (command: string, change: (user: CognitoUserState) => void) =>
      (input: { UserPoolId?: string; Username?: string }) => {
        this.cognitoCalls.push({ command, input });
        expect(input.UserPoolId).toBe(USER_POOL_ID);
        const user = this.users.get(String(input.Username));
        if (!user) throw userNotFound();
        change(user);
        return {};
      };
    cognitoClient.on(AdminDisableUserCommand).callsFake(
      admin('AdminDisableUser', (user) => {
        user.enabled = false;
      }),
    );
    cognitoClient.on(AdminUserGlobalSignOutCommand).callsFake(
      admin('AdminUserGlobalSignOut', (user) => {
        user.signedOut = true;
      }),
    );
    cognitoClient.on(AdminDeleteUserCommand).callsFake(
      admin('AdminDeleteUser', (user) => {
        this.users.delete(user.username);
      }),
    );
    sns.on(PublishCommand).callsFake((input: PublishCommandInput) => {
      this.published.push(input);
      return { MessageId: `msg-${this.published.length}` };
    });
  }

  // --- rows ---

  private keyOf(table: string, item: Item): string {
    return JSON.stringify(SPECS[table]!.key.map((attribute) => item[attribute]));
  }

  putRow(table: string, item: Item) {
    this.tables.get(table)!.set(this.keyOf(table, item), structuredClone(item));
  }

  row(table: string, key: Item): Item | undefined {
    return this.tables.get(table)!.get(this.keyOf(table, key));
  }

  rows(table: string, where: (item: Item) => boolean = () => true): Item[] {
    return [...this.tables.get(table)!.values()].filter(where);
  }

  addUser(sub: string, username: string = sub) {
    this.users.set(username, { username, sub, enabled: true, signedOut: false });
  }

  job(userId: string = LEAVER): Item | undefined {
    return this.row(TABLES.idempotency, { id: `account-deletion:${userId}` });
  }

  /** shared/system-message's store, over the Message table. */
  async createMessage(item: Item): Promise<MessageRow | undefined> {
    this.appSyncCalls.push({
      operation: 'CreateMessage',
      query: '',
      variables: { input: structuredClone(item) },
    });
    const fault = this.appSyncFault?.('CreateMessage', { input: item });
    if (fault) throw fault;
    if (this.row(TABLES.message, item)) return undefined;
    this.putRow(TABLES.message, item);
    return structuredClone(item) as unknown as MessageRow;
  }

  calls(command: string, table?: string): DynamoCall[] {
    return this.dynamoCalls.filter(
      (call) => call.command === command && (table === undefined || call.input.TableName === table),
    );
  }

  appSyncOperations(operation: string) {
    return this.appSyncCalls.filter((call) => call.operation === operation);
  }

  // --- DynamoDB ---

  private dynamo(command: string, input: Item, answer: () => unknown) {
    this.dynamoCalls.push({ command, input: structuredClone(input) });
    const fault = this.dynamoFault?.(command, input);
    if (fault) throw fault;
    return answer();
  }

  private get(input: GetCommandInput) {
    const item = this.row(String(input.TableName), input.Key!);
    return item ? { Item: structuredClone(item) } : {};
  }

  private put(input: PutCommandInput) {
    const table = String(input.TableName);
    const existing = this.row(table, input.Item!);
    const names = input.ExpressionAttributeNames ?? {};
    const values = input.ExpressionAttributeValues ?? {};
    switch (input.ConditionExpression) {
      case undefined:
        break;
      case 'attribute_not_exists(#id)':
        expect(names['#id']).toBe('id');
        if (existing) throw conditionFailed();
        break;
      case '#version = :version':
        expect(names['#version']).toBe('version');
        if (existing?.version !== values[':version']) throw conditionFailed();
        break;
      default:
        throw new Error(`the fake does not know the condition ${input.ConditionExpression}`);
    }
    this.putRow(table, input.Item!);
    return {};
  }

  private delete(input: DeleteCommandInput) {
    const table = String(input.TableName);
    const existing = this.row(table, input.Key!);
    if (input.ConditionExpression !== undefined) {
      expect(input.ConditionExpression).toBe('#userId = :userId');
      expect(input.ExpressionAttributeNames).toEqual({ '#userId': 'userId' });
      if (!existing || existing.userId !== input.ExpressionAttributeValues?.[':userId'])
        throw conditionFailed();
    }
    if (existing) this.tables.get(table)!.delete(this.keyOf(table, existing));
    return input.ReturnValues === 'ALL_OLD' && existing ? { Attributes: structuredClone(existing) } : {};
  }

  private project(
    item: Item,
    input: { ProjectionExpression?: string; ExpressionAttributeNames?: Record<string, string> },
  ) {
    if (!input.ProjectionExpression) return structuredClone(item);
    const attributes = input.ProjectionExpression.split(',').map(
      (name) => input.ExpressionAttributeNames?.[name.trim()] ?? name.trim(),
    );
    return Object.fromEntries(
      attributes.filter((name) => name in item).map((name) => [name, structuredClone(item[name])]),
    );
  }

  private query(input: QueryCommandInput) {
    const table = String(input.TableName);
    const index = SPECS[table]!.indexes[String(input.IndexName)];
    expect(index, `no index ${input.IndexName} on ${table}`).toBeDefined();
    const [, placeholder] = /^#(\w+) = :(\w+)$/.exec(String(input.KeyConditionExpression)) ?? [];
    expect(input.ExpressionAttributeNames?.[`#${placeholder}`]).toBe(index!.partition);
    const value = input.ExpressionAttributeValues?.[`:${placeholder}`];
    const order = (item: Item) => [String(item[index!.sort ?? ''] ?? ''), this.keyOf(table, item)] as const;
    const sorted = this.rows(table, (item) => item[index!.partition] === value).sort((a, b) => {
      const [sa, ka] = order(a);
      const [sb, kb] = order(b);
      return sa === sb ? ka.localeCompare(kb) : sa.localeCompare(sb);
    });
    let rows = sorted;
    if (input.ExclusiveStartKey) {
      const [ss, sk] = order(input.ExclusiveStartKey);
      rows = sorted.filter((item) => {
        const [s, k] = order(item);
        return s === ss ? k > sk : s > ss;
      });
    }
    const page = rows.slice(0, input.Limit ?? rows.length);
    const last = page[page.length - 1];
    const full = input.Limit !== undefined && page.length === input.Limit;
    const answer = {
      Items: page.map((item) => this.project(item, input)),
      ...(full && last
        ? {
            LastEvaluatedKey: Object.fromEntries(
              [...SPECS[table]!.key, index!.partition, ...(index!.sort ? [index!.sort] : [])].map((name) => [
                name,
                last[name],
              ]),
            ),
          }
        : {}),
    };
    this.afterQuery?.(input);
    return answer;
  }

  private scan(input: ScanCommandInput) {
    const table = String(input.TableName);
    expect(input.FilterExpression).toBe('#userId = :userId');
    const all = this.rows(table).sort((a, b) => this.keyOf(table, a).localeCompare(this.keyOf(table, b)));
    const after = input.ExclusiveStartKey ? this.keyOf(table, input.ExclusiveStartKey) : undefined;
    const evaluated = all
      .filter((item) => after === undefined || this.keyOf(table, item) > after)
      .slice(0, input.Limit);
    const last = evaluated[evaluated.length - 1];
    return {
      Items: evaluated
        .filter((item) => item.userId === input.ExpressionAttributeValues?.[':userId'])
        .map((item) => this.project(item, input)),
      ...(input.Limit !== undefined && evaluated.length === input.Limit && last
        ? { LastEvaluatedKey: { id: last.id } }
        : {}),
    };
  }

  private update(input: UpdateCommandInput) {
    const table = String(input.TableName);
    expect(input.UpdateExpression).toBe('REMOVE #userId SET #updatedAt = :now');
    expect(input.ConditionExpression).toBe('#userId = :userId');
    const row = this.row(table, input.Key!);
    if (!row || row.userId !== input.ExpressionAttributeValues?.[':userId']) throw conditionFailed();
    delete row.userId;
    row.updatedAt = input.ExpressionAttributeValues?.[':now'];
    return {};
  }

  private batchWrite(input: BatchWriteCommandInput) {
    for (const [table, requests] of Object.entries(input.RequestItems ?? {})) {
      expect(requests.length).toBeLessThanOrEqual(25);
      for (const request of requests) {
        expect(request.PutRequest).toBeUndefined();
        const existing = this.row(table, request.DeleteRequest!.Key!);
        if (existing) this.tables.get(table)!.delete(this.keyOf(table, existing));
      }
    }
    return { UnprocessedItems: {} };
  }

  // --- AppSync ---

  /** What AppSync sets on every write: a new updatedAt, distinct for each write here. */
  nextUpdatedAt(): string {
    this.appSyncWrites++;
    return new Date(NOW.getTime() + this.appSyncWrites).toISOString();
  }

  private merge(table: string, key: Item, input: Item, operation: string, condition?: unknown) {
    this.beforeAppSyncWrite?.(operation, input);
    const row = this.row(table, key);
    if (!row || !meetsCondition(row, condition)) throw appSyncConditionFailed(operation);
    Object.assign(row, structuredClone(input), { updatedAt: this.nextUpdatedAt() });
    return structuredClone(row);
  }

  private answerGraphql(operation: string, variables: Record<string, unknown>): unknown {
    const input = (variables.input ?? {}) as Item;
    switch (operation) {
      case 'GetConversation':
        return {
          getConversation: structuredClone(this.row(TABLES.conversation, { id: variables.id })) ?? null,
        };
      case 'UpdateConversation':
        return {
          updateConversation: this.merge(TABLES.conversation, input, input, operation, variables.condition),
        };
      case 'GetMemberState':
        return {
          getConversationMember: structuredClone(this.row(TABLES.conversationMember, variables)) ?? null,
        };
      case 'GetMessageState':
        return { getMessage: structuredClone(this.row(TABLES.message, { id: variables.id })) ?? null };
      case 'ListConversationMembers': {
        const members = this.rows(
          TABLES.conversationMember,
          (row) => row.conversationId === variables.conversationId,
        );
        const start = variables.nextToken ? Number(variables.nextToken) : 0;
        const end = start + this.memberPageSize;
        return {
          listConversationMembers: {
            items: members.slice(start, end).map((row) => structuredClone(row)),
            nextToken: end < members.length ? String(end) : null,
          },
        };
      }
      case 'UpdateMember':
        return {
          updateConversationMember: this.merge(
            TABLES.conversationMember,
            input,
            input,
            operation,
            variables.condition,
          ),
        };
      case 'UpdateMessage':
        return { updateMessage: this.merge(TABLES.message, input, input, operation, variables.condition) };
      case 'DeleteConversationMember': {
        const row = this.row(TABLES.conversationMember, input);
        if (!row) throw appSyncConditionFailed(operation);
        this.tables.get(TABLES.conversationMember)!.delete(this.keyOf(TABLES.conversationMember, row));
        return { deleteConversationMember: row };
      }
      default:
        throw new Error(`the fake AppSync does not know ${operation}`);
    }
  }
}

/** The function's own stores over the fakes, as handler.ts composes them but for the table names. */
export function cascadeDeps(
  world: FakeWorld,
  options: { policy?: MessageBodyPolicy; now?: () => Date } = {},
): CascadeDeps {
  return {
    jobs: deletionJobStore({ tableName: () => TABLES.idempotency }),
    data: userDataStore({
      userProfile: () => TABLES.userProfile,
      device: () => TABLES.device,
      alertSubscription: () => TABLES.alertSubscription,
      notification: () => TABLES.notification,
      brokerProfile: () => TABLES.brokerProfile,
      conversationMember: () => TABLES.conversationMember,
      message: () => TABLES.message,
    }),
    chat: chatWrites(async () => world.data),
    optimisticRetry: { sleep: async () => undefined },
    postSystemMessage: (message, now) =>
      postSystemMessage(message, now, {
        createMessage: (item) => world.createMessage(item as unknown as Item),
      }),
    cognito: cognitoAccounts({ userPoolId: () => USER_POOL_ID }),
    publish: (event) => publishEvent(TOPIC_ARN, event),
    messageBodyPolicy: () => options.policy ?? 'KEEP',
    now: options.now ?? (() => NOW),
  };
}

/** Plenty of time, or `near` from the nth check on (1-based). */
export function deadline(nearFromCheck = Number.POSITIVE_INFINITY): Deadline & { checks: number } {
  const state = {
    checks: 0,
    remainingMs: () => 200_000,
    near: () => {
      state.checks += 1;
      return state.checks >= nearFromCheck;
    },
  };
  return state;
}

/** The UserProfile stream's REMOVE record of a profile row (NEW_AND_OLD_IMAGES). */
export function removeRecord(profile: Item, eventID = 'evt-remove-1'): DynamoDBRecord {
  return {
    eventID,
    eventName: 'REMOVE',
    eventSource: 'aws:dynamodb',
    awsRegion: 'ap-northeast-2',
    dynamodb: {
      Keys: { id: { S: String(profile.id) } },
      OldImage: marshall(profile, { removeUndefinedValues: true }) as never,
      SequenceNumber: '100',
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  };
}

/** An operator deletes the profile row: the row goes, its REMOVE record is what the stream delivers. */
export function operatorRemovesProfile(world: FakeWorld, userId: string = LEAVER): DynamoDBRecord {
  const row = world.row(TABLES.userProfile, { id: userId }) ?? profile(userId);
  world.tables.get(TABLES.userProfile)!.delete(JSON.stringify([userId]));
  return removeRecord(row);
}

export const streamEvent = (...records: DynamoDBRecord[]): DynamoDBStreamEvent => ({ Records: records });

export function profile(userId: string = LEAVER): Item {
  return {
    __typename: 'UserProfile',
    id: userId,
    role: 'USER',
    phone: LEAVER_USERNAME,
    nickname: '부톡회원6B0E2C',
    createdAt: '2026-01-02T00:00:00.000Z',
    updatedAt: '2026-01-02T00:00:00.000Z',
  };
}

const minutes = (n: number) => new Date(Date.parse('2026-03-01T00:00:00.000Z') + n * 60_000).toISOString();

/**
 * The leaver's account: two devices, two alerts, `notifications` inbox rows, a linked broker
 * profile, and two conversations — a 1:1 inquiry with a broker (conv-inquiry, the leaver is the
 * buyer) and a three-way support conversation (conv-group) — with messages from everyone.
 * Each table also holds another user's rows, which must survive.
 */
export function seedAccount(world: FakeWorld, options: { notifications?: number; messages?: number } = {}) {
  world.addUser(LEAVER, LEAVER_USERNAME);
  world.addUser(OTHER);
  world.putRow(TABLES.userProfile, profile());
  world.putRow(TABLES.userProfile, profile(OTHER));
  for (const [id, userId] of [
    ['dev-a', LEAVER],
    ['dev-b', LEAVER],
    ['dev-other', OTHER],
  ])
    world.putRow(TABLES.device, {
      id,
      userId,
      platform: 'GCM',
      token: `token-${id}`,
      lastSeenAt: minutes(0),
    });
  for (const [id, userId] of [
    ['alert-a', LEAVER],
    ['alert-b', LEAVER],
    ['alert-other', OTHER],
  ])
    world.putRow(TABLES.alertSubscription, { id, userId, kind: 'PRESALE', target: '11680' });
  for (let i = 0; i < (options.notifications ?? 5); i++)
    world.putRow(TABLES.notification, {
      id: `note-${String(i).padStart(4, '0')}`,
      userId: LEAVER,
      type: 'NOTICE',
      title: '공지',
      body: '부톡 공지사항',
      createdAt: minutes(i),
    });
  world.putRow(TABLES.notification, {
    id: 'note-other',
    userId: OTHER,
    type: 'NOTICE',
    title: '공지',
    body: '부톡 공지사항',
    createdAt: minutes(1),
  });
  world.putRow(TABLES.brokerProfile, {
    id: 'BRK-301',
    userId: LEAVER,
    name: '김중개',
    active: true,
    regionCodes: [],
  });
  world.putRow(TABLES.brokerProfile, {
    id: 'BRK-302',
    userId: BROKER,
    name: '이중개',
    active: true,
    regionCodes: [],
  });
  world.putRow(TABLES.brokerProfile, { id: 'BRK-303', name: '박중개', active: true, regionCodes: [] });

  const conversations = [
    {
      id: 'conv-inquiry',
      kind: 'LISTING_INQUIRY',
      status: 'OPEN',
      memberIds: [LEAVER, BROKER],
      buyerId: LEAVER,
      dedupeKey: `LISTING_INQUIRY#buyer=${LEAVER}#broker=BRK-302#listing=LST-20001`,
    },
    {
      id: 'conv-group',
      kind: 'DIRECT',
      status: 'OPEN',
      memberIds: [STAFF, LEAVER, BROKER],
      buyerId: null,
      dedupeKey: `DIRECT#buyer=${STAFF}#broker=BRK-302#complex=CPX-1001`,
    },
  ];
  for (const [c, conversation] of conversations.entries()) {
    world.putRow(TABLES.conversation, {
      ...conversation,
      brokerId: 'BRK-302',
      createdAt: minutes(0),
      updatedAt: minutes(0),
    });
    for (const userId of conversation.memberIds)
      world.putRow(TABLES.conversationMember, {
        conversationId: conversation.id,
        userId,
        memberIds: conversation.memberIds,
        role: userId === LEAVER ? 'BUYER' : userId === BROKER ? 'BROKER' : 'STAFF',
        unreadCount: 0,
        lastMessageAt: minutes(100 + c),
      });
    for (let i = 0; i < (options.messages ?? 4); i++) {
      const senderId = conversation.memberIds[i % conversation.memberIds.length]!;
      world.putRow(TABLES.message, {
        __typename: 'Message',
        id: `${conversation.id}-m${String(i).padStart(3, '0')}`,
        conversationId: conversation.id,
        createdAt: minutes(10 + i),
        senderId,
        memberIds: conversation.memberIds,
        kind: i === 2 ? 'IMAGE' : 'TEXT',
        body: `메시지 ${i}`,
        ...(i === 2 ? { image: { key: 'chat/photo.jpg', width: 800, height: 600 } } : {}),
        clientMessageId: `client-${i}`,
      });
    }
  }
  // A message from before the leaver joined: not theirs to see, nothing to change.
  world.putRow(TABLES.message, {
    __typename: 'Message',
    id: 'conv-group-early',
    conversationId: 'conv-group',
    createdAt: minutes(1),
    senderId: STAFF,
    memberIds: [STAFF, BROKER],
    kind: 'TEXT',
    body: '상담 시작',
  });
}
