import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createOtpChallengeStore } from '../../../../amplify/functions/shared/otp/otp-challenge-store';
import { conditionFailed } from '../../../support/dynamo-errors';

const dynamo = mockClient(DynamoDBDocumentClient);
const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'ap-northeast-2' }));
const now = 1_800_000_000_000;
const store = createOtpChallengeStore({ client, tableName: 'otp', now: () => now });
beforeEach(() => dynamo.reset());

describe('the OTP challenge store', () => {
  it('stores a challenge with a TTL in epoch seconds and never overwrites one', async () => {
    dynamo.on(PutCommand).resolves({});
    await store.putChallenge({
      challengeId: 'c1',
      codeHash: 'ab',
      phoneKey: 'pk',
      userExists: true,
      expiresAtMs: now + 180_000,
    });
    const input = dynamo.commandCalls(PutCommand)[0]!.args[0].input;
    expect(input.Item).toMatchObject({
      pk: 'CHALLENGE#c1',
      sk: 'CHALLENGE',
      expiresAt: (now + 180_000) / 1000,
    });
    expect(input.ConditionExpression).toBe('attribute_not_exists(pk)');
  });

  it('treats a challenge past its expiry as gone even before TTL deletes it', async () => {
    dynamo
      .on(GetCommand)
      .resolves({ Item: { codeHash: 'ab', phoneKey: 'pk', userExists: true, expiresAtMs: now - 1 } });
    expect(await store.getChallenge('c1')).toBeUndefined();
  });

  it('consumes a challenge for exactly one caller', async () => {
    dynamo.on(DeleteCommand).resolvesOnce({}).rejectsOnce(conditionFailed());
    expect(await store.consumeChallenge('c1')).toBe(true);
    expect(await store.consumeChallenge('c1')).toBe(false);
    expect(dynamo.commandCalls(DeleteCommand)[0]!.args[0].input.ConditionExpression).toContain(
      'attribute_exists(pk)',
    );
  });

  it('saves phone state only if nobody wrote it since it was read', async () => {
    dynamo.on(PutCommand).rejects(conditionFailed());
    expect(await store.savePhoneState('pk', { sentAt: [now], failedAt: [] }, 3)).toBe(false);
    const input = dynamo.commandCalls(PutCommand)[0]!.args[0].input;
    expect(input.ConditionExpression).toBe('version = :version');
    expect(input.ExpressionAttributeValues).toEqual({ ':version': 3 });
    expect(input.Item).toMatchObject({ pk: 'PHONE#pk', sk: 'LIMITS', version: 4 });
  });

  it('creates phone state only when none exists yet', async () => {
    dynamo.on(PutCommand).resolves({});
    expect(await store.savePhoneState('pk', { sentAt: [now], failedAt: [] }, 0)).toBe(true);
    expect(dynamo.commandCalls(PutCommand)[0]!.args[0].input.ConditionExpression).toBe(
      'attribute_not_exists(pk)',
    );
  });

  it('reads missing phone state as empty', async () => {
    dynamo.on(GetCommand).resolves({});
    expect(await store.getPhoneState('pk')).toEqual({ state: { sentAt: [], failedAt: [] }, version: 0 });
  });

  it('finds a live challenge only within the retry window', async () => {
    dynamo.on(GetCommand).resolves({ Item: { challengeId: 'c1', issuedAtMs: now - 5_000 } });
    expect(await store.findLiveChallenge('pk', 20_000)).toBe('c1');
    expect(await store.findLiveChallenge('pk', 1_000)).toBeUndefined();
  });

  it('rethrows errors other than a failed condition', async () => {
    dynamo.on(DeleteCommand).rejects(new Error('ProvisionedThroughputExceeded'));
    await expect(store.consumeChallenge('c1')).rejects.toThrow('ProvisionedThroughputExceeded');
  });
});
