import { describe, expect, it } from 'vitest';
import { AppSyncUnavailableError } from '../../../../amplify/functions/shared/appsync-client';
import type { DataClient } from '../../../../amplify/functions/shared/data-client';
import { badgeCount } from '../../../../amplify/functions/shared/push/badge';
import { answerFailing, badgeModels } from '../../../support/typed-data';

type Membership = { conversationId: string; unreadCount: number | null } | null;
type Notification = { id: string; readAt?: string | null } | null;

/** The typed client answering the two badge queries from pages given per operation; records every call. */
function pagedAppSync(pages: { memberships: Membership[][]; notifications: Notification[][] }) {
  const calls: { operation: string; variables: Record<string, unknown> }[] = [];
  const client = {
    models: badgeModels(async (operation, variables) => {
      calls.push({ operation, variables });
      const [field, list] =
        operation === 'BadgeMemberships'
          ? ['listMembershipsByUser', pages.memberships]
          : ['listNotificationsByUser', pages.notifications];
      const index = variables.nextToken ? Number(variables.nextToken) : 0;
      const nextToken = index + 1 < list.length ? String(index + 1) : null;
      return { [field]: { items: list[index] ?? [], nextToken } };
    }),
  } as unknown as DataClient;
  return { client, calls };
}

describe('badgeCount', () => {
  it('sums unread messages over every page of memberships', async () => {
    const { client, calls } = pagedAppSync({
      memberships: [
        [
          { conversationId: 'conv-1', unreadCount: 2 },
          { conversationId: 'conv-2', unreadCount: 0 },
        ],
        [{ conversationId: 'conv-3', unreadCount: 5 }],
      ],
      notifications: [[]],
    });
    const badge = await badgeCount('user-1', client);
    expect(badge).toMatchObject({ unreadChats: 7, unreadNotifications: 0, total: 7 });
    expect(Object.fromEntries(badge.byConversation)).toEqual({ 'conv-1': 2, 'conv-2': 0, 'conv-3': 5 });
    expect(calls.filter((call) => call.operation === 'BadgeMemberships')).toEqual([
      { operation: 'BadgeMemberships', variables: { userId: 'user-1', nextToken: undefined } },
      { operation: 'BadgeMemberships', variables: { userId: 'user-1', nextToken: '1' } },
    ]);
  });

  it('ignores null items, missing counts and negative counts', async () => {
    const { client } = pagedAppSync({
      memberships: [
        [
          null,
          { conversationId: 'conv-1', unreadCount: null },
          { conversationId: 'conv-2', unreadCount: -3 },
          { conversationId: 'conv-3', unreadCount: 4 },
        ],
      ],
      notifications: [[null]],
    });
    const badge = await badgeCount('user-1', client);
    expect(badge).toMatchObject({ unreadChats: 4, unreadNotifications: 0, total: 4 });
    expect(Object.fromEntries(badge.byConversation)).toEqual({ 'conv-1': 0, 'conv-2': 0, 'conv-3': 4 });
  });

  it('counts unread notifications over every page, whether readAt is absent or null', async () => {
    const { client, calls } = pagedAppSync({
      memberships: [[{ conversationId: 'conv-1', unreadCount: 1 }]],
      notifications: [
        [{ id: 'n-1' }, { id: 'n-2', readAt: '2026-03-14T01:00:00.000Z' }],
        // A page the server filtered empty still carries a nextToken.
        [],
        [{ id: 'n-3', readAt: null }, null, { id: 'n-4' }],
      ],
    });
    await expect(badgeCount('user-1', client)).resolves.toMatchObject({
      unreadChats: 1,
      unreadNotifications: 3,
      total: 4,
    });
    expect(calls.filter((call) => call.operation === 'BadgeNotifications')).toHaveLength(3);
  });

  it('is 0 for a user with no memberships and no notifications', async () => {
    const { client } = pagedAppSync({ memberships: [[]], notifications: [[]] });
    await expect(badgeCount('user-1', client)).resolves.toMatchObject({ total: 0 });
  });

  it("reads only the given user's memberships and notifications", async () => {
    const { client, calls } = pagedAppSync({ memberships: [[]], notifications: [[]] });
    await badgeCount('user-42', client);
    expect(calls.map((call) => call.variables.userId)).toEqual(['user-42', 'user-42']);
  });

  it('fails when AppSync fails, rather than reporting a smaller badge', async () => {
    const down = async () => answerFailing(new AppSyncUnavailableError('AppSync unavailable', 503));
    const client = {
      models: {
        ConversationMember: { listMembershipsByUser: down },
        Notification: { listNotificationsByUser: down },
      },
    } as unknown as DataClient;
    await expect(badgeCount('user-1', client)).rejects.toBeInstanceOf(AppSyncUnavailableError);
  });
});
