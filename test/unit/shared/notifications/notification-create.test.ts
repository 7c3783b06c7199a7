import { describe, expect, it } from 'vitest';
import {
  AppSyncGraphQLError,
  AppSyncUnavailableError,
} from '../../../../amplify/functions/shared/appsync-client';
import type { DataClient } from '../../../../amplify/functions/shared/data-client';
import {
  createNotificationOnce,
  expiresAfterDays,
  type NewNotification,
  notificationId,
} from '../../../../amplify/functions/shared/notifications/notification-create';
import { answerFailing, CONDITION_FAILED, type TypedResult } from '../../../support/typed-data';

const row: NewNotification = {
  id: notificationId('notice:N-1:u-1'),
  userId: 'u-1',
  type: 'NOTICE',
  title: '공지',
  body: '서비스 점검 안내',
  createdAt: '2026-03-14T00:00:00.000Z',
  expiresAt: 1_781_395_200,
};

/** The typed client's Notification.create, answering `answer()` and keeping each call's arguments. */
function answering(answer: () => TypedResult) {
  const calls: unknown[][] = [];
  const client = {
    models: {
      Notification: {
        create: async (...args: unknown[]) => {
          calls.push(args);
          return answer();
        },
      },
    },
  } as unknown as DataClient;
  return { client, calls };
}

describe('createNotificationOnce', () => {
  it('creates the row with the id it was given, selecting every field (no selection set)', async () => {
    const { client, calls } = answering(() => ({ data: { ...row, readAt: null, updatedAt: row.createdAt } }));
    expect(await createNotificationOnce(client, row)).toBe('created');
    expect(calls).toEqual([[row]]);
  });

  it('says the row exists when the create finds the id taken', async () => {
    const { client } = answering(() => CONDITION_FAILED);
    expect(await createNotificationOnce(client, row)).toBe('exists');
  });

  it('passes on any other failure, so the caller retries', async () => {
    const refused = answering(() =>
      answerFailing(
        new AppSyncGraphQLError('CreateNotification', [{ errorType: 'Unauthorized', message: 'no' }], null),
      ),
    );
    await expect(createNotificationOnce(refused.client, row)).rejects.toBeInstanceOf(AppSyncGraphQLError);
    const down = answering(() =>
      answerFailing(new AppSyncUnavailableError('AppSync answered HTTP 503', 503)),
    );
    await expect(createNotificationOnce(down.client, row)).rejects.toBeInstanceOf(AppSyncUnavailableError);
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
