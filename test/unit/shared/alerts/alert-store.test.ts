import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  alertStateTable,
  notificationWriter,
  subscriptionIndex,
} from '../../../../amplify/functions/shared/alerts/alert-store';
import { AppSyncUnavailableError } from '../../../../amplify/functions/shared/appsync-client';
import type { DataClient } from '../../../../amplify/functions/shared/data-client';
import { conditionalCheckFailed, FakeAlertAppSync, NOW, subscription } from '../../../support/alert-fixtures';

const TABLE = 'sandbox-idempotency';
const dynamo = mockClient(DynamoDBDocumentClient);

beforeEach(() => {
  dynamo.reset();
});

describe('alertStateTable', () => {
  const store = () => alertStateTable(() => TABLE, { now: () => NOW });

  it('reads the kind’s row strongly consistent, and reports none as version 0', async () => {
    dynamo.on(GetCommand).resolves({});

    expect(await store().load('PRESALE')).toEqual({ version: 0 });
    expect(dynamo.commandCalls(GetCommand)[0]!.args[0].input).toEqual({
      TableName: TABLE,
      Key: { id: 'alert-cursor:PRESALE' },
      ConsistentRead: true,
    });
  });

  it('reads the watermark, the unfinished run and the version', async () => {
    const run = { startedAt: NOW.toISOString(), position: { target: '11680' } };
    dynamo.on(GetCommand).resolves({
      Item: {
        id: 'alert-cursor:PRESALE',
        kind: 'PRESALE',
        since: '2025-03-13T00:00:00.000Z',
        run,
        version: 4,
      },
    });

    expect(await store().load('PRESALE')).toEqual({
      state: { since: '2025-03-13T00:00:00.000Z', run },
      version: 4,
    });
  });

  it('writes the first row only if none exists, and later rows only over the version it read', async () => {
    dynamo.on(PutCommand).resolves({});

    expect(await store().save('LOWEST_PRICE', { since: NOW.toISOString() }, 0)).toBe(1);
    expect(await store().save('LOWEST_PRICE', { since: NOW.toISOString(), run: { startedAt: 'x' } }, 1)).toBe(
      2,
    );

    const [first, second] = dynamo.commandCalls(PutCommand).map((call) => call.args[0].input);
    expect(first).toEqual({
      TableName: TABLE,
      Item: {
        id: 'alert-cursor:LOWEST_PRICE',
        kind: 'LOWEST_PRICE',
        since: NOW.toISOString(),
        version: 1,
        updatedAt: NOW.toISOString(),
      },
      ConditionExpression: 'attribute_not_exists(#id)',
      ExpressionAttributeNames: { '#id': 'id' },
    });
    // No `expiration`: the table's TTL must never remove a watermark.
    expect(first!.Item).not.toHaveProperty('expiration');
    expect(second).toMatchObject({
      Item: { run: { startedAt: 'x' }, version: 2 },
      ConditionExpression: '#version = :expected',
      ExpressionAttributeNames: { '#version': 'version' },
      ExpressionAttributeValues: { ':expected': 1 },
    });
  });

  it('answers undefined when another run wrote first, and passes other errors on', async () => {
    dynamo
      .on(PutCommand)
      .rejectsOnce(new ConditionalCheckFailedException({ message: 'conditional', $metadata: {} }))
      .rejectsOnce(new Error('ProvisionedThroughputExceededException'));

    expect(await store().save('LOWEST_PRICE', { since: NOW.toISOString() }, 3)).toBeUndefined();
    await expect(store().save('LOWEST_PRICE', { since: NOW.toISOString() }, 3)).rejects.toThrow(
      'ProvisionedThroughputExceededException',
    );
  });
});

describe('subscriptionIndex', () => {
  const rows = async (from?: { target: string; inclusive: boolean }, pageSize = 2) => {
    const appsync = new FakeAlertAppSync();
    appsync.pageSize = pageSize;
    for (const target of ['CPX-3', 'CPX-1', 'CPX-2', 'CPX-2', 'CPX-4']) {
      appsync.subscriptions.push(subscription({ userId: `u-${target}`, kind: 'REAL_TRANSACTION', target }));
    }
    appsync.subscriptions.push(subscription({ userId: 'other', kind: 'PRESALE', target: '11680' }));
    const pages: string[][] = [];
    for await (const page of subscriptionIndex(appsync.data).pages('REAL_TRANSACTION', from)) {
      pages.push(page.map((row) => row.target));
    }
    const listed = appsync.calls('ListAlertSubscriptionsByKind');
    return {
      pages,
      calls: listed.map((call) => call.variables),
      options: listed.map((call) => call.options),
    };
  };

  it('reads the kind’s rows in target order, following nextToken', async () => {
    const { pages, calls, options } = await rows();

    expect(pages).toEqual([['CPX-1', 'CPX-2'], ['CPX-2', 'CPX-3'], ['CPX-4']]);
    expect(calls).toEqual([
      { kind: 'REAL_TRANSACTION', nextToken: undefined },
      { kind: 'REAL_TRANSACTION', nextToken: '2' },
      { kind: 'REAL_TRANSACTION', nextToken: '4' },
    ]);
    for (const each of options) expect(each).toMatchObject({ sortDirection: 'ASC', limit: 1000 });
  });

  it('starts after a finished target, or at an unfinished one', async () => {
    expect((await rows({ target: 'CPX-2', inclusive: false }, 10)).pages).toEqual([['CPX-3', 'CPX-4']]);
    const inclusive = await rows({ target: 'CPX-2', inclusive: true }, 10);
    expect(inclusive.pages).toEqual([['CPX-2', 'CPX-2', 'CPX-3', 'CPX-4']]);
    expect(inclusive.calls[0]!.target).toEqual({ ge: 'CPX-2' });
  });

  it('skips null items (rows the resolver could not return)', async () => {
    const data = {
      models: {
        AlertSubscription: {
          listAlertSubscriptionsByKindAndTarget: async () => ({
            data: [null, subscription({ userId: 'u1', kind: 'PRESALE', target: '11680' })],
            nextToken: null,
          }),
        },
      },
    } as unknown as DataClient;
    const pages = [];
    for await (const page of subscriptionIndex(async () => data).pages('PRESALE')) pages.push(page);
    expect(pages.map((page) => page.map((row) => row.userId))).toEqual([['u1']]);
  });
});

describe('notificationWriter', () => {
  const input = {
    id: 'n-1',
    userId: 'u1',
    type: 'PRESALE' as const,
    title: '래미안 원페를라 분양 공고',
    body: '465세대',
    deepLink: 'bootalk://presale/PRS-501',
    subjectId: 'PRS-501',
    createdAt: NOW.toISOString(),
    expiresAt: 1_749_000_000,
  };

  it('creates the row through AppSync, selecting every field for the owner’s subscription', async () => {
    const appsync = new FakeAlertAppSync();

    expect(await notificationWriter(appsync.data).create(input)).toBe(true);
    const [call] = appsync.calls('CreateNotification');
    expect(call!.variables).toEqual({ input });
    // No selection set: the typed client's create selects every field of the model.
    expect(call!.options).toEqual({});
  });

  it('answers false when the id exists (told before), and passes other failures on', async () => {
    const appsync = new FakeAlertAppSync();
    const writer = notificationWriter(appsync.data);
    await writer.create(input);

    expect(await writer.create(input)).toBe(false);
    appsync.createFailures = [new AppSyncUnavailableError('AppSync answered 503', 503)];
    await expect(writer.create({ ...input, id: 'n-2' })).rejects.toThrow(AppSyncUnavailableError);
    appsync.createFailures = [conditionalCheckFailed('CreateNotification')];
    expect(await writer.create({ ...input, id: 'n-3' })).toBe(false);
  });
});
