import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { QUEUE_CONSUMER_TIMEOUT_SECONDS } from '../../../amplify/custom/messaging/resource';
import {
  CLAIM_SECONDS,
  deliveryKey,
  deliveryLog,
  SENT_RECORD_SECONDS,
} from '../../../amplify/functions/push-sender/delivery-log';
import type { DeviceRow } from '../../../amplify/functions/push-sender/device-push';
import {
  DEVICES_BY_USER_INDEX,
  deviceStore,
  UnprocessedDeviceKeysError,
} from '../../../amplify/functions/push-sender/device-store';
import { deviceIdForToken } from '../../../amplify/functions/shared/push/push-client';
import { conditionFailed } from '../../support/dynamo-errors';
import { DEVICE_TABLE, FakePushTables, IDEMPOTENCY_TABLE } from './fake-tables';

const ddb = mockClient(DynamoDBDocumentClient);
const NOW = new Date('2026-03-14T03:00:00.000Z');
const NOW_SECONDS = NOW.getTime() / 1000;

const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

beforeEach(() => ddb.reset());

describe('delivery claims', () => {
  let tables: FakePushTables;
  const log = (owner: string, at = NOW) =>
    deliveryLog({ tableName: () => IDEMPOTENCY_TABLE, now: () => at, owner });

  beforeEach(() => {
    tables = new FakePushTables();
    tables.install(ddb);
  });

  it('outlive the function holding them and end before its messages are redelivered', () => {
    const timeout = QUEUE_CONSUMER_TIMEOUT_SECONDS.push;
    expect(CLAIM_SECONDS).toBeGreaterThan(timeout);
    // The push queue's visibility timeout is 6× the consumer's timeout (custom/messaging).
    expect(CLAIM_SECONDS).toBeLessThan(6 * timeout);
  });

  it('let one invocation send, hold off another, and skip a push once it is sent', async () => {
    expect(await log('a').claim('p-1', 'd-1')).toBe('claimed');
    expect(tables.deliveries.get(deliveryKey('p-1', 'd-1'))).toEqual({
      id: 'push:p-1:d-1',
      status: 'SENDING',
      owner: 'a',
      expiration: NOW_SECONDS + CLAIM_SECONDS,
    });
    expect(await log('b').claim('p-1', 'd-1')).toBe('busy');
    await log('a').markSent('p-1', 'd-1');
    expect(tables.deliveries.get('push:p-1:d-1')).toEqual({
      id: 'push:p-1:d-1',
      status: 'SENT',
      expiration: NOW_SECONDS + SENT_RECORD_SECONDS,
    });
    expect(await log('b').claim('p-1', 'd-1')).toBe('sent');
    expect(await log('b').claim('p-1', 'd-2')).toBe('claimed');
  });

  it('release only their own claim', async () => {
    await log('a').claim('p-1', 'd-1');
    await log('b').release('p-1', 'd-1');
    expect(tables.deliveries.has('push:p-1:d-1')).toBe(true);
    await log('a').release('p-1', 'd-1');
    expect(tables.deliveries.has('push:p-1:d-1')).toBe(false);
  });

  it('never release a SENT record', async () => {
    await log('a').claim('p-1', 'd-1');
    await log('a').markSent('p-1', 'd-1');
    await log('a').release('p-1', 'd-1');
    expect(tables.deliveries.get('push:p-1:d-1')).toMatchObject({ status: 'SENT' });
  });

  it('can be taken over once expired', async () => {
    await log('a').claim('p-1', 'd-1');
    const later = new Date(NOW.getTime() + (CLAIM_SECONDS + 1) * 1000);
    expect(await log('b', later).claim('p-1', 'd-1')).toBe('claimed');
    expect(tables.deliveries.get('push:p-1:d-1')).toMatchObject({ owner: 'b' });
  });

  it('report busy when the item vanished between the failed put and the read', async () => {
    ddb.reset();
    ddb.on(PutCommand).rejects(conditionFailed());
    ddb.on(GetCommand).resolves({});
    expect(await log('a').claim('p-1', 'd-1')).toBe('busy');
    expect(ddb.commandCalls(GetCommand)[0]?.args[0].input).toMatchObject({ ConsistentRead: true });
  });

  it('pass on errors other than a failed condition', async () => {
    ddb.reset();
    ddb.on(PutCommand).rejects(new Error('ServiceUnavailable'));
    ddb.on(DeleteCommand).rejects(new Error('ServiceUnavailable'));
    await expect(log('a').claim('p-1', 'd-1')).rejects.toThrow('ServiceUnavailable');
    await expect(log('a').release('p-1', 'd-1')).rejects.toThrow('ServiceUnavailable');
  });
});

describe('device store', () => {
  const store = (now = NOW) =>
    deviceStore({ tableName: () => DEVICE_TABLE, now: () => now, sleep: async () => undefined });

  describe('devicesOf', () => {
    it('reads the index, then the rows consistently, and keeps the rows still the user’s', async () => {
      const tables = new FakePushTables();
      tables.install(ddb);
      tables.addDevice('alice', 'token-a');
      const moved = tables.addDevice('bob', 'token-moved');
      tables.staleIndex.set(moved.id, 'alice');
      expect((await store().devicesOf('alice')).map((row) => row.token)).toEqual(['token-a']);
      expect(ddb.commandCalls(QueryCommand)[0]?.args[0].input).toMatchObject({
        TableName: DEVICE_TABLE,
        IndexName: DEVICES_BY_USER_INDEX,
      });
    });

    it('makes no read of the table when the index lists nothing', async () => {
      ddb.on(QueryCommand).resolves({ Items: [] });
      expect(await store().devicesOf('alice')).toEqual([]);
      expect(ddb.commandCalls(BatchGetCommand)).toHaveLength(0);
    });

    it('reads more than 100 rows in several calls and retries unprocessed keys', async () => {
      const ids = Array.from({ length: 130 }, (_, i) => `d-${i}`);
      ddb.on(QueryCommand).resolves({ Items: ids.map((id) => ({ id })) });
      const row = (id: string) => ({ id, userId: 'alice', platform: 'GCM', token: id, lastSeenAt: 'x' });
      ddb
        .on(BatchGetCommand)
        .resolvesOnce({
          Responses: { [DEVICE_TABLE]: ids.slice(0, 90).map(row) },
          UnprocessedKeys: { [DEVICE_TABLE]: { Keys: ids.slice(90, 100).map((id) => ({ id })) } },
        })
        .resolvesOnce({ Responses: { [DEVICE_TABLE]: ids.slice(90, 100).map(row) } })
        .resolvesOnce({ Responses: { [DEVICE_TABLE]: ids.slice(100).map(row) } });
      const rows = await store().devicesOf('alice');
      expect(rows.map((each) => each.id).sort()).toEqual([...ids].sort());
      const sizes = ddb
        .commandCalls(BatchGetCommand)
        .map((call) => call.args[0].input.RequestItems![DEVICE_TABLE]!.Keys!.length);
      expect(sizes).toEqual([100, 10, 30]);
    });

    it('gives up when keys stay unprocessed', async () => {
      ddb.on(QueryCommand).resolves({ Items: [{ id: 'd-1' }] });
      ddb.on(BatchGetCommand).resolves({ UnprocessedKeys: { [DEVICE_TABLE]: { Keys: [{ id: 'd-1' }] } } });
      await expect(store().devicesOf('alice')).rejects.toBeInstanceOf(UnprocessedDeviceKeysError);
      expect(ddb.commandCalls(BatchGetCommand)).toHaveLength(5);
    });
  });

  describe('replaceToken', () => {
    const old: DeviceRow = {
      id: deviceIdForToken('token-old'),
      userId: 'alice',
      platform: 'GCM',
      token: 'token-old',
      appVersion: '3.12.0',
      locale: 'ko-KR',
      lastSeenAt: '2026-03-10T09:00:00.000Z',
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-03-10T09:00:00.000Z',
      __typename: 'Device',
    };

    it('writes the new row and deletes the old one in one transaction', async () => {
      ddb.on(TransactWriteCommand).resolves({});
      expect(await store().replaceToken(old, 'token-new')).toBe('replaced');
      const items = ddb.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems;
      expect(items?.[0]?.Put?.Item).toEqual({
        ...old,
        id: deviceIdForToken('token-new'),
        token: 'token-new',
        createdAt: NOW.toISOString(),
        updatedAt: NOW.toISOString(),
      });
      expect(items?.[1]?.Delete?.Key).toEqual({ id: old.id });
    });

    it('only deletes the old row when the new token has one already', async () => {
      ddb.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed', 'None'));
      ddb.on(DeleteCommand).resolves({});
      expect(await store().replaceToken(old, 'token-new')).toBe('merged');
      expect(ddb.commandCalls(DeleteCommand)[0]?.args[0].input).toMatchObject({
        Key: { id: old.id },
        ExpressionAttributeValues: { ':userId': 'alice', ':token': 'token-old' },
      });
    });

    it('changes nothing when the old row is gone or belongs to someone else now', async () => {
      ddb.on(TransactWriteCommand).rejects(cancelled('None', 'ConditionalCheckFailed'));
      expect(await store().replaceToken(old, 'token-new')).toBe('gone');
      ddb.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed', 'None'));
      ddb.on(DeleteCommand).rejects(conditionFailed());
      expect(await store().replaceToken(old, 'token-new')).toBe('gone');
    });

    it('passes on a transaction conflict or an outage', async () => {
      ddb.on(TransactWriteCommand).rejects(cancelled('TransactionConflict', 'None'));
      await expect(store().replaceToken(old, 'token-new')).rejects.toBeInstanceOf(
        TransactionCanceledException,
      );
      ddb.on(TransactWriteCommand).rejects(new Error('ServiceUnavailable'));
      await expect(store().replaceToken(old, 'token-new')).rejects.toThrow('ServiceUnavailable');
    });
  });
});
