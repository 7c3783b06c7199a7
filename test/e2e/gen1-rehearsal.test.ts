import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertPortFree } from '../../local/ports/free-port';
import { AppUser } from './app-user';
import { type CapturedPush, eventually, type Message, ok } from './e2e-support';

// The Gen 1 cutover rehearsed on the local sandbox (docs/migration.md, "Rehearse locally"): a
// sandbox of its own, started with `--gen1-fixture test/fixtures/gen1/rehearsal`, adopts the Gen 1
// tables that data set loads under their Gen 1 names and keeps its users' Cognito subs. Existing
// users sign in with the real client, see what Gen 1 wrote, and chat with their old devices.

const ROOT = resolve(import.meta.dirname, '../..');
const FIXTURE = join(ROOT, 'test/fixtures/gen1/rehearsal');
const fixtureFile = (file: string) => JSON.parse(readFileSync(join(FIXTURE, file), 'utf8'));
const TABLES: Record<string, string> = fixtureFile('adoption.json').sandbox.tables;
const itemsOf = (model: string): Record<string, unknown>[] =>
  fixtureFile(`items/${TABLES[model]}.json`).Items;

/** The Gen 1 users by nickname: their sub, phone and old device token, from the data set. */
function gen1User(nickname: string) {
  const profile = itemsOf('UserProfile').find((row) => row.nickname === nickname)!;
  const sub = String(profile.id);
  const listed = (
    fixtureFile('users.json').Users as { Username: string; Attributes: { Name: string; Value: string }[] }[]
  ).find((user) => user.Username === sub)!;
  return {
    sub,
    phone: listed.Attributes.find((attribute) => attribute.Name === 'phone_number')!.Value,
    /** Their phone's token, as Gen 1's app registered it ('' when they had none). */
    deviceToken: String(itemsOf('Device').find((row) => row.userId === sub)?.token ?? ''),
  };
}
const MINJI = gen1User('민지');
const BROKER = gen1User('한빛공인중개사');
const SEOJUN = gen1User('서준');
const membershipOf = (sub: string) => itemsOf('ConversationMember').find((row) => row.userId === sub)!;
const MINJI_CONVERSATION = String(membershipOf(MINJI.sub).conversationId);
const SEOJUN_CONVERSATION = String(membershipOf(SEOJUN.sub).conversationId);

type Member = { conversationId: string; userId: string; unreadCount: number; lastMessageAt: string };
type User = AppUser & { sub: string };

let sandbox: ChildProcess | undefined;
let basePort = 0;
let endpoints: { outputsPath: string; caCertPath: string; inboxUrl: string; dynamodbUrl: string };
const users: AppUser[] = [];

/** Seven free ports in a row (as test/e2e/global-setup.ts), apart from the suite's sandbox. */
async function freeRange(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const base = 40_000 + Math.floor(Math.random() * 15_000);
    try {
      await Promise.all(Array.from({ length: 7 }, (_, i) => assertPortFree(base + i, 'gen1 rehearsal')));
      return base;
    } catch {
      // taken: try another range
    }
  }
  throw new Error('no free range of 7 ports for the rehearsal sandbox');
}

async function startRehearsalSandbox(): Promise<void> {
  basePort = await freeRange();
  const outputsPath = join(mkdtempSync(join(tmpdir(), 'bootalk-gen1-')), 'amplify_outputs.json');
  sandbox = spawn(
    process.execPath,
    [
      'local/launch.mjs',
      ...['--port', String(basePort), '--outputs', outputsPath, '--gen1-fixture', FIXTURE],
      '--quiet',
      '--no-watch',
    ],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_EXTRA_CA_CERTS: '.amplify/sandbox/tls/ca.crt' },
    },
  );
  const logFile = process.env.E2E_SANDBOX_LOG && `${process.env.E2E_SANDBOX_LOG}.gen1`;
  if (logFile) {
    writeFileSync(logFile, '');
    const keep = (chunk: Buffer) => appendFileSync(logFile, chunk);
    sandbox.stdout!.on('data', keep);
    sandbox.stderr!.on('data', keep);
  }
  let output = '';
  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`the rehearsal sandbox did not start:\n${output}`)),
      // A second sandbox beside the suite's, with its own synth: minutes on a busy 2-core machine.
      420_000,
    );
    const onData = (chunk: Buffer) => {
      output += chunk;
      if (output.includes('Local sandbox ready')) {
        clearTimeout(timer);
        ready();
      }
    };
    sandbox!.stdout!.on('data', onData);
    sandbox!.stderr!.on('data', onData);
    sandbox!.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`the rehearsal sandbox exited (${code}) before it was ready:\n${output}`));
    });
  });
  const outputs = JSON.parse(readFileSync(outputsPath, 'utf8'));
  endpoints = {
    outputsPath,
    caCertPath: outputs.custom.localSandbox.caCertPath,
    inboxUrl: outputs.custom.localSandbox.inboxUrl,
    dynamodbUrl: outputs.custom.localSandbox.dynamodbUrl,
  };
}

async function stopRehearsalSandbox(): Promise<void> {
  if (!sandbox || sandbox.exitCode !== null) return;
  const exited = new Promise((done) => sandbox!.once('exit', done));
  sandbox.kill('SIGTERM');
  await exited;
  const listening = spawnSync('ss', ['-Htlnp'], { encoding: 'utf8' }).stdout ?? '';
  const left = Array.from({ length: 7 }, (_, i) => basePort + i).filter((port) =>
    listening.includes(`:${port} `),
  );
  if (left.length > 0) throw new Error(`the rehearsal sandbox left processes on ports ${left.join(', ')}`);
}

async function inbox<T>(path: string): Promise<T> {
  return (await (await fetch(`${endpoints.inboxUrl}${path}`)).json()) as T;
}

/** Signs in by SMS code, without signing up: the user exists since Gen 1. */
async function signIn(phone: string): Promise<User> {
  const user = new AppUser(phone, endpoints);
  users.push(user);
  await user.call('signIn', { phone });
  const { code } = await inbox<{ code: string }>(`/api/sms/latest?phone=${encodeURIComponent(phone)}`);
  await user.call('confirmSignIn', { code });
  const { sub } = await user.call<{ sub: string }>('session');
  return Object.assign(user, { sub });
}

const pushesTo = async (token: string, messageId: string) =>
  (await inbox<CapturedPush[]>('/api/push?limit=1000')).filter(
    (push) => push.token === token && push.data?.messageId === messageId,
  );

/** The pushes of one message to one token, once no more arrive (a second copy would come with the first). */
async function pushesOnceSettled(token: string, messageId: string): Promise<CapturedPush[]> {
  await eventually('a push to the device', async () =>
    (await pushesTo(token, messageId)).length > 0 ? true : undefined,
  );
  await new Promise((settle) => setTimeout(settle, 1500));
  return pushesTo(token, messageId);
}

/** `npm run gen1:backfill` as docs/migration.md runs it, against the rehearsal's DynamoDB Local. */
function backfill(...flags: string[]): { status: number | null; output: string } {
  const run = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      'scripts/gen1-backfill.ts',
      ...['--branch', 'sandbox', '--adoption-file', join(FIXTURE, 'adoption.json')],
      ...[
        '--endpoint',
        endpoints.dynamodbUrl,
        '--state-dir',
        mkdtempSync(join(tmpdir(), 'bootalk-backfill-')),
      ],
      ...flags,
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

async function send(user: User, body: string): Promise<Message> {
  return ok(
    await user.mutation<Message>('sendMessage', {
      conversationId: MINJI_CONVERSATION,
      kind: 'TEXT',
      body,
      clientMessageId: randomUUID(),
    }),
  );
}

async function membership(user: User): Promise<Member | undefined> {
  const list = ok(
    await user.model<Member[]>('ConversationMember', 'listMembershipsByUser', { userId: user.sub }),
  );
  return list.find((row) => row.conversationId === MINJI_CONVERSATION);
}

let minji: User;
let broker: User;

beforeAll(async () => {
  await startRehearsalSandbox();
  [minji, broker] = await Promise.all([signIn(MINJI.phone), signIn(BROKER.phone)]);
}, 480_000);

afterAll(async () => {
  for (const user of users) user.close();
  await stopRehearsalSandbox();
}, 30_000);

describe('the Gen 1 cutover rehearsed on the local sandbox', () => {
  it('signs existing Gen 1 users in by SMS code with the subs Gen 1 gave them', () => {
    expect(minji.sub).toBe(MINJI.sub);
    expect(broker.sub).toBe(BROKER.sub);
  });

  it('shows a Gen 1 user their conversations and unread counts as Gen 1 left them, and no one else’s', async () => {
    const memberships = ok(
      await minji.model<Member[]>('ConversationMember', 'listMembershipsByUser', { userId: minji.sub }),
    );
    expect(memberships).toEqual([
      expect.objectContaining({
        conversationId: MINJI_CONVERSATION,
        userId: MINJI.sub,
        unreadCount: membershipOf(MINJI.sub).unreadCount,
      }),
    ]);
    expect(membershipOf(MINJI.sub).unreadCount).toBeGreaterThan(0);
    const conversation = ok(
      await minji.model<{ id: string }>('Conversation', 'get', { id: MINJI_CONVERSATION }),
    );
    expect(conversation).toMatchObject({ id: MINJI_CONVERSATION, memberIds: [MINJI.sub, BROKER.sub] });
    // Another Gen 1 conversation of the same broker stays its members' only.
    const other = await minji.model('Conversation', 'get', { id: SEOJUN_CONVERSATION });
    expect(other.data ?? null).toBeNull();
    const otherMessages = await minji.model<Message[]>('Message', 'listMessagesByConversation', {
      conversationId: SEOJUN_CONVERSATION,
    });
    expect(otherMessages.data ?? []).toEqual([]);
  });

  it('shows the history Gen 1 wrote, in order', async () => {
    const history = ok(
      await minji.model<Message[]>(
        'Message',
        'listMessagesByConversation',
        { conversationId: MINJI_CONVERSATION },
        { limit: 100 },
      ),
    );
    const written = itemsOf('Message')
      .filter((row) => row.conversationId === MINJI_CONVERSATION)
      .sort((a, b) => String(a.createdAt).localeCompare(String(b.createdAt)));
    expect(history.map(({ id, senderId, body, createdAt }) => ({ id, senderId, body, createdAt }))).toEqual(
      written.map(({ id, senderId, body, createdAt }) => ({ id, senderId, body, createdAt })),
    );
  });

  it('delivers a new message to the Gen 1 member live, counts it unread for him and pushes it to his Gen 1 device', async () => {
    const received = await broker.subscribe('Message', 'onCreate');
    const sent = await send(minji, '토요일 11시 좋아요. 주차 가능한가요?');
    await eventually('the broker’s subscription to deliver the message', async () =>
      (received as Message[]).some((message) => message.id === sent.id) ? true : undefined,
    );
    const pushed = await eventually('a push to the broker’s Gen 1 device', async () => {
      const pushes = await pushesTo(BROKER.deviceToken, sent.id);
      return pushes.length > 0 ? pushes : undefined;
    });
    expect(pushed).toHaveLength(1);
    expect(pushed[0]).toMatchObject({ data: { type: 'chat.message', conversationId: MINJI_CONVERSATION } });
    // The stream of the adopted Gen 1 table drives the counters, as on a fresh table.
    await eventually('the broker’s unread count to go up', async () =>
      (await membership(broker))?.unreadCount === Number(membershipOf(BROKER.sub).unreadCount) + 1
        ? true
        : undefined,
    );
  });

  it('pushes the Gen 1 member’s reply to the Gen 1 user’s old device', async () => {
    const reply = await send(broker, '네, 지하 주차장 있어요.');
    const pushed = await eventually('a push to 민지’s Gen 1 device', async () => {
      const pushes = await pushesTo(MINJI.deviceToken, reply.id);
      return pushes.length > 0 ? pushes : undefined;
    });
    expect(pushed).toHaveLength(1);
    const history = ok(
      await minji.model<Message[]>(
        'Message',
        'listMessagesByConversation',
        { conversationId: MINJI_CONVERSATION },
        { limit: 100, sortDirection: 'DESC' },
      ),
    );
    expect(history[0]).toMatchObject({ id: reply.id, senderId: BROKER.sub });
  });

  it('pushes once to a Gen 1 phone that registers its token again, before the backfill and after it merged the rows', async () => {
    // The app after the update registers the token Gen 1 knew, now under the token's id.
    const registered = await minji.mutation<{ id: string }>('registerDevice', {
      platform: 'GCM',
      token: MINJI.deviceToken,
      appVersion: '3.0.0',
      locale: 'ko-KR',
    });
    expect(registered.errors, JSON.stringify(registered.errors)).toBeUndefined();
    const tokenId = createHash('sha256').update(MINJI.deviceToken).digest('hex');
    expect(registered.data.id).toBe(tokenId);
    const devices = async () =>
      ok(
        await minji.model<{ id: string; token: string }[]>('Device', 'listDevicesByUser', {
          userId: minji.sub,
        }),
      );
    // Two rows for one phone until the backfill: the Gen 1 one and the new one.
    expect((await devices()).map((device) => device.token)).toEqual([MINJI.deviceToken, MINJI.deviceToken]);
    const before = await send(broker, '주차는 B2에 하시면 됩니다.');
    expect(await pushesOnceSettled(MINJI.deviceToken, before.id)).toHaveLength(1);

    // Runbook step 7: the backfill, planned first, then for real.
    const planned = backfill('--dry-run');
    expect(planned.status, planned.output).toBe(0);
    expect(planned.output).toContain(`would delete Device ${itemsOf('Device')[0]!.id}`);
    expect((await devices()).map((device) => device.id)).toContain(String(itemsOf('Device')[0]!.id));
    const applied = backfill();
    expect(applied.status, applied.output).toBe(0);
    expect(applied.output).toMatch(
      new RegExp(`${TABLES.Device}: \\d+ scanned, 0 deleted, 0 rewritten, 2 devices moved`),
    );
    expect((await devices()).map(({ id, token }) => ({ id, token }))).toEqual([
      { id: tokenId, token: MINJI.deviceToken },
    ]);

    const after = await send(broker, '도착하시면 전화 주세요.');
    expect(await pushesOnceSettled(MINJI.deviceToken, after.id)).toHaveLength(1);
    // The broker's Gen 1 row moved to his token's id: his phone still gets 민지's messages, once.
    const reply = await send(minji, '네, 감사합니다.');
    expect(await pushesOnceSettled(BROKER.deviceToken, reply.id)).toHaveLength(1);
  }, 120_000);
});
