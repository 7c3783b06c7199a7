import { randomUUID } from 'node:crypto';
import { DynamoDBClient, ListTablesCommand, paginateScan } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { seedSandbox, seedTargetsFrom } from '../../local/seed';
import { AppUser, inbox, signedInUser } from './app-user';
import {
  type Conversation,
  conversationOf,
  eventually,
  invoke,
  type LegacyCall,
  messagesOf,
  notificationsOf,
  ok,
  putReference,
  type User,
} from './e2e-support';

// Account deletion on the local sandbox, with the real client: a buyer with a device, an alert,
// a notification and a conversation deletes their account. Afterwards they cannot sign in, the
// broker still reads the conversation with the buyer shown as 탈퇴한 사용자, the Legacy API was told
// (user.deleted), and no row of the buyer's remains in any model table.

type AccountDeletion = { userId: string; status: string; requestedAt: string; completedAt: string | null };

const users: AppUser[] = [];
let buyer: User;
let broker: User;
let dynamodb: DynamoDBClient;
let conversation: Conversation;
const brokerId = `BRK-E2E-DEL-${Date.now().toString(36)}`;
const sent: string[] = [];

beforeAll(async () => {
  await seedSandbox(seedTargetsFrom(inject('outputsPath')));
  buyer = await signedInUser();
  // A broker of its own (the seeded broker's sign-ins are rationed by the per-phone OTP limit).
  broker = await signedInUser();
  users.push(buyer, broker);
  await putReference('brokers', brokerId, {
    name: '탈퇴테스트',
    officeName: '탈퇴테스트공인중개사사무소',
    regionCodes: ['1174010100'],
    userId: broker.sub,
  });
  await invoke('data-sync', { feeds: ['brokers'] });
  const info = await inbox<{ endpoints: { dynamodbUrl: string } }>('/api/info');
  dynamodb = new DynamoDBClient({
    endpoint: info.endpoints.dynamodbUrl,
    region: 'ap-northeast-2',
    credentials: { accessKeyId: 'e2etest', secretAccessKey: 'e2etest' },
  });
});

afterAll(() => {
  for (const user of users) user.close();
  dynamodb?.destroy();
});

/** Every item of every model table (the tables AppSync serves) that mentions the value anywhere. */
async function modelRowsMentioning(value: string): Promise<{ table: string; item: unknown }[]> {
  const { TableNames = [] } = await dynamodb.send(new ListTablesCommand({}));
  const modelTables = TableNames.filter((name) => /^[A-Z][A-Za-z]+-/.test(name));
  expect(modelTables.length).toBeGreaterThanOrEqual(8);
  const found: { table: string; item: unknown }[] = [];
  for (const table of modelTables) {
    for await (const page of paginateScan({ client: dynamodb }, { TableName: table })) {
      for (const item of page.Items ?? []) {
        if (JSON.stringify(item).includes(value)) found.push({ table, item });
      }
    }
  }
  return found;
}

describe('account deletion', () => {
  it('starts with a buyer who has a device, an alert, a notification and a conversation', async () => {
    conversation = ok(
      await buyer.mutation<Conversation>('startConversation', {
        kind: 'LISTING_INQUIRY',
        brokerId,
        listingId: `LST-E2E-DELETE-${Date.now()}`,
      }),
    );
    for (const body of ['안녕하세요, 매물 보고 연락드려요.', '주말에 방문 가능할까요?']) {
      const message = ok(
        await buyer.mutation<{ id: string }>('sendMessage', {
          conversationId: conversation.id,
          kind: 'TEXT',
          body,
          clientMessageId: randomUUID(),
        }),
      );
      sent.push(message.id);
    }
    ok(
      await broker.mutation('sendMessage', {
        conversationId: conversation.id,
        kind: 'TEXT',
        body: '네, 토요일 오전 괜찮습니다.',
        clientMessageId: randomUUID(),
      }),
    );
    ok(
      await buyer.mutation('registerDevice', {
        platform: 'GCM',
        token: `fcm-e2e-delete-${randomUUID()}-${'x'.repeat(100)}`,
      }),
    );
    ok(await buyer.mutation('addAlertSubscription', { kind: 'REAL_TRANSACTION', target: 'CPX-1001' }));
    // The broker's answer stays unread: a reminder lands in the buyer's inbox (once the unread
    // counter has counted it, which the reminder needs: ask again until it has).
    await eventually('the reminder', async () => {
      await invoke('chat-reminder', { afterHours: 0 });
      return (await notificationsOf(buyer)).length > 0 ? true : undefined;
    });
    expect((await modelRowsMentioning(buyer.sub)).map((row) => row.table.split('-')[0]).sort()).toEqual(
      expect.arrayContaining([
        'AlertSubscription',
        'Conversation',
        'ConversationMember',
        'Device',
        'Message',
        'Notification',
        'UserProfile',
      ]),
    );
  });

  it('deletes the account: the buyer cannot sign in again', async () => {
    const started = ok(await buyer.mutation<AccountDeletion>('deleteAccount', {}));
    expect(started).toMatchObject({
      userId: buyer.sub,
      status: expect.stringMatching(/^(IN_PROGRESS|COMPLETED)$/),
    });

    // The cascade tells the Legacy API last but one (before the Cognito user goes).
    await eventually(
      'user.deleted at the Legacy API',
      async () => {
        const calls = await inbox<LegacyCall[]>('/api/legacy-calls?limit=1000');
        return calls.find(
          (call) =>
            call.path === '/v1/events' &&
            call.status < 300 &&
            (call.body as { type?: string; payload?: { userId?: string } })?.type === 'user.deleted' &&
            (call.body as { payload: { userId: string } }).payload.userId === buyer.sub,
        );
      },
      60_000,
    );
    await eventually('the deletion to complete', async () => {
      const again = await buyer.mutation<AccountDeletion>('deleteAccount', {});
      // Once the Cognito user is gone the old token may be refused too: either way nothing happens.
      if (again.errors) return again.errors[0]!.message;
      return again.data?.status === 'COMPLETED' ? 'COMPLETED' : undefined;
    });

    // Cognito prevents user-existence errors: the sign-in starts, but no code is sent and no
    // answer is accepted.
    const triedAt = new Date().toISOString();
    const comeback = new AppUser(buyer.phone);
    users.push(comeback);
    const step = await comeback.call<{ isSignedIn: boolean }>('signIn', { phone: buyer.phone });
    expect(step.isSignedIn).toBe(false);
    const lastCode = await inbox<{ code: string }>(
      `/api/sms/latest?phone=${encodeURIComponent(buyer.phone)}`,
    );
    // The last code sent to the phone (and any other answer) never signs in: at most three tries.
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const answer = await comeback
        .call<{ isSignedIn: boolean }>('confirmSignIn', { code: lastCode.code })
        .catch((error: Error) => ({ isSignedIn: false, refused: error.name }));
      expect(answer.isSignedIn).toBe(false);
      if ('refused' in answer) break;
    }
    const smsSince = await inbox<{ phoneNumber: string }[]>(`/api/sms?since=${encodeURIComponent(triedAt)}`);
    expect(smsSince.filter((sms) => sms.phoneNumber === buyer.phone)).toEqual([]);
  });

  it('keeps the conversation for the broker, with the buyer shown as 탈퇴한 사용자 and a note that they left', async () => {
    const messages = await messagesOf(broker, conversation.id);
    const fromBuyer = messages.filter((message) => sent.includes(message.id));
    expect(fromBuyer).toHaveLength(2);
    for (const message of fromBuyer) {
      expect(message).toMatchObject({ senderId: 'deleted-user', senderLabel: '탈퇴한 사용자' });
      expect(message.body).toMatch(/매물 보고|방문/);
      expect(message.memberIds).toEqual([broker.sub]);
    }
    expect(
      messages.some(
        (message) => message.kind === 'SYSTEM' && message.body === '탈퇴한 사용자가 대화방을 나갔습니다.',
      ),
    ).toBe(true);
    expect(await conversationOf(broker, conversation.id)).toMatchObject({
      status: 'CLOSED',
      memberIds: [broker.sub],
      buyerId: null,
    });
  });

  it('leaves no row of the buyer in any model table', async () => {
    expect(await modelRowsMentioning(buyer.sub)).toEqual([]);
    const cognitoUsers = await inbox<{ username: string }[]>('/api/users');
    expect(cognitoUsers.filter((user) => [buyer.phone, buyer.sub].includes(user.username))).toEqual([]);
  });

  it('told the Legacy API once, however often it was asked', async () => {
    const calls = await inbox<LegacyCall[]>('/api/legacy-calls?limit=1000');
    const deleted = calls.filter(
      (call) =>
        call.path === '/v1/events' &&
        (call.body as { type?: string; payload?: { userId?: string } })?.type === 'user.deleted' &&
        (call.body as { payload: { userId: string } }).payload.userId === buyer.sub &&
        call.status === 202,
    );
    expect(deleted).toHaveLength(1);
  });
});
