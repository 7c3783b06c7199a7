import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  type AppSyncClient,
  type AppSyncErrorEntry,
  AppSyncGraphQLError,
  operationNameOf,
} from '../../../amplify/functions/shared/appsync-client';
import {
  assignBroker,
  type BrokerForAssignment,
} from '../../../amplify/functions/shared/chat/broker-assignment';
import {
  CREATE_CONVERSATION,
  CREATE_MEMBER,
  CREATE_MESSAGE,
  DELETE_MEMBER,
  GET_CONVERSATION,
  GET_MEMBER,
  GET_MESSAGE,
} from '../../../amplify/functions/shared/chat/chat-documents';
import { MEMBER_FIELDS } from '../../../amplify/functions/shared/chat/chat-fields';
import { listConversationMembers } from '../../../amplify/functions/shared/chat/chat-members';
import type { ConversationMemberRow } from '../../../amplify/functions/shared/chat/chat-message';
import type { DataClient } from '../../../amplify/functions/shared/data-client';
import { unchangedSince, updateOptimistically } from '../../../amplify/functions/shared/optimistic-update';
import { chatWrites } from '../../../amplify/functions/user-delete-cascade/chat-writes';
import {
  conversationDeparture,
  memberDeparture,
} from '../../../amplify/functions/user-delete-cascade/member-departure';
import { type LocalAppSync, startLocalAppSync } from '../../../local/appsync/local-appsync';
import { createTables, type DynamoDbLocal, startDynamoDbLocal } from '../../../local/dynamodb/dynamodb-local';
import { ensureLocalCertificates } from '../../../local/tls/local-ca';
import {
  answeredGet,
  answeredGraphql,
  answeredList,
  answeredWrite,
  type DocumentAnswers,
} from '../../support/typed-data';
import {
  createTokenIssuer,
  freePort,
  signedGraphqlRequest,
  synthesizedInventory,
  testFunctions,
} from './support';

// Concurrent membership changes through the synthesized resolvers and DynamoDB Local: the
// conditions on updatedAt that broker assignment and account deletion write with are evaluated
// by the real VTL and DynamoDB, not by a fake.

let dynamodb: DynamoDbLocal;
let appsync: LocalAppSync;
let ca: string;
let tlsDir: string;
let functions: ReturnType<typeof testFunctions>;

beforeAll(async () => {
  const inventory = synthesizedInventory();
  tlsDir = mkdtempSync(join(tmpdir(), 'appsync-race-tls-'));
  const certificates = await ensureLocalCertificates(tlsDir);
  ca = readFileSync(certificates.caCertPath, 'utf8');
  dynamodb = await startDynamoDbLocal({ port: await freePort() });
  await createTables(
    dynamodb.client,
    inventory.tables.filter((table) => table.modelName),
  );
  const issuer = await createTokenIssuer(inventory.appSync!.userPoolId!);
  functions = testFunctions(inventory.appSync!.apiId, { 'chat-writer': ['Query', 'Mutation'] });
  appsync = await startLocalAppSync({
    spec: inventory.appSync!,
    port: 0,
    tls: certificates,
    dynamodb: { endpoint: dynamodb.url },
    verifyJwt: issuer.verifyJwt,
    verifyIam: functions.verify,
  });
});

afterAll(async () => {
  await appsync?.stop();
  await dynamodb?.stop();
  rmSync(tlsDir, { recursive: true, force: true });
});

/** What the functions' AppSync client does, over the local endpoint with a function's SigV4. */
const functionAppSync: AppSyncClient = {
  async graphql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const { AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY } = functions.credentialsFor('chat-writer');
    const credentials = { accessKeyId: AWS_ACCESS_KEY_ID, secretAccessKey: AWS_SECRET_ACCESS_KEY };
    const response = await signedGraphqlRequest(appsync.url, ca, credentials, query, variables);
    const body = response.json() as { data?: T; errors?: AppSyncErrorEntry[] };
    if (body.errors?.length) {
      throw new AppSyncGraphQLError(operationNameOf(query), body.errors, body.data ?? null);
    }
    return body.data as T;
  },
};

/**
 * The typed data client as user-delete-cascade's chatWrites uses it, over the same signed requests:
 * its model reads and its delete as the equivalent documents, its conditional updates as sent.
 */
const modelDocuments: Record<string, string> = {
  GetConversation: GET_CONVERSATION,
  GetMemberState: GET_MEMBER,
  GetMessageState: GET_MESSAGE,
  DeleteConversationMember: DELETE_MEMBER,
  ListConversationMembers: `query ListConversationMembers($conversationId: ID!, $nextToken: String) {
    listConversationMembers(conversationId: $conversationId, limit: 100, nextToken: $nextToken) {
      items { ${MEMBER_FIELDS} } nextToken } }`,
};
const sent: DocumentAnswers = (operation, variables, query) =>
  functionAppSync.graphql(query ?? modelDocuments[operation]!, variables);
const functionData = {
  models: {
    Conversation: { get: answeredGet(sent, 'GetConversation') },
    ConversationMember: {
      get: answeredGet(sent, 'GetMemberState'),
      list: answeredList(sent, 'ListConversationMembers'),
      delete: answeredWrite(sent, 'DeleteConversationMember'),
    },
    Message: { get: answeredGet(sent, 'GetMessageState') },
  },
  graphql: answeredGraphql(sent, operationNameOf),
} as unknown as DataClient;

const broker = (name: string): BrokerForAssignment => ({
  id: `BRK-${name}`,
  userId: `sub-${name}-${randomUUID()}`,
  name,
  officeName: null,
});

/** An open conversation of three (so one leaving never closes it), their member rows, two messages. */
async function openConversation(buyer: string, other: string, staff: string): Promise<string> {
  const id = randomUUID();
  const memberIds = [buyer, other, staff];
  const at = new Date().toISOString();
  await functionAppSync.graphql(CREATE_CONVERSATION, {
    input: {
      id,
      kind: 'LISTING_INQUIRY',
      status: 'OPEN',
      memberIds,
      dedupeKey: `LISTING_INQUIRY#buyer=${buyer}#race=${id}`,
      buyerId: buyer,
      lastMessageAt: at,
    },
  });
  for (const [userId, role] of [
    [buyer, 'BUYER'],
    [other, 'STAFF'],
    [staff, 'STAFF'],
  ] as const) {
    await functionAppSync.graphql(CREATE_MEMBER, {
      input: { conversationId: id, userId, memberIds, role, unreadCount: 0, lastMessageAt: at },
    });
  }
  for (const index of [0, 1]) {
    await functionAppSync.graphql(CREATE_MESSAGE, {
      input: {
        id: `${id}-m${index}`,
        conversationId: id,
        createdAt: new Date(Date.now() - 1000 + index).toISOString(),
        senderId: buyer,
        memberIds,
        kind: 'TEXT',
        body: `문의 ${index}`,
      },
    });
  }
  return id;
}

/** The conversation and member-row steps of user-delete-cascade's departure, as it composes them. */
async function staffLeaves(conversationId: string, userId: string): Promise<void> {
  const chat = chatWrites(async () => functionData);
  await updateOptimistically({
    what: `conversation ${conversationId}`,
    read: () => chat.conversation(conversationId),
    plan: (row) => conversationDeparture(row, userId),
    write: async (update, row) => (await chat.updateConversation(update, unchangedSince(row))) || undefined,
  });
  for (const member of await chat.members(conversationId)) {
    if (!memberDeparture(member, userId)) continue;
    await updateOptimistically({
      what: `member ${conversationId}/${member.userId}`,
      initial: member,
      read: () => chat.member(conversationId, member.userId),
      plan: (row) => memberDeparture(row, userId),
      write: async (update, row) => (await chat.updateMember(update, unchangedSince(row))) || undefined,
    });
  }
  await chat.deleteMember(conversationId, userId);
}

describe('concurrent membership changes on the local AppSync', () => {
  it('keeps two brokers assigned and a member removed at the same time, in every row', async () => {
    const buyer = `sub-buyer-${randomUUID()}`;
    const other = `sub-other-${randomUUID()}`;
    const staff = `sub-staff-${randomUUID()}`;
    const kim = broker('kim');
    const lee = broker('lee');
    const conversationId = await openConversation(buyer, other, staff);

    // The simulator prints every failed DynamoDB condition; here they are the point.
    const simulatorLog = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    let conditionFailures = 0;
    // All three read the conversation before any of them writes it.
    const outcomes = await Promise.all([
      assignBroker({ conversationId, broker: kim, mode: 'LEGACY_ASSIGNED' }, { appSync: functionAppSync }),
      assignBroker({ conversationId, broker: lee, mode: 'LEGACY_ASSIGNED' }, { appSync: functionAppSync }),
      staffLeaves(conversationId, staff),
    ]).finally(() => {
      conditionFailures = simulatorLog.mock.calls.filter(
        ([line]) => line === 'Error while executing Local DynamoDB',
      ).length;
      simulatorLog.mockRestore();
    });

    expect(outcomes.slice(0, 2).map((outcome) => outcome?.kind)).toEqual(['ASSIGNED', 'ASSIGNED']);
    // At least one writer lost a condition and wrote again from a fresh read.
    expect(conditionFailures).toBeGreaterThan(0);
    const expected = [buyer, other, kim.userId, lee.userId].sort();
    const { getConversation } = await functionAppSync.graphql<{ getConversation: { memberIds: string[] } }>(
      GET_CONVERSATION,
      { id: conversationId },
    );
    expect([...getConversation.memberIds].sort()).toEqual(expected);
    const members = await listConversationMembers<ConversationMemberRow>(
      functionAppSync,
      conversationId,
      MEMBER_FIELDS,
    );
    expect(members.map((member) => member.userId).sort()).toEqual(expected);
    for (const member of members) expect([...member.memberIds].sort(), member.userId).toEqual(expected);
    for (const index of [0, 1]) {
      const { getMessage } = await functionAppSync.graphql<{ getMessage: { memberIds: string[] } }>(
        'query GetMessage($id: ID!) { getMessage(id: $id) { memberIds } }',
        { id: `${conversationId}-m${index}` },
      );
      expect(getMessage.memberIds).toEqual(expect.arrayContaining([buyer, other, kim.userId, lee.userId]));
    }
  });
});
