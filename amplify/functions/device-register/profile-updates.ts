import { refuse } from '../shared/decision';
import { logger } from '../shared/logger';
import {
  type Consents,
  planConsents,
  type UpdateConsentsArguments,
  type UpdateProfileArguments,
  validateConsentRequest,
  validateProfileChange,
} from './profile-settings';
import type { ProfileRow, ProfileStore } from './profile-store';

export interface ProfileUpdateDeps {
  store: ProfileStore;
  now: () => Date;
}

/** Consent writes that lose a race with another write of the profile re-read it this often. */
const CONSENT_ATTEMPTS = 3;

function profileNotFound() {
  return refuse(
    'PROFILE_NOT_FOUND',
    '프로필을 찾을 수 없습니다.',
    'Your profile does not exist (any more); sign in again.',
  ).error;
}

async function liveProfile(userId: string, store: ProfileStore): Promise<ProfileRow> {
  const profile = await store.profile(userId);
  if (!profile || profile.deletedAt) throw profileNotFound();
  return profile;
}

/** updateProfile: the validated fields written, the rest kept; nothing given answers the profile as is. */
export async function updateProfile(
  args: UpdateProfileArguments,
  userId: string,
  deps: ProfileUpdateDeps,
): Promise<ProfileRow> {
  const change = validateProfileChange(args, userId);
  if (!change.ok) throw change.error;
  const profile = await liveProfile(userId, deps.store);
  if (Object.keys(change.value).length === 0) return profile;
  const saved = await deps.store.update(userId, change.value);
  if (!saved) throw profileNotFound();
  logger.info('Profile updated', { userId, fields: Object.keys(change.value) });
  return saved;
}

/**
 * updateConsents: the consents with server times and one more history entry, written only if the
 * profile did not change since it was read (two devices at once both land in the history).
 */
export async function updateConsents(
  args: UpdateConsentsArguments,
  userId: string,
  deps: ProfileUpdateDeps,
): Promise<Consents> {
  const request = validateConsentRequest(args);
  if (!request.ok) throw request.error;
  for (let attempt = 1; attempt <= CONSENT_ATTEMPTS; attempt++) {
    const profile = await liveProfile(userId, deps.store);
    const plan = planConsents(profile.consents, profile.consentHistory, request.value, {
      userId,
      now: deps.now(),
    });
    if (!plan) return profile.consents ?? {};
    const saved = await deps.store.updateConsents(
      userId,
      profile.updatedAt,
      plan.consents,
      plan.consentHistory,
    );
    if (saved) {
      logger.info('Consents changed', {
        userId,
        marketing: plan.consents.marketing,
        nightPush: plan.consents.nightPush,
        appVersion: request.value.appVersion,
      });
      return plan.consents;
    }
  }
  throw new Error(`The profile changed during each of ${CONSENT_ATTEMPTS} consent writes; retry the call`);
}
