import { afterAll, describe, expect, inject, it } from 'vitest';
import { SEED_USERS, seedSandbox, seedTargetsFrom } from '../../local/seed';
import { type AppUser, signedInUser } from './app-user';

const users: AppUser[] = [];
afterAll(() => {
  for (const user of users) user.close();
});

describe('seeding the sandbox', () => {
  it('gives a seeded buyer a conversation with a broker that both can read', async () => {
    const seeded = await seedSandbox(seedTargetsFrom(inject('outputsPath')));
    expect(seeded).toMatchObject({ conversations: 3, messages: 9 });
    // Seeding twice writes the same rows.
    expect(await seedSandbox(seedTargetsFrom(inject('outputsPath')))).toMatchObject({ conversations: 3 });

    const buyer = await signedInUser(SEED_USERS[0].phone);
    users.push(buyer);
    const profile = await buyer.model<{ nickname: string }>('UserProfile', 'get', { id: buyer.sub });
    expect(profile.data.nickname).toBe('김민준');
    const memberships = await buyer.model<{ conversationId: string; lastMessagePreview: string }[]>(
      'ConversationMember',
      'listMembershipsByUser',
      { userId: buyer.sub },
    );
    expect(memberships.errors).toBeUndefined();
    expect(memberships.data).toHaveLength(1);
    const messages = await buyer.model<{ body: string }[]>('Message', 'listMessagesByConversation', {
      conversationId: memberships.data[0]!.conversationId,
    });
    expect(messages.data.map((message) => message.body)).toContain('토요일 오전 11시 괜찮습니다.');

    // A buyer from another conversation reads none of it.
    const other = await signedInUser(SEED_USERS[1].phone);
    users.push(other);
    const theirs = await other.model<{ body: string }[]>('Message', 'listMessagesByConversation', {
      conversationId: memberships.data[0]!.conversationId,
    });
    expect(theirs.data ?? []).toEqual([]);
  });
});
