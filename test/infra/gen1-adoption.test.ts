import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCloudAssembly } from '../../local/assembly/cloud-assembly';
import { functionNames } from '../../local/assembly/functions';
import { createResolver } from '../../local/assembly/intrinsics';
import { type BackendInventory, readInventory } from '../../local/assembly/inventory';
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../../local/contracts';
import { importMismatches } from '../../local/dynamodb/dynamodb-local';
import { readGen1Fixture } from '../../local/gen1-fixture';
import { GEN1_ADOPTION_FIXTURE, type Synth, synth } from './synth';

const ROOT = resolve(import.meta.dirname, '../..');
const URLS = {
  awsUrl: 'http://127.0.0.1:1',
  graphqlUrl: 'https://127.0.0.1:2/graphql',
  realtimeUrl: 'wss://127.0.0.1:2/graphql/realtime',
  restApiUrl: 'http://127.0.0.1:3',
};
const ADOPTED: Record<string, string> = JSON.parse(readFileSync(GEN1_ADOPTION_FIXTURE, 'utf8'))[
  'gen1-rehearsal'
].tables;

let adopted: Synth;
let prod: Synth;
let inventory: BackendInventory;
/** Every IAM policy statement's resources, with every intrinsic resolved as the sandbox does. */
let grantedResources: string[];

beforeAll(async () => {
  [adopted, prod] = await Promise.all([synth('gen1Adopted'), synth('prod')]);
  const loaded = loadCloudAssembly(adopted.dir);
  // The infra synth bundles no functions: their code assets are absent, and not needed here.
  const assembly = {
    ...loaded,
    assetPath: (hash: string) => {
      try {
        return loaded.assetPath(hash);
      } catch {
        return `${adopted.dir}/asset.${hash}`;
      }
    },
  };
  inventory = readInventory(assembly, URLS, { functionNames: functionNames(ROOT) });
  const resolver = createResolver(URLS);
  grantedResources = assembly.stacks.flatMap((stack) =>
    Object.values(stack.template.Resources ?? {})
      .filter((resource) => resource.Type === 'AWS::IAM::Policy')
      .flatMap((resource) => {
        const document = resolver.resolve(stack, resource.Properties?.PolicyDocument) as {
          Statement: { Resource?: unknown }[];
        };
        return document.Statement.flatMap(({ Resource }) => [Resource ?? []].flat().map(String));
      }),
  );
});

/** A table this branch would have created for a model: `<Model>-<apiId>-NONE`. */
const freshTableOf = (model: string) => new RegExp(`\\b${model}-[a-z0-9]+-NONE\\b`);

describe('a branch that adopts Gen 1 tables', () => {
  it('imports each mapped table by its Gen 1 name and creates no new table for those models', () => {
    const imported = adopted.resourcesOfType('Custom::ImportedAmplifyDynamoDBTable');
    expect(imported.map(({ resource }) => resource.Properties!.tableName).sort()).toEqual(
      Object.values(ADOPTED).sort(),
    );
    for (const { resource } of imported) expect(resource.Properties!.isImported).toBe(true);
    const created = inventory.tables.filter((table) => !table.imported).map((table) => table.tableName);
    for (const model of Object.keys(ADOPTED)) {
      expect(
        created.filter((name) => freshTableOf(model).test(name)),
        model,
      ).toEqual([]);
    }
    // Models without a mapping keep fresh tables.
    expect(created.some((name) => freshTableOf('Notification').test(name))).toBe(true);
  });

  it('keeps the adopted tables keys, indexes and NEW_AND_OLD_IMAGES stream, so the import validates them', () => {
    const message = inventory.tables.find((table) => table.tableName === ADOPTED.Message)!;
    expect(message).toMatchObject({
      imported: true,
      streamViewType: 'NEW_AND_OLD_IMAGES',
      modelName: 'Message',
    });
    expect(message.keySchema).toEqual([{ AttributeName: 'id', KeyType: 'HASH' }]);
    expect(message.globalSecondaryIndexes.map((index) => index.IndexName)).toContain(
      'messagesByConversationIdAndCreatedAt',
    );
    for (const model of Object.keys(ADOPTED)) {
      const table = inventory.tables.find((entry) => entry.tableName === ADOPTED[model]);
      expect(table?.streamViewType, model).toBe('NEW_AND_OLD_IMAGES');
    }
    // A model with its own identifier keeps it (Amplify's transformer alone would import it keyed on id).
    const member = inventory.tables.find((table) => table.tableName === ADOPTED.ConversationMember)!;
    expect(member.keySchema).toEqual([
      { AttributeName: 'conversationId', KeyType: 'HASH' },
      { AttributeName: 'userId', KeyType: 'RANGE' },
    ]);
  });

  it("gives functions the Gen 1 table names in their settings and never a fresh table's", () => {
    const env = (name: string) => inventory.functions.find((fn) => fn.name === name)!.environment;
    expect(env('chat-reminder').CONVERSATION_MEMBER_TABLE_NAME).toBe(ADOPTED.ConversationMember);
    expect(env('push-sender').DEVICE_TABLE_NAME).toBe(ADOPTED.Device);
    expect(env('broker-matching').CONVERSATION_TABLE_NAME).toBe(ADOPTED.Conversation);
    // message-push reads the message of a message.sent event by key.
    expect(env('message-push').MESSAGE_TABLE_NAME).toBe(ADOPTED.Message);
    expect(env('user-delete-cascade')).toMatchObject({
      USER_PROFILE_TABLE_NAME: ADOPTED.UserProfile,
      MESSAGE_TABLE_NAME: ADOPTED.Message,
      DEVICE_TABLE_NAME: ADOPTED.Device,
    });
    // Table names a function reads for the model through the data client (AMPLIFY_DATA_*) aside,
    // no setting names a table this branch did not create.
    for (const fn of inventory.functions) {
      for (const [variable, value] of Object.entries(fn.environment)) {
        for (const model of Object.keys(ADOPTED)) {
          expect(freshTableOf(model).test(value), `${fn.name} ${variable}`).toBe(false);
        }
      }
    }
    const parameter = inventory.ssmParameters.find((entry) => entry.name.endsWith('/user-profile-table'));
    if (parameter) expect(parameter.value).toBe(ADOPTED.UserProfile);
  });

  it('grants on the Gen 1 tables and their indexes, never on a table of the same model this branch would create', () => {
    const dynamodb = grantedResources.filter((resource) => resource.includes(':dynamodb:'));
    expect(dynamodb).toContain(`arn:aws:dynamodb:${LOCAL_REGION}:${LOCAL_ACCOUNT}:table/${ADOPTED.Device}`);
    expect(dynamodb.some((arn) => arn.endsWith(`table/${ADOPTED.Device}/index/devicesByUserId`))).toBe(true);
    expect(dynamodb.some((arn) => arn.endsWith(`table/${ADOPTED.ConversationMember}`))).toBe(true);
    for (const model of Object.keys(ADOPTED)) {
      expect(
        dynamodb.filter((arn) => freshTableOf(model).test(arn)),
        model,
      ).toEqual([]);
    }
  });

  it("binds every model stream to the adopted table's stream", () => {
    const streams = inventory.eventSourceMappings.flatMap((mapping) =>
      mapping.source.kind === 'dynamodb-stream'
        ? [{ fn: mapping.functionName, table: mapping.source.tableName }]
        : [],
    );
    expect(streams).toEqual(
      expect.arrayContaining([
        { fn: 'message-unread-counter', table: ADOPTED.Message },
        { fn: 'message-legacy-sync', table: ADOPTED.Message },
        { fn: 'message-read-receipt', table: ADOPTED.ConversationMember },
        { fn: 'conversation-created', table: ADOPTED.Conversation },
        { fn: 'user-delete-cascade', table: ADOPTED.UserProfile },
      ]),
    );
    for (const { fn, table } of streams) {
      for (const model of Object.keys(ADOPTED)) expect(freshTableOf(model).test(table), fn).toBe(false);
    }
  });

  it('matches the rehearsal data set (test/fixtures/gen1/rehearsal) table for table, as the import compares them', () => {
    const rehearsal = readGen1Fixture(resolve(ROOT, 'test/fixtures/gen1/rehearsal'));
    for (const described of rehearsal.tables) {
      const expected = inventory.tables.find((table) => table.tableName === described.TableName);
      expect(expected?.imported, described.TableName).toBe(true);
      expect(
        importMismatches(expected!, described as unknown as Record<string, unknown>),
        described.TableName,
      ).toEqual([]);
    }
  });

  it('applies nothing of the adoption file to a branch it does not list', () => {
    expect(prod.resourcesOfType('Custom::ImportedAmplifyDynamoDBTable')).toEqual([]);
  });
});
