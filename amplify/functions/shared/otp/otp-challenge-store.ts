import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { conditionalPut } from '../dynamo';
import { emptyPhoneOtpState, type PhoneOtpState } from './otp-policy';

/**
 * The OTP table (amplify/custom/tables): challenges and per-phone counters. Rows expire by
 * TTL (`expiresAt`, epoch seconds); reads also check the time, since TTL deletes lazily.
 *
 *   CHALLENGE#<id> / CHALLENGE   the code's keyed hash, the phone key, expiry
 *   PHONE#<key>    / LIMITS      codes sent, wrong answers and cooldowns in the last day
 *   PHONE#<key>    / LIVE        the challenge just issued, so a retried trigger reuses it
 */

export interface StoredChallenge {
  challengeId: string;
  codeHash: string;
  phoneKey: string;
  userExists: boolean;
  expiresAtMs: number;
}

export interface VersionedPhoneState {
  state: PhoneOtpState;
  version: number;
}

export interface OtpChallengeStore {
  getPhoneState(phoneKey: string): Promise<VersionedPhoneState>;
  /** Writes only if nobody else wrote since `version` was read; false on a conflict. */
  savePhoneState(phoneKey: string, state: PhoneOtpState, version: number): Promise<boolean>;
  findLiveChallenge(phoneKey: string, issuedWithinMs: number): Promise<string | undefined>;
  setLiveChallenge(phoneKey: string, challengeId: string): Promise<void>;
  clearLiveChallenge(phoneKey: string, challengeId: string): Promise<void>;
  putChallenge(challenge: StoredChallenge): Promise<void>;
  getChallenge(challengeId: string): Promise<StoredChallenge | undefined>;
  /** Deletes the challenge if it is still there: true for exactly one caller (single use). */
  consumeChallenge(challengeId: string): Promise<boolean>;
}

const DAY_SECONDS = 24 * 60 * 60;

function isConditionFailure(error: unknown): boolean {
  return (
    error instanceof ConditionalCheckFailedException ||
    (error as { name?: string } | null)?.name === 'ConditionalCheckFailedException'
  );
}

export function createOtpChallengeStore(options: {
  client: DynamoDBDocumentClient | DynamoDBClient;
  tableName: string;
  now?: () => number;
}): OtpChallengeStore {
  const { tableName } = options;
  const client = options.client as DynamoDBDocumentClient;
  const now = options.now ?? Date.now;
  const ttl = (ms: number) => Math.ceil(ms / 1000);
  const phoneKeyOf = (phoneKey: string) => `PHONE#${phoneKey}`;

  return {
    async getPhoneState(phoneKey) {
      const { Item } = await client.send(
        new GetCommand({
          TableName: tableName,
          Key: { pk: phoneKeyOf(phoneKey), sk: 'LIMITS' },
          ConsistentRead: true,
        }),
      );
      if (!Item) return { state: emptyPhoneOtpState(), version: 0 };
      return {
        state: {
          sentAt: (Item.sentAt as number[] | undefined) ?? [],
          failedAt: (Item.failedAt as number[] | undefined) ?? [],
          ...(Array.isArray(Item.cooldownsAt) ? { cooldownsAt: Item.cooldownsAt as number[] } : {}),
          ...(typeof Item.lockedUntil === 'number' ? { lockedUntil: Item.lockedUntil } : {}),
        },
        version: Number(Item.version ?? 0),
      };
    },

    async savePhoneState(phoneKey, state, version) {
      const keepUntil = Math.max(now() + 2 * DAY_SECONDS * 1000, state.lockedUntil ?? 0);
      return conditionalPut(
        {
          TableName: tableName,
          Item: {
            pk: phoneKeyOf(phoneKey),
            sk: 'LIMITS',
            sentAt: state.sentAt,
            failedAt: state.failedAt,
            ...(state.cooldownsAt?.length ? { cooldownsAt: state.cooldownsAt } : {}),
            ...(state.lockedUntil ? { lockedUntil: state.lockedUntil } : {}),
            version: version + 1,
            expiresAt: ttl(keepUntil),
          },
          ConditionExpression: version === 0 ? 'attribute_not_exists(pk)' : 'version = :version',
          ...(version === 0 ? {} : { ExpressionAttributeValues: { ':version': version } }),
        },
        { client },
      );
    },

    async findLiveChallenge(phoneKey, issuedWithinMs) {
      const { Item } = await client.send(
        new GetCommand({
          TableName: tableName,
          Key: { pk: phoneKeyOf(phoneKey), sk: 'LIVE' },
          ConsistentRead: true,
        }),
      );
      if (!Item || typeof Item.issuedAtMs !== 'number') return undefined;
      return Item.issuedAtMs > now() - issuedWithinMs ? String(Item.challengeId) : undefined;
    },

    async setLiveChallenge(phoneKey, challengeId) {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            pk: phoneKeyOf(phoneKey),
            sk: 'LIVE',
            challengeId,
            issuedAtMs: now(),
            expiresAt: ttl(now() + 10 * 60 * 1000),
          },
        }),
      );
    },

    async clearLiveChallenge(phoneKey, challengeId) {
      try {
        await client.send(
          new DeleteCommand({
            TableName: tableName,
            Key: { pk: phoneKeyOf(phoneKey), sk: 'LIVE' },
            ConditionExpression: 'challengeId = :challengeId',
            ExpressionAttributeValues: { ':challengeId': challengeId },
          }),
        );
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    },

    async putChallenge(challenge) {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            pk: `CHALLENGE#${challenge.challengeId}`,
            sk: 'CHALLENGE',
            codeHash: challenge.codeHash,
            phoneKey: challenge.phoneKey,
            userExists: challenge.userExists,
            expiresAtMs: challenge.expiresAtMs,
            expiresAt: ttl(challenge.expiresAtMs),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    },

    async getChallenge(challengeId) {
      const { Item } = await client.send(
        new GetCommand({
          TableName: tableName,
          Key: { pk: `CHALLENGE#${challengeId}`, sk: 'CHALLENGE' },
          ConsistentRead: true,
        }),
      );
      if (!Item || Number(Item.expiresAtMs) <= now()) return undefined;
      return {
        challengeId,
        codeHash: String(Item.codeHash),
        phoneKey: String(Item.phoneKey),
        userExists: Item.userExists === true,
        expiresAtMs: Number(Item.expiresAtMs),
      };
    },

    async consumeChallenge(challengeId) {
      try {
        await client.send(
          new DeleteCommand({
            TableName: tableName,
            Key: { pk: `CHALLENGE#${challengeId}`, sk: 'CHALLENGE' },
            ConditionExpression: 'attribute_exists(pk) AND expiresAtMs > :now',
            ExpressionAttributeValues: { ':now': now() },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },
  };
}
