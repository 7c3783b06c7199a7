import { type EventEnvelope, eventEnvelope } from '../shared/events';

/** A new member's profile row, as the UserProfile model table stores it. */
export function newUserProfile(userId: string, phone: string, now: Date) {
  const at = now.toISOString();
  return {
    __typename: 'UserProfile',
    id: userId,
    role: 'USER',
    phone,
    // Not derived from the phone: chat partners see the nickname.
    nickname: `부톡회원${userId.replace(/-/g, '').slice(0, 6).toUpperCase()}`,
    consents: { marketing: false, nightPush: false },
    createdAt: at,
    updatedAt: at,
  };
}

export function userCreatedEvent(
  userId: string,
  now: Date,
): EventEnvelope<'user.created', { userId: string }> {
  return eventEnvelope('user.created', `user.created:${userId}`, { userId }, now);
}
