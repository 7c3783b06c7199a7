import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../local/dynamodb/dynamodb-local';
import { loadGen1Tables, readGen1Fixture } from '../../local/gen1-fixture';
import { freePort } from '../../local/ports/free-port';

const FIXTURE = resolve(import.meta.dirname, '../fixtures/gen1/rehearsal');
const MINJI = '3f6c1d2e-8a4b-4c7d-9e1f-2a3b4c5d6e70';
const PROFILES = 'UserProfile-x7k2m4q9r1t5w8y3z6b0c2d4e6-prod';

/** A copy of the rehearsal data set with one file replaced. */
function fixtureWith(file: string, content: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'bootalk-gen1-fixture-'));
  cpSync(FIXTURE, dir, { recursive: true });
  writeFileSync(join(dir, file), JSON.stringify(content));
  return dir;
}

describe('reading a Gen 1 data set', () => {
  it('keeps each Gen 1 user with their own username and sub, and the adoption file for the sandbox branch', () => {
    const fixture = readGen1Fixture(FIXTURE);
    expect(fixture.resourcesFile).toBe(join(FIXTURE, 'adoption.json'));
    const minji = fixture.users.find((user) => user.sub === MINJI)!;
    expect(minji).toMatchObject({
      username: MINJI,
      status: 'CONFIRMED',
      enabled: true,
      attributes: { sub: MINJI, phone_number: '+821027150001', phone_number_verified: 'true' },
      createdAt: Date.parse('2024-03-02T01:12:44.000Z'),
    });
    expect(fixture.tables.map((table) => table.TableName).sort()).toEqual(
      Object.values(
        JSON.parse(readFileSync(join(FIXTURE, 'adoption.json'), 'utf8')).sandbox.tables as Record<
          string,
          string
        >,
      ).sort(),
    );
  });

  it('refuses a data set whose adoption file maps nothing for the sandbox branch', () => {
    const dir = fixtureWith('adoption.json', { main: { tables: {} } });
    expect(() => readGen1Fixture(dir)).toThrow('maps no tables for the branch "sandbox"');
  });

  it('refuses a data set that does not describe an adopted table', () => {
    const dir = fixtureWith('tables.json', { Tables: [] });
    expect(() => readGen1Fixture(dir)).toThrow(`does not describe the adopted table ${PROFILES}`);
  });

  it('refuses a user without a sub, since every row is keyed by it', () => {
    const dir = fixtureWith('users.json', {
      Users: [{ Username: 'someone', Attributes: [], UserStatus: 'CONFIRMED', Enabled: true }],
    });
    expect(() => readGen1Fixture(dir)).toThrow('someone has no sub attribute');
  });
});

describe('loading a Gen 1 data set into DynamoDB Local', () => {
  let local: DynamoDbLocal;
  beforeAll(async () => {
    local = await startDynamoDbLocal({ port: await freePort() });
  }, 60_000);
  afterAll(() => local?.stop());

  const profile = async () =>
    unmarshall(
      (await local.client.send(new GetItemCommand({ TableName: PROFILES, Key: { id: { S: MINJI } } }))).Item!,
    );

  it('creates the tables under their Gen 1 names with the items as Gen 1 wrote them', async () => {
    const fixture = readGen1Fixture(FIXTURE);
    const loaded = await loadGen1Tables(local.client, fixture);
    expect(loaded).toEqual({
      tables: 5,
      items: [...fixture.items.values()].reduce((sum, items) => sum + items.length, 0),
    });
    expect(await profile()).toMatchObject({
      __typename: 'UserProfile',
      id: MINJI,
      nickname: '민지',
      createdAt: '2024-03-02T01:13:05.218Z',
    });
  });

  it('puts only what is missing when loaded again, so a persisted rehearsal keeps its changes', async () => {
    await local.client.send(
      new UpdateItemCommand({
        TableName: PROFILES,
        Key: { id: { S: MINJI } },
        UpdateExpression: 'SET nickname = :n',
        ExpressionAttributeValues: { ':n': { S: '민지맘' } },
      }),
    );
    const again = await loadGen1Tables(local.client, readGen1Fixture(FIXTURE));
    expect(again.items).toBe(0);
    expect((await profile()).nickname).toBe('민지맘');
  });
});
