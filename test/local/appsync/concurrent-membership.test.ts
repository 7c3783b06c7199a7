import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  assignBroker,
  type BrokerForAssignment,
} from '../../../amplify/functions/shared/chat/broker-assignment';
import { conversationMembers } from '../../../amplify/functions/shared/chat/chat-members';
import { type DataClient, dataOf } from '../../../amplify/functions/shared/data-client';
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
  createTokenIssuer,
  fetchTrusting,
  freePort,
  functionDataClient,
  synthesizedAssembly,
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
/** The typed client the functions read and write chat rows with. */
let data: DataClient;

beforeAll(async () => {
  const assembly = synthesizedAssembly();
  const inventory = synthesizedInventory(assembly);
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
  vi.stubGlobal('fetch', fetchTrusting(ca));
  const { AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY } = functions.credentialsFor('chat-writer');
  data = await functionDataClient(
    appsync.url,
    { accessKeyId: AWS_ACCESS_KEY_ID, secretAccessKey: AWS_SECRET_ACCESS_KEY },
    assembly,
  );
});

afterAll(async () => {
  vi.unstubAllGlobals();
  await appsync?.stop();
  await dynamodb?.stop();
  rmSync(tlsDir, { recursive: true, force: true });
});

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
  await dataOf(
    'CreateConversation',
    data.models.Conversation.create({
      id,
      kind: 'LISTING_INQUIRY',
      status: 'OPEN',
      memberIds,
      dedupeKey: `LISTING_INQUIRY#buyer=${buyer}#race=${id}`,
      buyerId: buyer,
      lastMessageAt: at,
    }),
  );
  for (const [userId, role] of [
    [buyer, 'BUYER'],
    [other, 'STAFF'],
    [staff, 'STAFF'],
  ] as const) {
    await dataOf(
      'CreateMember',
      data.models.ConversationMember.create({
        conversationId: id,
        userId,
        memberIds,
        role,
        unreadCount: 0,
        lastMessageAt: at,
      }),
    );
  }
  for (const index of [0, 1]) {
    await dataOf(
      'CreateMessage',
      data.models.Message.create({
        id: `${id}-m${index}`,
        conversationId: id,
        createdAt: new Date(Date.now() - 1000 + index).toISOString(),
        senderId: buyer,
        memberIds,
        kind: 'TEXT',
        body: `문의 ${index}`,
      }),
    );
  }
  return id;
}

/** The conversation and member-row steps of user-delete-cascade's departure, as it composes them. */
async function staffLeaves(conversationId: string, userId: string): Promise<void> {
  const chat = chatWrites(async () => data);
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
      assignBroker({ conversationId, broker: kim, mode: 'LEGACY_ASSIGNED' }, { data: async () => data }),
      assignBroker({ conversationId, broker: lee, mode: 'LEGACY_ASSIGNED' }, { data: async () => data }),
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
    const conversation = await dataOf(
      'GetConversation',
      data.models.Conversation.get({ id: conversationId }),
    );
    expect([...(conversation?.memberIds ?? [])].sort()).toEqual(expected);
    const members = await conversationMembers(data, conversationId);
    expect(members.map((member) => member.userId).sort()).toEqual(expected);
    for (const member of members) expect([...member.memberIds].sort(), member.userId).toEqual(expected);
    for (const index of [0, 1]) {
      const message = await dataOf(
        'GetMessage',
        data.models.Message.get({ id: `${conversationId}-m${index}` }, { selectionSet: ['id', 'memberIds'] }),
      );
      expect(message?.memberIds).toEqual(expect.arrayContaining([buyer, other, kim.userId, lee.userId]));
    }
  });
});
