import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  CLAIM_LEASE_SECONDS,
  DONE_RETENTION_SECONDS,
  webhookReceipts,
} from '../../../amplify/functions/rest-legacy-webhook/webhook-receipts';
import { FakeReceiptTable, NOW, NOW_S } from '../../support/rest-fixtures';

const TABLE = 'sandbox-idempotency';
const dynamo = mockClient(DynamoDBDocumentClient);
const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'ap-northeast-2' }));
let table: FakeReceiptTable;
let tokens: number;
const receipts = webhookReceipts({
  tableName: () => TABLE,
  dynamo: client,
  newToken: () => `token-${++tokens}`,
});

const EVENT = { type: 'broker.assigned', digest: 'digest-a' };
const later = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);

beforeEach(() => {
  dynamo.reset();
  table = new FakeReceiptTable(TABLE);
  table.install(dynamo);
  tokens = 0;
});

describe('webhookReceipts', () => {
  it('claims a new event id with a short lease, recording its type and digest', async () => {
    expect(await receipts.claim('evt-1', EVENT, NOW)).toEqual({ kind: 'claimed', token: 'token-1' });
    expect(table.rows.get('webhook:evt-1')).toEqual({
      id: 'webhook:evt-1',
      kind: 'legacy-webhook',
      status: 'IN_PROGRESS',
      eventType: 'broker.assigned',
      digest: 'digest-a',
      claimToken: 'token-1',
      claimedAt: NOW.toISOString(),
      expiration: NOW_S + CLAIM_LEASE_SECONDS,
    });
  });

  it('answers in_progress for the same event while the lease lives', async () => {
    await receipts.claim('evt-1', EVENT, NOW);
    expect(await receipts.claim('evt-1', EVENT, later(CLAIM_LEASE_SECONDS - 1))).toEqual({
      kind: 'in_progress',
    });
  });

  it('lets a retry take over a claim whose lease ran out (a crashed attempt)', async () => {
    await receipts.claim('evt-1', EVENT, NOW);
    expect(await receipts.claim('evt-1', EVENT, later(CLAIM_LEASE_SECONDS + 1))).toEqual({
      kind: 'claimed',
      token: 'token-2',
    });
    // The crashed attempt can no longer mark it done.
    expect(await receipts.complete('evt-1', 'token-1', later(CLAIM_LEASE_SECONDS + 2))).toBe(false);
  });

  it('marks a claimed event DONE for a week, after which the same event is a duplicate', async () => {
    const claim = await receipts.claim('evt-1', EVENT, NOW);
    expect(claim.kind === 'claimed' && (await receipts.complete('evt-1', claim.token, later(2)))).toBe(true);
    expect(table.rows.get('webhook:evt-1')).toMatchObject({
      status: 'DONE',
      completedAt: later(2).toISOString(),
      expiration: NOW_S + 2 + DONE_RETENTION_SECONDS,
    });
    expect(await receipts.claim('evt-1', EVENT, later(3600))).toEqual({ kind: 'done' });
  });

  it('answers id_reused for the same id with another digest, done or in progress, even after the lease', async () => {
    await receipts.claim('evt-1', EVENT, NOW);
    const other = { type: 'broker.assigned', digest: 'digest-b' };
    expect(await receipts.claim('evt-1', other, later(1))).toEqual({ kind: 'id_reused' });
    expect(await receipts.claim('evt-1', other, later(CLAIM_LEASE_SECONDS + 1))).toEqual({
      kind: 'id_reused',
    });
    await receipts.complete('evt-1', 'token-1', later(2));
    expect(await receipts.claim('evt-1', other, later(3))).toEqual({ kind: 'id_reused' });
  });

  it('releases its own claim so the same id can be claimed again at once', async () => {
    await receipts.claim('evt-1', EVENT, NOW);
    await receipts.release('evt-1', 'token-1');
    expect(table.rows.has('webhook:evt-1')).toBe(false);
    expect(await receipts.claim('evt-1', EVENT, later(1))).toEqual({ kind: 'claimed', token: 'token-2' });
  });

  it("never releases another attempt's claim or a DONE record", async () => {
    await receipts.claim('evt-1', EVENT, NOW);
    await receipts.release('evt-1', 'token-other');
    expect(table.rows.get('webhook:evt-1')?.status).toBe('IN_PROGRESS');
    await receipts.complete('evt-1', 'token-1', later(1));
    await receipts.release('evt-1', 'token-1');
    expect(table.rows.get('webhook:evt-1')?.status).toBe('DONE');
  });

  it('claims again when the record vanished between the refused put and the read', async () => {
    await receipts.claim('evt-1', EVENT, NOW);
    let puts = 0;
    dynamo.on(PutCommand).callsFake((input) => {
      puts += 1;
      // The other attempt releases its claim just after our first put was refused.
      if (puts === 1) {
        table.rows.delete('webhook:evt-1');
        throw Object.assign(new Error('The conditional request failed'), {
          name: 'ConditionalCheckFailedException',
        });
      }
      table.rows.set(String(input.Item.id), input.Item);
      return {};
    });
    expect(await receipts.claim('evt-1', EVENT, later(1))).toEqual({ kind: 'claimed', token: 'token-3' });
  });

  it('lets DynamoDB errors other than a failed condition through', async () => {
    dynamo.on(PutCommand).rejects(Object.assign(new Error('throttled'), { name: 'ThrottlingException' }));
    await expect(receipts.claim('evt-1', EVENT, NOW)).rejects.toThrow('throttled');
  });
});
