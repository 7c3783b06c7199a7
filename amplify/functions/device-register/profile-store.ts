import type { Schema } from '../../data/resource';
import { type AppSyncClient, unlessConditionFailed } from '../shared/appsync-client';
import type { ConsentChange, Consents, ProfileChange } from './profile-settings';

/**
 * The caller's UserProfile through AppSync (IAM), so the owner's subscriptions see the change.
 * PROFILE_FIELDS selects every field of the UserProfile model (test/unit/data/schema-copies.test.ts):
 * AppSync sends subscribers only the fields a mutation selected.
 */

export const PROFILE_FIELDS = `id nickname role phone profileImageKey regionCodes deletedAt createdAt updatedAt
  consents { marketing marketingAt nightPush nightPushAt }
  consentHistory { marketing nightPush at by appVersion }`;

export const GET_PROFILE = `query GetOwnProfile($id: ID!) { getUserProfile(id: $id) { ${PROFILE_FIELDS} } }`;

export const UPDATE_PROFILE = `mutation UpdateOwnProfile($input: UpdateUserProfileInput!, $condition: ModelUserProfileConditionInput) {
  updateUserProfile(input: $input, condition: $condition) { ${PROFILE_FIELDS} } }`;

export type ProfileRow = Schema['UserProfile']['type'];

export interface ProfileStore {
  profile(userId: string): Promise<ProfileRow | undefined>;
  /** undefined when the row is gone (deleted meanwhile). */
  update(userId: string, change: ProfileChange): Promise<ProfileRow | undefined>;
  /** undefined when the row changed since `updatedAt` was read (or is gone): read again and replan. */
  updateConsents(
    userId: string,
    updatedAt: string,
    consents: Required<Consents>,
    consentHistory: ConsentChange[],
  ): Promise<ProfileRow | undefined>;
}

export function profileStore(appSync: () => AppSyncClient): ProfileStore {
  const write = async (input: Record<string, unknown>, condition?: Record<string, unknown>) => {
    const data = await unlessConditionFailed(
      appSync().graphql<{ updateUserProfile: ProfileRow }>(UPDATE_PROFILE, {
        input,
        ...(condition ? { condition } : {}),
      }),
    );
    return data?.updateUserProfile;
  };
  return {
    async profile(userId) {
      const data = await appSync().graphql<{ getUserProfile: ProfileRow | null }>(GET_PROFILE, {
        id: userId,
      });
      return data.getUserProfile ?? undefined;
    },
    update: (userId, change) => write({ id: userId, ...change }),
    updateConsents: (userId, updatedAt, consents, consentHistory) =>
      write({ id: userId, consents, consentHistory }, { updatedAt: { eq: updatedAt } }),
  };
}
