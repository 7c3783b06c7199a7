import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  AdminAddUserToGroupCommand,
  CognitoIdentityProviderClient,
  ListUsersCommand,
  SignUpCommand,
  UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { conversationIdFor, dedupeKey } from '../amplify/functions/shared/chat/conversation';
import { LOCAL_REGION } from './contracts';
import { readOperatorCredentials } from './iam/signed-callers';

export { readOperatorCredentials };

import { createSampleData } from './legacy/sample-data';

/**
 * Sample data for a frontend to show on a running local sandbox: buyers and brokers who can
 * sign in (through the real sign-up triggers), broker profiles from the Legacy stand-in's
 * sample brokers, and a few conversations with messages.
 *
 *   npm run seed             against the sandbox whose amplify_outputs.json is at the root
 *   npm start -- --seed      seed as soon as the sandbox is ready
 */

export const SEED_USERS = [
  { phone: '+821000000001', nickname: '김민준', role: 'USER' },
  { phone: '+821000000002', nickname: '이서연', role: 'USER' },
  { phone: '+821000000003', nickname: '박지호', role: 'USER' },
  { phone: '+821000000101', nickname: '강남행복공인중개사', role: 'BROKER' },
  { phone: '+821000000102', nickname: '잠실으뜸부동산', role: 'BROKER' },
] as const;

export interface SeedTargets {
  userPoolEndpoint: string;
  /** The local operator's AWS credentials: ListUsers and AdminAddUserToGroup must be signed. */
  operatorCredentials: { accessKeyId: string; secretAccessKey: string };
  userPoolId: string;
  clientId: string;
  dynamodbUrl: string;
  awsUrl: string;
}

export interface SeedResult {
  users: { phone: string; sub: string; role: string }[];
  brokers: number;
  conversations: number;
  messages: number;
}

// DynamoDB Local accepts only letters and digits in an access key id.
const credentials = { accessKeyId: 'localseed', secretAccessKey: 'local' };

/** Deterministic ids, so seeding twice writes the same rows. */
function seedId(...parts: string[]): string {
  const hex = createHash('sha256').update(parts.join('/')).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export async function seedSandbox(targets: SeedTargets, now = new Date()): Promise<SeedResult> {
  const cognito = new CognitoIdentityProviderClient({
    endpoint: targets.userPoolEndpoint,
    region: LOCAL_REGION,
    credentials: targets.operatorCredentials,
  });
  const dynamodb = new DynamoDBClient({ endpoint: targets.dynamodbUrl, region: LOCAL_REGION, credentials });
  const documents = DynamoDBDocumentClient.from(dynamodb, {
    marshallOptions: { removeUndefinedValues: true },
  });

  // Users sign up like the app does, so the real triggers create their profiles.
  const users: SeedResult['users'] = [];
  for (const user of SEED_USERS) {
    try {
      await cognito.send(
        new SignUpCommand({
          ClientId: targets.clientId,
          Username: user.phone,
          Password: `Seed-${user.phone}-Aa1!`,
        }),
      );
    } catch (error) {
      if (!(error instanceof UsernameExistsException)) throw error;
    }
    const found = await cognito.send(
      new ListUsersCommand({ UserPoolId: targets.userPoolId, Filter: `phone_number = "${user.phone}"` }),
    );
    const record = found.Users?.[0];
    const sub = record?.Attributes?.find((attribute) => attribute.Name === 'sub')?.Value;
    if (!record?.Username || !sub) throw new Error(`seed user ${user.phone} was not created`);
    if (user.role === 'BROKER') {
      await cognito.send(
        new AdminAddUserToGroupCommand({
          UserPoolId: targets.userPoolId,
          Username: record.Username,
          GroupName: 'BROKERS',
        }),
      );
    }
    users.push({ phone: user.phone, sub, role: user.role });
  }

  const tables = (await dynamodb.send(new ListTablesCommand({}))).TableNames ?? [];
  const table = (model: string) => {
    const name = tables.find((candidate) => candidate.startsWith(`${model}-`) && candidate.endsWith('-NONE'));
    if (!name) throw new Error(`no ${model} table in the sandbox`);
    return name;
  };
  const at = now.toISOString();
  const put = async (model: string, items: Record<string, unknown>[]) => {
    for (let i = 0; i < items.length; i += 25) {
      await documents.send(
        new BatchWriteCommand({
          RequestItems: {
            [table(model)]: items.slice(i, i + 25).map((item) => ({
              PutRequest: { Item: { __typename: model, createdAt: at, updatedAt: at, ...item } },
            })),
          },
        }),
      );
    }
  };

  // Profiles: nicknames and roles (the trigger made them as USER with a generated nickname).
  await put(
    'UserProfile',
    users.map((user, index) => ({
      id: user.sub,
      phone: user.phone,
      nickname: SEED_USERS[index]!.nickname,
      role: user.role,
      consents: { marketing: index === 0, nightPush: false },
    })),
  );

  const sample = createSampleData(now.getTime());
  const brokerUsers = users.filter((user) => user.role === 'BROKER');
  const brokers = sample.brokers.filter((broker) => !broker.deleted);
  await put(
    'BrokerProfile',
    brokers.map((broker, index) => ({
      id: broker.id,
      ...(brokerUsers[index] ? { userId: brokerUsers[index]!.sub } : {}),
      name: broker.name,
      officeName: broker.officeName,
      regionCodes: broker.regionCodes,
      active: broker.active,
      openConversations: 0,
      syncedAt: at,
    })),
  );

  // Conversations: each buyer asks a broker about a listing.
  const buyers = users.filter((user) => user.role === 'USER');
  const conversations: Record<string, unknown>[] = [];
  const members: Record<string, unknown>[] = [];
  const messages: Record<string, unknown>[] = [];
  buyers.forEach((buyer, index) => {
    const broker = brokerUsers[index % brokerUsers.length]!;
    // Conversations name the legacy broker id; the broker's sub is a member.
    const brokerProfile = brokers[index % brokerUsers.length]!;
    const listing = sample.listings[index]!;
    const key = dedupeKey({
      kind: 'LISTING_INQUIRY',
      buyerId: buyer.sub,
      brokerId: brokerProfile.id,
      listingId: listing.id,
    });
    const id = conversationIdFor(key);
    const memberIds = [buyer.sub, broker.sub];
    const lines = [
      [buyer.sub, `안녕하세요, ${listing.complexName} ${listing.exclusiveAreaM2}㎡ 매물 아직 있나요?`],
      [broker.sub, '네, 아직 있습니다. 이번 주말에 방문 가능하세요?'],
      [buyer.sub, '토요일 오전 11시 괜찮습니다.'],
    ] as const;
    lines.forEach(([senderId, body], line) => {
      const createdAt = new Date(now.getTime() - (lines.length - line) * 60_000).toISOString();
      messages.push({
        id: seedId('message', id, String(line)),
        conversationId: id,
        createdAt,
        senderId,
        memberIds,
        kind: 'TEXT',
        body,
        clientMessageId: `seed-${line}`,
      });
    });
    const last = messages.at(-1)!;
    conversations.push({
      id,
      kind: 'LISTING_INQUIRY',
      status: 'OPEN',
      memberIds,
      dedupeKey: key,
      buyerId: buyer.sub,
      brokerId: brokerProfile.id,
      listingId: listing.id,
      complexId: listing.complexId,
      lastMessageAt: last.createdAt,
      lastMessagePreview: last.body,
    });
    for (const [userId, role] of [
      [buyer.sub, 'BUYER'],
      [broker.sub, 'BROKER'],
    ] as const) {
      members.push({
        conversationId: id,
        userId,
        memberIds,
        role,
        unreadCount: role === 'BROKER' ? 1 : 0,
        lastMessageAt: last.createdAt,
        lastMessagePreview: last.body,
        muted: false,
      });
    }
  });
  await put('Conversation', conversations);
  await put('ConversationMember', members);
  await put('Message', messages);

  return { users, brokers: brokers.length, conversations: conversations.length, messages: messages.length };
}

/** The targets of the sandbox that wrote this amplify_outputs.json. */
export function seedTargetsFrom(outputsPath: string): SeedTargets {
  const outputs = JSON.parse(readFileSync(resolve(outputsPath), 'utf8'));
  const local = outputs.custom?.localSandbox;
  if (!local) throw new Error(`${outputsPath} was not written by the local sandbox (no custom.localSandbox)`);
  return {
    userPoolEndpoint: local.userPoolEndpoint,
    operatorCredentials: readOperatorCredentials(local.caCertPath),
    userPoolId: outputs.auth.user_pool_id,
    clientId: outputs.auth.user_pool_client_id,
    dynamodbUrl: local.dynamodbUrl,
    awsUrl: local.awsEndpointUrl,
  };
}
