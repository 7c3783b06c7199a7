import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../local/dynamodb/dynamodb-local';
import { loadGen1Tables, readGen1Fixture } from '../../local/gen1-fixture';
import { freePort } from '../../local/ports/free-port';
import { runBackfill } from '../../scripts/gen1/backfill';

// `npm run gen1:backfill` end to end against DynamoDB Local: Gen 1-named tables holding the
// rehearsal data set plus what Gen 1 leaves that this backend reads otherwise (a DataStore soft
// delete, `sub::username` owners, device rows under random ids, one token on two rows).

const ROOT = resolve(import.meta.dirname, '../..');
const FIXTURE = readGen1Fixture(join(ROOT, 'test/fixtures/gen1/rehearsal'));
const MODELS: Record<string, string> = Object.fromEntries(
  FIXTURE.tables.map((table) => [String(table.TableName).split('-')[0], String(table.TableName)]),
);
const itemsOf = (model: string) => FIXTURE.items.get(MODELS[model]!) ?? [];
const sha256 = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

const [MINJI_DEVICE, BROKER_DEVICE] = itemsOf('Device') as Record<string, string>[];
const BROKER = BROKER_DEVICE!.userId!;
const SEOJUN = String(itemsOf('UserProfile').find((row) => row.nickname === '서준')!.id);
const [FIRST_MESSAGE] = itemsOf('Message');
const [FIRST_CONVERSATION] = itemsOf('Conversation');

/** The Gen 1 items beyond the data set's: what the backfill is for. */
const EXTRA: Record<string, Record<string, unknown>[]> = {
  Message: [
    // DataStore (conflict detection on) deleted it softly.
    {
      ...FIRST_MESSAGE,
      id: '9c1d2e3f-0000-4a5b-8c6d-7e8f9a0b1c2d',
      body: '삭제된 메시지',
      _version: 2,
      _lastChangedAt: 1761531000000,
      _deleted: true,
      _ttl: 1764123000,
    },
  ],
  Device: [
    // 민지's phone registered again after the cutover: a row under her token's id, seen later.
    {
      ...MINJI_DEVICE,
      id: sha256(MINJI_DEVICE!.token!),
      appVersion: '3.0.0',
      lastSeenAt: '2026-01-05T08:00:00.000Z',
      updatedAt: '2026-01-05T08:00:00.000Z',
      createdAt: '2026-01-05T08:00:00.000Z',
    },
    // The broker's phone was 서준's before: Gen 1 kept a second row for the same token.
    {
      ...BROKER_DEVICE,
      id: '1e2f3a4b-5c6d-4e7f-8a9b-0c1d2e3f4a5b',
      userId: SEOJUN,
      lastSeenAt: '2024-07-01T00:00:00.000Z',
      createdAt: '2024-06-14T09:05:00.000Z',
      updatedAt: '2024-07-01T00:00:00.000Z',
    },
  ],
};
/** Owner values under Gen 1's default identity claim (`<sub>::<username>`). */
const OWNED: Record<string, (item: Record<string, unknown>) => Record<string, unknown>> = {
  Conversation: (item) =>
    item.id === FIRST_CONVERSATION!.id ? { ...item, owner: `${BROKER}::${BROKER}` } : item,
  Message: (item) =>
    item.id === FIRST_MESSAGE!.id
      ? { ...item, memberIds: (item.memberIds as string[]).map((sub) => `${sub}::${sub}`) }
      : item,
};

/** The data set under its tables' names for one Gen 1 env (one copy per test). */
function gen1Env(env: string) {
  const name = (model: string) => MODELS[model]!.replace(/-prod$/, `-${env}`);
  return {
    tables: Object.fromEntries(Object.keys(MODELS).map((model) => [model, name(model)])),
    fixture: {
      tables: FIXTURE.tables.map((table) => ({
        ...table,
        TableName: name(String(table.TableName).split('-')[0]!),
      })),
      items: new Map(
        Object.keys(MODELS).map((model) => [
          name(model),
          [...itemsOf(model), ...(EXTRA[model] ?? [])].map((item) => (OWNED[model] ?? ((row) => row))(item)),
        ]),
      ),
    },
  };
}

const ENVS = ['dry', 'full', 'stop'] as const;
let dynamo: DynamoDbLocal;
let documents: DynamoDBDocumentClient;
let adoptionFile: string;
const envs = Object.fromEntries(ENVS.map((env) => [env, gen1Env(env)]));

beforeAll(async () => {
  dynamo = await startDynamoDbLocal({ port: await freePort() });
  documents = DynamoDBDocumentClient.from(dynamo.client);
  for (const env of ENVS) await loadGen1Tables(dynamo.client, envs[env]!.fixture);
  adoptionFile = join(mkdtempSync(join(tmpdir(), 'bootalk-backfill-')), 'gen1-resources.json');
  writeFileSync(
    adoptionFile,
    JSON.stringify(Object.fromEntries(ENVS.map((env) => [env, { tables: envs[env]!.tables }]))),
  );
}, 60_000);

afterAll(async () => {
  await dynamo?.stop();
});

/** Every item of an env's tables, per model, in key order. */
async function stateOf(env: (typeof ENVS)[number]) {
  const state: Record<string, Record<string, unknown>[]> = {};
  for (const [model, tableName] of Object.entries(envs[env]!.tables)) {
    const { Items = [] } = await dynamo.client.send(
      new ScanCommand({ TableName: tableName, ConsistentRead: true }),
    );
    state[model] = Items.map((item) => unmarshall(item)).sort((a, b) =>
      `${a.id ?? a.conversationId}/${a.userId ?? ''}`.localeCompare(
        `${b.id ?? b.conversationId}/${b.userId ?? ''}`,
      ),
    );
  }
  return state;
}

/** The real command, as a person runs it (npm run gen1:backfill), against DynamoDB Local. */
function backfill(branch: string, stateDir: string, ...flags: string[]) {
  return new Promise<{ code: number | null; output: string }>((done) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'scripts/gen1-backfill.ts',
        ...['--branch', branch, '--adoption-file', adoptionFile, '--endpoint', dynamo.url],
        ...['--state-dir', stateDir],
        ...flags,
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.once('exit', (code) => done({ code, output }));
  });
}

const freshStateDir = () => mkdtempSync(join(tmpdir(), 'bootalk-backfill-state-'));

describe('npm run gen1:backfill against DynamoDB Local', () => {
  it('with --dry-run prints the plan and changes nothing', async () => {
    const before = await stateOf('dry');
    const stateDir = freshStateDir();
    const { code, output } = await backfill('dry', stateDir, '--dry-run');
    expect(code).toBe(0);
    expect(await stateOf('dry')).toEqual(before);
    expect(readdirSync(stateDir)).toEqual([]);
    const tables = envs.dry!.tables;
    expect(output).toContain(`${tables.Message}: starting (dry run: nothing is written)`);
    expect(output).toContain(`would delete Message ${EXTRA.Message![0]!.id} (soft-deleted)`);
    expect(output).toContain(`would rewrite Message ${FIRST_MESSAGE!.id}: memberIds`);
    expect(output).toContain(`would rewrite Conversation ${FIRST_CONVERSATION!.id}: owner`);
    expect(output).toContain(`would move Device ${BROKER_DEVICE!.id} to ${sha256(BROKER_DEVICE!.token!)}`);
    expect(output).toContain(
      `would delete Device ${MINJI_DEVICE!.id} (its token has a row under its own id already)`,
    );
    expect(output).toContain(
      `${tables.Device}: 4 scanned, 0 to delete, 0 to rewrite, 3 devices to move to their token’s id, 0 changed meanwhile`,
    );
    expect(output).toMatch(
      new RegExp(`${tables.Message}: \\d+ scanned, 1 to delete, 1 to rewrite, 0 devices`),
    );
  }, 60_000);

  it('rewrites the Gen 1 items once, and a second run finds nothing more to do', async () => {
    const stateDir = freshStateDir();
    const first = await backfill('full', stateDir);
    expect(first.code).toBe(0);
    const tables = envs.full!.tables;
    expect(first.output).toContain(`${tables.UserProfile}: 3 scanned, 0 deleted, 0 rewritten, 0 devices`);
    // The scan may meet a moved row again under its new id (it plans nothing then): no fixed count.
    expect(first.output).toMatch(
      new RegExp(
        `${tables.Device}: \\d+ scanned, 0 deleted, 0 rewritten, 3 devices moved to their token’s id, 0 changed meanwhile`,
      ),
    );
    expect(first.output).toMatch(
      new RegExp(`${tables.Message}: \\d+ scanned, 1 deleted, 1 rewritten, 0 devices`),
    );

    const after = await stateOf('full');
    // One row per token, under the token's id, each the most recently seen registration of it.
    expect(after.Device).toEqual(
      [EXTRA.Device![0], { ...BROKER_DEVICE, id: sha256(BROKER_DEVICE!.token!) }].sort((a, b) =>
        String(a!.id).localeCompare(String(b!.id)),
      ),
    );
    expect(after.Message!.map((row) => row.id)).not.toContain(EXTRA.Message![0]!.id);
    expect(after.Message!.find((row) => row.id === FIRST_MESSAGE!.id)).toEqual(FIRST_MESSAGE);
    expect(after.Conversation!.find((row) => row.id === FIRST_CONVERSATION!.id)).toEqual({
      ...FIRST_CONVERSATION,
      owner: BROKER,
    });
    // What Gen 1 wrote in this backend's form already is left as it was.
    expect(after.UserProfile).toEqual((await stateOf('dry')).UserProfile);
    expect(after.ConversationMember).toEqual((await stateOf('dry')).ConversationMember);
    expect(readdirSync(stateDir)).toEqual([]);

    const second = await backfill('full', stateDir);
    expect(second.code).toBe(0);
    expect(await stateOf('full')).toEqual(after);
    for (const tableName of Object.values(tables)) {
      expect(second.output).toMatch(
        new RegExp(
          `${tableName}: \\d+ scanned, 0 deleted, 0 rewritten, 0 devices moved to their token’s id, 0 changed`,
        ),
      );
    }
  }, 90_000);

  it('stopped part way, resumes where it stopped and ends as an uninterrupted run does', async () => {
    const stateDir = freshStateDir();
    const tables = envs.stop!.tables;
    const stop = new AbortController();
    const lines: string[] = [];
    // Stopped (as Ctrl-C does) after the second Device row, one item a page.
    const interrupted = await runBackfill({
      tables,
      client: documents,
      dryRun: false,
      stateDir,
      pageSize: 1,
      signal: stop.signal,
      log: (line) => {
        lines.push(line);
        if (line.startsWith(`${tables.Device}: 1 scanned`)) stop.abort();
      },
    });
    expect(interrupted.stopped).toBe(true);
    expect(lines.at(-1)).toMatch(
      new RegExp(`^${tables.Device}: stopped; run the same command again to resume after `),
    );
    expect(existsSync(join(stateDir, `${tables.Device}.json`))).toBe(true);
    expect(interrupted.counts.Device!.scanned).toBe(2);
    expect(interrupted.counts.Message).toBeUndefined();

    const resumed = await backfill('stop', stateDir, '--page-size', '1');
    expect(resumed.code).toBe(0);
    expect(resumed.output).toContain(`${tables.UserProfile}: starting`);
    expect(resumed.output).toContain(`${tables.Device}: resuming`);
    // What was done before the stop is not done again, and nothing is left out.
    const movedOnResume = [
      ...resumed.output.matchAll(new RegExp(`${tables.Device}: \\d+ scanned, .*, (\\d+) devices moved`, 'g')),
    ];
    expect(interrupted.counts.Device!.moved + Number(movedOnResume.at(-1)![1])).toBe(3);
    expect(readdirSync(stateDir)).toEqual([]);

    const uninterrupted = await backfill('full', freshStateDir());
    expect(uninterrupted.code).toBe(0);
    const renamed = (state: Awaited<ReturnType<typeof stateOf>>) => JSON.stringify(state);
    expect(renamed(await stateOf('stop'))).toBe(renamed(await stateOf('full')));
  }, 90_000);
});
