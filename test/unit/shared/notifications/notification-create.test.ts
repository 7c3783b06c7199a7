import { describe, expect, it } from 'vitest';
import {
  type AppSyncClient,
  AppSyncGraphQLError,
  AppSyncUnavailableError,
} from '../../../../amplify/functions/shared/appsync-client';
import {
  CREATE_NOTIFICATION,
  createNotificationOnce,
  expiresAfterDays,
  type NewNotification,
  notificationId,
} from '../../../../amplify/functions/shared/notifications/notification-create';

const row: NewNotification = {
  id: notificationId('notice:N-1:u-1'),
  userId: 'u-1',
  type: 'NOTICE',
  title: '공지',
  body: '서비스 점검 안내',
  createdAt: '2026-03-14T00:00:00.000Z',
  expiresAt: 1_781_395_200,
};

function answering(
  answer: () => unknown,
): AppSyncClient & { calls: { query: string; variables: unknown }[] } {
  const calls: { query: string; variables: unknown }[] = [];
  return {
    calls,
    async graphql<T>(query: string, variables?: Record<string, unknown>): Promise<T> {
      calls.push({ query, variables });
      return answer() as T;
    },
  };
}

describe('createNotificationOnce', () => {
  it('creates the row with the id it was given', async () => {
    const client = answering(() => ({ createNotification: row }));
    expect(await createNotificationOnce(client, row)).toBe('created');
    expect(client.calls).toEqual([{ query: CREATE_NOTIFICATION, variables: { input: row } }]);
  });

  it('says the row exists when the create finds the id taken', async () => {
    const client = answering(() => {
      throw new AppSyncGraphQLError(
        'CreateNotification',
        [
          {
            errorType: 'DynamoDB:ConditionalCheckFailedException',
            message: 'The conditional request failed',
          },
        ],
        null,
      );
    });
    expect(await createNotificationOnce(client, row)).toBe('exists');
  });

  it('passes on any other failure, so the caller retries', async () => {
    const refused = answering(() => {
      throw new AppSyncGraphQLError(
        'CreateNotification',
        [{ errorType: 'Unauthorized', message: 'no' }],
        null,
      );
    });
    await expect(createNotificationOnce(refused, row)).rejects.toBeInstanceOf(AppSyncGraphQLError);
    const down = answering(() => {
      throw new AppSyncUnavailableError('AppSync answered HTTP 503', 503);
    });
    await expect(createNotificationOnce(down, row)).rejects.toBeInstanceOf(AppSyncUnavailableError);
  });
});

describe('notificationId and expiresAfterDays', () => {
  it('derives a 64-hex id from the name alone', () => {
    expect(notificationId('notice:N-1:u-1')).toMatch(/^[0-9a-f]{64}$/);
    expect(notificationId('notice:N-1:u-1')).toBe(notificationId('notice:N-1:u-1'));
    expect(notificationId('notice:N-1:u-2')).not.toBe(notificationId('notice:N-1:u-1'));
  });

  it('counts whole days in epoch seconds', () => {
    expect(expiresAfterDays(new Date('2026-03-14T00:00:00.900Z'), 2)).toBe(
      Date.parse('2026-03-16T00:00:00.000Z') / 1000,
    );
  });
});
