import { randomUUID } from 'node:crypto';
import { DynamoDBClient, ListTablesCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppUser, inbox, signedInUser } from './app-user';

// device-cleanup on the local sandbox: a device not seen for 61 days and one marked invalid are
// removed by a run; a device seen today stays.

type Device = { id: string; token: string; lastSeenAt: string; invalidatedAt: string | null };

let user: AppUser & { sub: string };
let dynamodb: DynamoDBClient;
let deviceTable: string;

beforeAll(async () => {
  user = await signedInUser();
  const info = await inbox<{ endpoints: { dynamodbUrl: string } }>('/api/info');
  // DynamoDB Local: any alphanumeric key.
  dynamodb = new DynamoDBClient({
    endpoint: info.endpoints.dynamodbUrl,
    region: 'ap-northeast-2',
    credentials: { accessKeyId: 'e2etest', secretAccessKey: 'e2etest' },
  });
  const tables = await dynamodb.send(new ListTablesCommand({}));
  deviceTable = tables.TableNames!.find((name) => name.startsWith('Device-'))!;
  expect(deviceTable).toBeDefined();
});

afterAll(() => {
  user?.close();
  dynamodb?.destroy();
});

const devices = async () =>
  (await user.model<Device[]>('Device', 'listDevicesByUser', { userId: user.sub })).data.map(
    (device) => device.token,
  );

async function register(label: string): Promise<Device> {
  const token = `fcm-cleanup-${label}-${randomUUID()}-${'x'.repeat(100)}`;
  const result = await user.mutation<Device>('registerDevice', {
    platform: 'GCM',
    token,
    appVersion: '3.2.0',
  });
  expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
  return result.data;
}

describe('device cleanup', () => {
  it('removes devices unseen for 60 days and devices marked invalid, and keeps the rest', async () => {
    const stale = await register('stale');
    const invalid = await register('invalid');
    const fresh = await register('fresh');
    const daysAgo = (days: number) => new Date(Date.now() - days * 24 * 60 * 60 * 1000).toISOString();
    await dynamodb.send(
      new UpdateItemCommand({
        TableName: deviceTable,
        Key: { id: { S: stale.id } },
        UpdateExpression: 'SET lastSeenAt = :at',
        ExpressionAttributeValues: { ':at': { S: daysAgo(61) } },
      }),
    );
    await dynamodb.send(
      new UpdateItemCommand({
        TableName: deviceTable,
        Key: { id: { S: invalid.id } },
        UpdateExpression: 'SET invalidatedAt = :at',
        ExpressionAttributeValues: { ':at': { S: daysAgo(1) } },
      }),
    );
    expect((await devices()).sort()).toEqual([stale.token, invalid.token, fresh.token].sort());

    // The daily run (no body: the scheduled event).
    const run = await inbox<{ ok: boolean; result?: { complete?: boolean } }>(
      '/api/functions/device-cleanup/invoke',
      {
        method: 'POST',
      },
    );
    expect(run).toMatchObject({ ok: true, result: { complete: true } });
    expect(await devices()).toEqual([fresh.token]);

    // Running again removes nothing more.
    await inbox('/api/functions/device-cleanup/invoke', { method: 'POST' });
    expect(await devices()).toEqual([fresh.token]);
  });
});
