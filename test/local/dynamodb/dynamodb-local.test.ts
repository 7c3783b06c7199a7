import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { createTables, startDynamoDbLocal } from '../../../local/dynamodb/dynamodb-local';
import { freePort } from '../../../local/ports/free-port';

const table = {
  logicalId: 'Things',
  tableName: 'things',
  keySchema: [{ AttributeName: 'id', KeyType: 'HASH' as const }],
  attributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' as const }],
  globalSecondaryIndexes: [],
  ttlAttribute: 'expiresAt',
};

describe('DynamoDB Local', () => {
  it('keeps data across a restart when given a folder (npm start -- --persist)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'bootalk-ddb-'));
    const first = await startDynamoDbLocal({ port: await freePort(), dataDir });
    await createTables(first.client, [table]);
    await first.client.send(new PutItemCommand({ TableName: 'things', Item: { id: { S: '부톡' } } }));
    await first.stop();

    const second = await startDynamoDbLocal({ port: await freePort(), dataDir });
    // Creating the tables again keeps what is there.
    await createTables(second.client, [table]);
    const item = await second.client.send(
      new GetItemCommand({ TableName: 'things', Key: { id: { S: '부톡' } } }),
    );
    await second.stop();
    expect(item.Item?.id?.S).toBe('부톡');
  }, 60_000);

  it('starts empty in memory by default', async () => {
    const local = await startDynamoDbLocal({ port: await freePort() });
    await createTables(local.client, [table]);
    const item = await local.client.send(
      new GetItemCommand({ TableName: 'things', Key: { id: { S: '부톡' } } }),
    );
    await local.stop();
    expect(item.Item).toBeUndefined();
  }, 60_000);

  it("ignores a terminal's Ctrl-C when the sandbox stops it itself, last (npm start)", async () => {
    const local = await startDynamoDbLocal({ port: await freePort(), ignoreInterrupt: true });
    try {
      // Java's own signal dispositions: SIGINT (2) is in the ignored set, SIGTERM (15) is not.
      const status = readFileSync(`/proc/${local.pid}/status`, 'utf8');
      const ignored = BigInt(`0x${/^SigIgn:\s*([0-9a-f]+)$/m.exec(status)![1]}`);
      expect(ignored & (1n << 1n)).toBe(1n << 1n);
      expect(ignored & (1n << 14n)).toBe(0n);
    } finally {
      await local.stop();
    }
  });

  it('says clearly that Java is missing, instead of a stack trace', () => {
    // A PATH with node but no java: the sandbox must name the requirement.
    const script = `import('${resolve('local/dynamodb/dynamodb-local.ts')}').then(m => m.startDynamoDbLocal({ port: 1 })).catch(e => { console.log(e.message); })`;
    const result = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], {
      env: { PATH: '/nonexistent', HOME: process.env.HOME ?? '/tmp' },
      encoding: 'utf8',
    });
    expect(result.stdout).toContain('Java was not found. DynamoDB Local needs Java 17 or newer');
  });

  it('never creates an adopted Gen 1 table: refuses to start without it, accepts it once loaded as Gen 1 made it', async () => {
    const local = await startDynamoDbLocal({ port: await freePort() });
    try {
      const adopted = {
        ...table,
        logicalId: 'ThingTable',
        tableName: 'Thing-x7k2m4q9r1t5w8y3z6b0c2d4e6-prod',
        imported: true,
      };
      await expect(createTables(local.client, [adopted])).rejects.toThrow(
        /adopted Gen 1 table .* does not exist/,
      );
      // Loaded as Gen 1 left it: same key, but no stream where this backend expects one.
      await createTables(local.client, [{ ...adopted, imported: false }]);
      await expect(
        createTables(local.client, [{ ...adopted, streamViewType: 'NEW_AND_OLD_IMAGES' as const }]),
      ).rejects.toThrow(/stream off ≠ NEW_AND_OLD_IMAGES/);
      await createTables(local.client, [adopted]);
    } finally {
      await local.stop();
    }
  }, 60_000);
});
