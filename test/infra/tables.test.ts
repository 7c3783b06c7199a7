import { beforeAll, describe, expect, it } from 'vitest';
import {
  CONVERSATIONS_BY_BROKER_ID,
  CONVERSATIONS_BY_STATUS,
} from '../../amplify/functions/broker-matching/matching-store';
import { DEVICES_BY_USER_INDEX } from '../../amplify/functions/push-sender/device-store';
import { COMPLEXES_BY_LAWD_CODE } from '../../amplify/functions/real-transaction-update/complex-directory';
import { INDEX_NAMES } from '../../amplify/functions/user-delete-cascade/user-data-store';
import { type Synth, synth } from './synth';

let sandbox: Synth;
let prod: Synth;

beforeAll(async () => {
  [sandbox, prod] = await Promise.all([synth('sandbox'), synth('prod')]);
});

function table(deployment: Synth, tableName: string) {
  const tables = Object.values(deployment.template('tables').findResources('AWS::DynamoDB::Table')).filter(
    (resource) => resource.Properties.TableName === tableName,
  );
  expect(tables, tableName).toHaveLength(1);
  return tables[0]!;
}

/** Model tables are Amplify's own table type, named `<Model>-<apiId>-NONE`. */
function modelTables(deployment: Synth) {
  return deployment.resourcesOfType('Custom::AmplifyDynamoDBTable').map(({ resource }) => ({
    model: (resource.Properties!.tableName as { 'Fn::Join': [string, string[]] })['Fn::Join'][1][0]!.replace(
      /-$/,
      '',
    ),
    properties: resource.Properties!,
  }));
}

const ENCRYPTED_ON_DEMAND_WITH_PITR = {
  BillingMode: 'PAY_PER_REQUEST',
  PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
  SSESpecification: { SSEEnabled: true },
};

describe('tables', () => {
  it('keeps OTP challenges under pk/sk string keys, expiring through expiresAt', () => {
    expect(table(sandbox, 'sandbox-alice-otp-challenges').Properties).toMatchObject({
      ...ENCRYPTED_ON_DEMAND_WITH_PITR,
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  it("keeps idempotency records in Powertools' layout: id key, expiration TTL", () => {
    expect(table(sandbox, 'sandbox-alice-idempotency').Properties).toMatchObject({
      ...ENCRYPTED_ON_DEMAND_WITH_PITR,
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
    });
  });

  it('retains and deletion-protects the tables in prod only', () => {
    for (const name of ['otp-challenges', 'idempotency']) {
      const prodTable = table(prod, name);
      expect(prodTable.DeletionPolicy).toBe('Retain');
      expect(prodTable.Properties.DeletionProtectionEnabled).toBe(true);
      const sandboxTable = table(sandbox, `sandbox-alice-${name}`);
      expect(sandboxTable.DeletionPolicy).toBe('Delete');
      expect(sandboxTable.Properties.DeletionProtectionEnabled).toBe(false);
    }
  });

  it('expires Notification rows through expiresAt', () => {
    const notification = modelTables(sandbox).find(({ model }) => model === 'Notification');
    expect(notification?.properties.timeToLiveSpecification).toEqual({
      attributeName: 'expiresAt',
      enabled: true,
    });
  });

  it('turns on point-in-time recovery for every model table', () => {
    const tables = modelTables(sandbox);
    expect(tables.map(({ model }) => model)).toContain('Message');
    for (const { model, properties } of tables) {
      expect(properties.pointInTimeRecoverySpecification, model).toEqual({
        pointInTimeRecoveryEnabled: true,
      });
    }
  });

  it('has every model index a function queries by name', () => {
    const indexesOf = (model: string) =>
      (
        modelTables(sandbox).find((table) => table.model === model)?.properties.globalSecondaryIndexes as
          | { indexName: string }[]
          | undefined
      )?.map((index) => index.indexName) ?? [];
    const queried: [model: string, index: string][] = [
      ['Device', INDEX_NAMES.devices],
      ['AlertSubscription', INDEX_NAMES.alertSubscriptions],
      ['Notification', INDEX_NAMES.notifications],
      ['ConversationMember', INDEX_NAMES.memberships],
      ['Message', INDEX_NAMES.messages],
      ['Device', DEVICES_BY_USER_INDEX],
      ['Conversation', CONVERSATIONS_BY_BROKER_ID],
      ['Conversation', CONVERSATIONS_BY_STATUS],
      ['Complex', COMPLEXES_BY_LAWD_CODE],
    ];
    for (const [model, index] of queried) expect(indexesOf(model), model).toContain(index);
  });
});
