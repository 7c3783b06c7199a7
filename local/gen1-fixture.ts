import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  type CreateTableCommandInput,
  type DynamoDBClient,
  PutItemCommand,
  ResourceInUseException,
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { parseGen1Resources } from '../amplify/migration/gen1-resources';
import type { CognitoUser } from './cognito/user-store';
import { LocalSandboxError } from './dynamodb/dynamodb-local';

/**
 * A Gen 1 data set for a rehearsal of the cutover on the local sandbox (`npm start --
 * --gen1-fixture <dir>`, docs/migration.md "Rehearse locally"). The folder holds what can be
 * exported from the live Gen 1 environment:
 *
 * - `adoption.json`: the adoption file for the sandbox (branch `sandbox`), as gen1:check writes it;
 * - `tables.json`: `{ "Tables": [ … ] }`, each as `aws dynamodb describe-table` shows it (keys,
 *   attribute definitions, indexes, stream): the sandbox creates them so, then checks them as
 *   Amplify's import does, so a Gen 1 table that differs from this backend stops the rehearsal;
 * - `items/<table name>.json`: `{ "Items": [ … ] }`, the items as Gen 1 wrote them, plain JSON
 *   (`__typename`, Gen 1 timestamps, owner fields as they are);
 * - `users.json`: `aws cognito-idp list-users` output: each user keeps their username and `sub`.
 */
export interface Gen1Fixture {
  dir: string;
  /** The adoption file the sandbox synthesizes with. */
  resourcesFile: string;
  tables: CreateTableCommandInput[];
  items: Map<string, Record<string, unknown>[]>;
  users: CognitoUser[];
}

/** The branch name @aws-amplify/backend-data looks sandboxes up by. */
const SANDBOX_BRANCH = 'sandbox';

export function readGen1Fixture(dirArgument: string): Gen1Fixture {
  const dir = resolve(dirArgument);
  const read = (file: string): unknown => {
    const path = join(dir, file);
    if (!existsSync(path)) throw new LocalSandboxError(`The Gen 1 data set ${dir} has no ${file}.`);
    try {
      return JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new LocalSandboxError(`${path} is not JSON: ${(error as Error).message}`);
    }
  };
  const resourcesFile = join(dir, 'adoption.json');
  read('adoption.json');
  const adopted = parseGen1Resources(readFileSync(resourcesFile, 'utf8'), resourcesFile)[SANDBOX_BRANCH];
  if (!adopted || Object.keys(adopted.tables).length === 0) {
    throw new LocalSandboxError(
      `${resourcesFile} maps no tables for the branch "${SANDBOX_BRANCH}" (the name sandboxes adopt under).`,
    );
  }
  const adoptedNames = new Set(Object.values(adopted.tables));

  const tables = ((read('tables.json') as { Tables?: Record<string, unknown>[] }).Tables ?? []).map((table) =>
    createTableInput(table),
  );
  for (const name of adoptedNames) {
    if (!tables.some((table) => table.TableName === name)) {
      throw new LocalSandboxError(`${join(dir, 'tables.json')} does not describe the adopted table ${name}.`);
    }
  }

  const items = new Map<string, Record<string, unknown>[]>();
  const itemsDir = join(dir, 'items');
  for (const file of existsSync(itemsDir) ? readdirSync(itemsDir).sort() : []) {
    if (!file.endsWith('.json')) continue;
    const tableName = basename(file, '.json');
    if (!tables.some((table) => table.TableName === tableName)) {
      throw new LocalSandboxError(`items/${file}: ${tableName} is not a table of tables.json.`);
    }
    const { Items } = read(join('items', file)) as { Items?: Record<string, unknown>[] };
    items.set(tableName, Items ?? []);
  }

  const users = ((read('users.json') as { Users?: ListedUser[] }).Users ?? []).map(cognitoUser);
  return { dir, resourcesFile, tables, items, users };
}

/** Only what `describe-table` shows that CreateTable takes; Gen 1 tables are on-demand. */
function createTableInput(table: Record<string, unknown>): CreateTableCommandInput {
  const stream = table.StreamSpecification as
    | { StreamEnabled?: boolean; StreamViewType?: string }
    | undefined;
  const indexes = (table.GlobalSecondaryIndexes ?? []) as Record<string, unknown>[];
  return {
    TableName: String(table.TableName),
    KeySchema: table.KeySchema as CreateTableCommandInput['KeySchema'],
    AttributeDefinitions: table.AttributeDefinitions as CreateTableCommandInput['AttributeDefinitions'],
    BillingMode: 'PAY_PER_REQUEST',
    ...(indexes.length > 0
      ? {
          GlobalSecondaryIndexes: indexes.map((index) => ({
            IndexName: String(index.IndexName),
            KeySchema: index.KeySchema as CreateTableCommandInput['KeySchema'],
            Projection: index.Projection as { ProjectionType: 'ALL' },
          })),
        }
      : {}),
    ...(stream?.StreamEnabled
      ? {
          StreamSpecification: {
            StreamEnabled: true,
            StreamViewType: stream.StreamViewType as 'NEW_AND_OLD_IMAGES',
          },
        }
      : {}),
  };
}

/** One user of `aws cognito-idp list-users`. */
interface ListedUser {
  Username: string;
  Attributes?: { Name: string; Value: string }[];
  Enabled?: boolean;
  UserStatus?: string;
  UserCreateDate?: string;
  UserLastModifiedDate?: string;
}

function cognitoUser(listed: ListedUser): CognitoUser {
  const attributes = Object.fromEntries((listed.Attributes ?? []).map(({ Name, Value }) => [Name, Value]));
  if (!attributes.sub) throw new LocalSandboxError(`users.json: ${listed.Username} has no sub attribute.`);
  if (listed.UserStatus !== 'CONFIRMED' && listed.UserStatus !== 'UNCONFIRMED') {
    throw new LocalSandboxError(
      `users.json: ${listed.Username} is ${listed.UserStatus}; the local pool keeps CONFIRMED and UNCONFIRMED users.`,
    );
  }
  const createdAt = Date.parse(listed.UserCreateDate ?? '') || Date.now();
  return {
    username: listed.Username,
    sub: attributes.sub,
    attributes,
    enabled: listed.Enabled !== false,
    status: listed.UserStatus,
    groups: [],
    createdAt,
    updatedAt: Date.parse(listed.UserLastModifiedDate ?? '') || createdAt,
  };
}

/**
 * Creates the Gen 1 tables as described (an existing table is kept) and puts each item that is
 * not there yet, so a persisted sandbox keeps what the rehearsal changed. Runs before the sandbox
 * checks the adopted tables and before its stream pollers start (they start at LATEST, as the
 * deployed event source mappings do: Gen 1's items are history, not new events).
 */
export async function loadGen1Tables(
  client: DynamoDBClient,
  fixture: Pick<Gen1Fixture, 'tables' | 'items'>,
): Promise<{ tables: number; items: number }> {
  for (const table of fixture.tables) {
    try {
      await client.send(new CreateTableCommand(table));
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
    }
  }
  let loaded = 0;
  for (const [tableName, items] of fixture.items) {
    const keys = fixture.tables.find((table) => table.TableName === tableName)!.KeySchema ?? [];
    for (const item of items) {
      try {
        await client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: marshall(item, { removeUndefinedValues: true }),
            ConditionExpression: `attribute_not_exists(#key)`,
            ExpressionAttributeNames: { '#key': keys[0]!.AttributeName! },
          }),
        );
        loaded += 1;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
  }
  return { tables: fixture.tables.length, items: loaded };
}
