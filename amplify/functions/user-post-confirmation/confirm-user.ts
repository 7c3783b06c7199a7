import type { PostConfirmationTriggerEvent } from 'aws-lambda';
import type { EventEnvelope } from '../shared/events';
import { newUserProfile, userCreatedEvent } from './user-profile';

export type UserProfileRow = ReturnType<typeof newUserProfile>;

export interface ConfirmUserDeps {
  /** Writes the profile unless the user already has one; false when one was there. */
  putProfileOnce(profile: UserProfileRow): Promise<boolean>;
  addToGroup(user: { userPoolId: string; userName: string }, group: string): Promise<void>;
  publish(event: EventEnvelope<string, unknown>): Promise<void>;
  now(): Date;
}

export interface Confirmation {
  userId: string;
  profileCreated: boolean;
}

export const MEMBER_GROUP = 'USERS';

/**
 * A new member's profile, the USERS group and user.created; undefined for a confirmation that is
 * not a sign-up (a forgotten password), which changes nothing.
 */
// Cognito may run this trigger up to three times: every step below is safe to repeat.
export async function confirmUser(
  event: PostConfirmationTriggerEvent,
  deps: ConfirmUserDeps,
): Promise<Confirmation | undefined> {
  if (event.triggerSource !== 'PostConfirmation_ConfirmSignUp') return undefined;
  const userId = event.request.userAttributes.sub!;
  const now = deps.now();
  const profileCreated = await deps.putProfileOnce(
    newUserProfile(userId, event.request.userAttributes.phone_number ?? '', now),
  );
  await deps.addToGroup({ userPoolId: event.userPoolId, userName: event.userName }, MEMBER_GROUP);
  // Published on every run with the same id; the consumer drops duplicates.
  await deps.publish(userCreatedEvent(userId, now));
  return { userId, profileCreated };
}
