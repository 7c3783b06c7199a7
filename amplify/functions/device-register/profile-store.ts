import type { Schema } from '../../data/resource';
import { unlessConditionFailed } from '../shared/appsync-client';
import { type DataClient, dataOf, graphqlOf } from '../shared/data-client';
import type { ConsentChange, Consents, ProfileChange } from './profile-settings';

/**
 * The caller's UserProfile through AppSync (IAM), so the owner's subscriptions see the change.
 * Reads and writes select every field of the model (the typed client's default): AppSync sends
 * subscribers only the fields a mutation selected.
 */

export const PROFILE_FIELDS = `id nickname role phone profileImageKey regionCodes deletedAt createdAt updatedAt
  consents { marketing marketingAt nightPush nightPushAt }
  consentHistory { marketing nightPush at by appVersion }`;

// The typed client's update takes no condition: "only if unchanged since read" needs the document.
export const UPDATE_PROFILE_IF_UNCHANGED = `mutation UpdateOwnProfile($input: UpdateUserProfileInput!, $condition: ModelUserProfileConditionInput) {
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

export function profileStore(data: () => Promise<DataClient>): ProfileStore {
  const profiles = async () => (await data()).models.UserProfile;
  return {
    async profile(userId) {
      const row = await dataOf('GetOwnProfile', (await profiles()).get({ id: userId }));
      return (row as ProfileRow | null) ?? undefined;
    },
    async update(userId, change) {
      const row = await unlessConditionFailed(
        dataOf('UpdateOwnProfile', (await profiles()).update({ id: userId, ...change })),
      );
      return (row as ProfileRow | null | undefined) ?? undefined;
    },
    async updateConsents(userId, updatedAt, consents, consentHistory) {
      const written = await unlessConditionFailed(
        graphqlOf<{ updateUserProfile: ProfileRow }>(
          await data(),
          'UpdateOwnProfile',
          UPDATE_PROFILE_IF_UNCHANGED,
          {
            input: { id: userId, consents, consentHistory },
            condition: { updatedAt: { eq: updatedAt } },
          },
        ),
      );
      return written?.updateUserProfile;
    },
  };
}
