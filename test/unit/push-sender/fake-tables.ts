import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import type { DeviceRow } from '../../../amplify/functions/push-sender/device-push';
import { DEVICES_BY_USER_INDEX } from '../../../amplify/functions/push-sender/device-store';
import { deviceIdForToken, type PushPlatform } from '../../../amplify/functions/shared/push/push-client';
import { conditionFailed } from '../../support/dynamo-errors';

export const DEVICE_TABLE = 'Device-test-NONE';
export const IDEMPOTENCY_TABLE = 'sandbox-idempotency';

type Item = Record<string, unknown>;
type Values = Record<string, unknown>;

/**
 * The conditions push-sender writes, as DynamoDB evaluates them. An expression the fake does not
 * know fails the test, so a changed condition is noticed here rather than passing unchecked.
 */
const CONDITIONS: Record<string, (item: Item | undefined, values: Values) => boolean> = {
  'attribute_not_exists(#id)': (item) => item === undefined,
  'attribute_not_exists(#id) OR #expiration < :now': (item, values) =>
    item === undefined || (item.expiration as number) < (values[':now'] as number),
  '#owner = :owner AND #status = :sending': (item, values) =>
    item?.owner === values[':owner'] && item?.status === values[':sending'],
  '#userId = :userId AND #token = :token': (item, values) =>
    item?.userId === values[':userId'] && item?.token === values[':token'],
};

function holds(expression: string | undefined, item: Item | undefined, values: Values = {}): boolean {
  if (expression === undefined) return true;
  const condition = CONDITIONS[expression];
  if (!condition) throw new Error(`the fake tables do not know the condition "${expression}"`);
  return condition(item, values);
}

/**
 * The Device table (with its userId index) and the idempotency table as push-sender uses them,
 * behind a mocked DynamoDBDocumentClient. `staleIndex` makes the index still list a row under a
 * former user, as a GSI does for a moment after the row moved.
 */
export class FakePushTables {
  readonly devices = new Map<string, DeviceRow>();
  readonly deliveries = new Map<string, Item>();
  /** Device id → the userId the index still shows for it. */
  readonly staleIndex = new Map<string, string>();
  /** Errors to throw: for a command (`Query`, `Put:<table>`, …) and, optionally, only some inputs. */
  readonly failures: { call: string; error: Error; when?: (input: Item) => boolean }[] = [];
  /** Every command, `Name:<table>`, in order. */
  readonly log: string[] = [];

  addDevice(
    userId: string,
    token: string,
    platform: PushPlatform = 'APNS',
    extra: Partial<DeviceRow> = {},
  ): DeviceRow {
    const row: DeviceRow = {
      __typename: 'Device',
      id: deviceIdForToken(token),
      userId,
      platform,
      token,
      appVersion: '3.12.0',
      locale: 'ko-KR',
      lastSeenAt: '2026-03-10T09:00:00.000Z',
      createdAt: '2026-01-02T03:04:05.000Z',
      updatedAt: '2026-03-10T09:00:00.000Z',
      ...extra,
    };
    this.devices.set(row.id, row);
    return row;
  }

  deviceWithToken(token: string): DeviceRow | undefined {
    return this.devices.get(deviceIdForToken(token));
  }

  private table(name: string | undefined): Map<string, Item> {
    if (name === DEVICE_TABLE) return this.devices as Map<string, Item>;
    if (name === IDEMPOTENCY_TABLE) return this.deliveries;
    throw new Error(`the fake tables do not have ${name}`);
  }

  private enter(call: string, input: Item): void {
    this.log.push(call);
    const failure = this.failures.find(
      (each) => (each.call === call || each.call === call.split(':')[0]) && (each.when?.(input) ?? true),
    );
    if (failure) throw failure.error;
  }

  install(ddb: AwsClientStub<DynamoDBDocumentClient>): void {
    ddb.on(QueryCommand).callsFake((input) => {
      this.enter(`Query:${input.TableName}`, input);
      if (input.TableName !== DEVICE_TABLE || input.IndexName !== DEVICES_BY_USER_INDEX)
        throw new Error('the fake only queries the Device index by user');
      if (input.KeyConditionExpression !== '#userId = :userId') throw new Error('unexpected key condition');
      const userId = input.ExpressionAttributeValues[':userId'];
      const Items = [...this.devices.values()]
        .filter((row) => (this.staleIndex.get(row.id) ?? row.userId) === userId)
        .map((row) => ({ ...row }));
      return { Items };
    });

    ddb.on(BatchGetCommand).callsFake((input) => {
      const [tableName, request] = Object.entries(input.RequestItems)[0] as [
        string,
        { Keys: { id: string }[]; ConsistentRead?: boolean },
      ];
      this.enter(`BatchGet:${tableName}`, input);
      if (!request.ConsistentRead) throw new Error('device rows must be read consistently');
      const table = this.table(tableName);
      const Responses = {
        [tableName]: request.Keys.flatMap(({ id }) => (table.has(id) ? [{ ...table.get(id)! }] : [])),
      };
      return { Responses, UnprocessedKeys: {} };
    });

    ddb.on(GetCommand).callsFake((input) => {
      this.enter(`Get:${input.TableName}`, input);
      const item = this.table(input.TableName).get(input.Key.id);
      return { Item: item && { ...item } };
    });

    ddb.on(PutCommand).callsFake((input) => {
      this.enter(`Put:${input.TableName}`, input);
      const table = this.table(input.TableName);
      if (!holds(input.ConditionExpression, table.get(input.Item.id), input.ExpressionAttributeValues))
        throw conditionFailed();
      table.set(input.Item.id, { ...input.Item });
      return {};
    });

    ddb.on(DeleteCommand).callsFake((input) => {
      this.enter(`Delete:${input.TableName}`, input);
      const table = this.table(input.TableName);
      if (!holds(input.ConditionExpression, table.get(input.Key.id), input.ExpressionAttributeValues))
        throw conditionFailed();
      table.delete(input.Key.id);
      return {};
    });

    ddb.on(TransactWriteCommand).callsFake((input) => {
      this.enter('TransactWrite', input);
      type Write = { TableName: string; Item?: Item; Key?: { id: string }; ConditionExpression?: string };
      const writes = (input.TransactItems as { Put?: Write; Delete?: Write }[]).map((entry) =>
        entry.Put ? { kind: 'put', ...entry.Put } : { kind: 'delete', ...entry.Delete! },
      ) as (Write & { kind: 'put' | 'delete'; ExpressionAttributeValues?: Values })[];
      const codes = writes.map((write) => {
        const id = write.kind === 'put' ? (write.Item!.id as string) : write.Key!.id;
        return holds(
          write.ConditionExpression,
          this.table(write.TableName).get(id),
          write.ExpressionAttributeValues,
        )
          ? 'None'
          : 'ConditionalCheckFailed';
      });
      if (codes.includes('ConditionalCheckFailed')) {
        throw new TransactionCanceledException({
          message: 'Transaction cancelled',
          $metadata: {},
          CancellationReasons: codes.map((Code) => ({ Code })),
        });
      }
      for (const write of writes) {
        const table = this.table(write.TableName);
        if (write.kind === 'put') table.set(write.Item!.id as string, { ...write.Item });
        else table.delete(write.Key!.id);
      }
      return {};
    });
  }
}
