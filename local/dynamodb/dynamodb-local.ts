import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  type DescribeTableCommandOutput,
  DynamoDBClient,
  ListTablesCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import type { TableSpec } from '../contracts';
import { localEngineClientConfig } from './engine-client';

/**
 * DynamoDB Local, from the jar the npm package amplify-dynamodb-simulator ships (no
 * download), started with Java 17+. In memory unless a folder is given to keep data in.
 */

export class LocalSandboxError extends Error {
  override name = 'LocalSandboxError';
}

export interface DynamoDbLocal {
  url: string;
  client: DynamoDBClient;
  /** Java's process id. */
  pid: number | undefined;
  stop(): Promise<void>;
}

function emulatorFolder(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('amplify-dynamodb-simulator/package.json')), 'emulator');
}

/** Java's major version, or undefined when there is no `java` on the PATH. */
export function javaMajorVersion(): number | undefined {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (result.error) return undefined;
  const match = /version "(\d+)(?:\.(\d+))?/.exec(`${result.stderr}${result.stdout}`);
  if (!match) return undefined;
  const major = Number(match[1]);
  return major === 1 ? Number(match[2]) : major;
}

export async function startDynamoDbLocal(options: {
  port: number;
  dataDir?: string;
  /** Ignore SIGINT: the caller stops it when everything reading it has stopped (`npm start`). */
  ignoreInterrupt?: boolean;
}): Promise<DynamoDbLocal> {
  const java = javaMajorVersion();
  if (java === undefined) {
    throw new LocalSandboxError(
      'Java was not found. DynamoDB Local needs Java 17 or newer (e.g. apt-get install openjdk-17-jre-headless).',
    );
  }
  if (java < 17) throw new LocalSandboxError(`DynamoDB Local needs Java 17 or newer; found Java ${java}.`);

  const folder = emulatorFolder();
  const storage = options.dataDir ? ['-dbPath', options.dataDir] : ['-inMemory'];
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const args = [
    `-Djava.library.path=${join(folder, 'DynamoDBLocal_lib')}`,
    '-jar',
    'DynamoDBLocal.jar',
    ...storage,
    '-sharedDb',
    '-disableTelemetry',
    '-port',
    String(options.port),
  ];
  // A terminal's Ctrl-C goes to the whole process group: DynamoDB Local gone first left the
  // pollers reading a closed port. With ignoreInterrupt Java ignores SIGINT (an ignored signal
  // stays ignored across exec) and is stopped last, by stop(), or killed when this process exits.
  const child: ChildProcess = options.ignoreInterrupt
    ? spawn('sh', ['-c', `trap '' INT; exec java "$@"`, 'java', ...args], {
        cwd: folder,
        stdio: ['ignore', 'pipe', 'pipe'],
      })
    : spawn('java', args, { cwd: folder, stdio: ['ignore', 'pipe', 'pipe'] });
  const killOnExit = () => child.kill('SIGKILL');
  if (options.ignoreInterrupt) {
    process.once('exit', killOnExit);
    child.once('exit', () => process.off('exit', killOnExit));
  }
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });

  const url = `http://127.0.0.1:${options.port}`;
  const client = new DynamoDBClient(localEngineClientConfig(url));
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) =>
      reject(
        new LocalSandboxError(`DynamoDB Local exited (code ${code}) before it was ready:\n${output.trim()}`),
      ),
    ),
  );
  exited.catch(() => undefined);
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await Promise.race([client.send(new ListTablesCommand({})), exited]);
      break;
    } catch (error) {
      if (error instanceof LocalSandboxError) throw error;
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new LocalSandboxError(`DynamoDB Local did not answer on port ${options.port} within 30 s.`);
      }
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  }
  return {
    url,
    client,
    pid: child.pid,
    async stop() {
      if (child.exitCode !== null) return;
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await gone;
      clearTimeout(timer);
    },
  };
}

/** Creates each table as synthesized (keys, indexes, stream, TTL); an existing table is kept. */
export async function createTables(client: DynamoDBClient, tables: readonly TableSpec[]): Promise<void> {
  // All at once: DynamoDB Local answers each CreateTable in tens of milliseconds, one by one 12
  // of them were ~0.6 s of a warm start.
  const settled = await Promise.allSettled(tables.map((table) => createTable(client, table)));
  const failed = settled.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
}

async function createTable(client: DynamoDBClient, table: TableSpec): Promise<void> {
  if (table.imported) {
    await checkImportedTable(client, table);
    return;
  }
  try {
    await client.send(
      new CreateTableCommand({
        TableName: table.tableName,
        KeySchema: table.keySchema,
        AttributeDefinitions: table.attributeDefinitions,
        BillingMode: 'PAY_PER_REQUEST',
        ...(table.globalSecondaryIndexes.length > 0
          ? { GlobalSecondaryIndexes: table.globalSecondaryIndexes }
          : {}),
        ...(table.streamViewType
          ? { StreamSpecification: { StreamEnabled: true, StreamViewType: table.streamViewType } }
          : {}),
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
    return;
  }
  if (table.ttlAttribute) {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: table.tableName,
        TimeToLiveSpecification: { AttributeName: table.ttlAttribute, Enabled: true },
      }),
    );
  }
}

/**
 * An adopted Gen 1 table is never created: as Amplify's import on AWS, it must exist and match
 * the synthesized keys, indexes and stream exactly (import-table.ts in
 * @aws-amplify/graphql-model-transformer), or the sandbox refuses to start.
 */
export async function checkImportedTable(client: DynamoDBClient, table: TableSpec): Promise<void> {
  let described: DescribeTableCommandOutput;
  try {
    described = await client.send(new DescribeTableCommand({ TableName: table.tableName }));
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
    throw new LocalSandboxError(
      `${table.logicalId}: the adopted Gen 1 table ${table.tableName} does not exist. Load the Gen 1 ` +
        'data set first (npm start -- --gen1-fixture <dir>) or remove the branch from the adoption file.',
    );
  }
  const problems = importMismatches(table, (described.Table ?? {}) as Record<string, unknown>);
  if (problems.length > 0) {
    throw new LocalSandboxError(
      `${table.logicalId}: the adopted Gen 1 table ${table.tableName} differs from this backend: ` +
        `${problems.join('; ')}. Run npm run gen1:check for what to do.`,
    );
  }
}

/** What Amplify's import compares: keys, attribute types, every index, the stream. */
export function importMismatches(expected: TableSpec, actual: Record<string, unknown>): string[] {
  // Each entry as `name:type`, sorted, as Amplify's import sorts before comparing.
  const pairs = (list: unknown, second: 'KeyType' | 'AttributeType') =>
    ((list ?? []) as Record<string, string>[])
      .map((entry) => `${entry.AttributeName}:${entry[second]}`)
      .sort();
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  const problems: string[] = [];
  const keys = (list: unknown) => pairs(list, 'KeyType');
  if (!same(keys(actual.KeySchema), keys(expected.keySchema))) {
    problems.push(`key schema ${keys(actual.KeySchema)} ≠ ${keys(expected.keySchema)}`);
  }
  const attributes = (list: unknown) => pairs(list, 'AttributeType');
  if (!same(attributes(actual.AttributeDefinitions), attributes(expected.attributeDefinitions))) {
    problems.push(
      `attribute definitions ${attributes(actual.AttributeDefinitions)} ≠ ${attributes(expected.attributeDefinitions)}`,
    );
  }
  const indexes = (list: unknown) =>
    ((list ?? []) as { IndexName: string; KeySchema: unknown; Projection?: { ProjectionType?: string } }[])
      .map((index) => `${index.IndexName}(${keys(index.KeySchema)};${index.Projection?.ProjectionType})`)
      .sort();
  if (!same(indexes(actual.GlobalSecondaryIndexes), indexes(expected.globalSecondaryIndexes))) {
    problems.push(
      `global secondary indexes ${indexes(actual.GlobalSecondaryIndexes)} ≠ ${indexes(expected.globalSecondaryIndexes)}`,
    );
  }
  const stream = actual.StreamSpecification as
    | { StreamEnabled?: boolean; StreamViewType?: string }
    | undefined;
  const actualStream = stream?.StreamEnabled ? stream.StreamViewType : undefined;
  if (actualStream !== expected.streamViewType) {
    problems.push(`stream ${actualStream ?? 'off'} ≠ ${expected.streamViewType ?? 'off'}`);
  }
  return problems;
}
