import type { AppSyncResolverEvent } from 'aws-lambda';
import { signedInUserId } from '../shared/caller';
import { dataClient } from '../shared/data-client';
import { withSentry } from '../shared/sentry';
import type { RegisterDeviceArguments } from './device-registration';
import { deviceStore } from './device-store';
import type { UpdateConsentsArguments, UpdateProfileArguments } from './profile-settings';
import { profileStore } from './profile-store';
import { type ProfileUpdateDeps, updateConsents, updateProfile } from './profile-updates';
import { type RegisterDeviceDeps, registerDevice } from './register-device';

type Arguments = RegisterDeviceArguments & UpdateProfileArguments & UpdateConsentsArguments;

/**
 * What the app sets for the signed-in user: registerDevice(platform, token, appVersion, locale),
 * updateProfile(nickname, profileImageKey, regionCodes) and updateConsents(marketing, nightPush,
 * appVersion).
 */
export function createHandler(deps: RegisterDeviceDeps & { profiles: ProfileUpdateDeps['store'] }) {
  // Amplify's resolver sends { typeName, fieldName, arguments, identity, … } (no `info`).
  return async (event: AppSyncResolverEvent<Arguments> & { fieldName?: string }) => {
    const fieldName = event.fieldName ?? event.info?.fieldName;
    const args = event.arguments ?? {};
    switch (fieldName) {
      case 'registerDevice':
        return registerDevice(args, signedInUserId(event.identity), deps);
      case 'updateProfile':
        return updateProfile(args, signedInUserId(event.identity), { store: deps.profiles, now: deps.now });
      case 'updateConsents':
        return updateConsents(args, signedInUserId(event.identity), { store: deps.profiles, now: deps.now });
      default:
        throw new Error(`device-register does not handle ${fieldName}`);
    }
  };
}

export const handler = withSentry(
  createHandler({
    store: deviceStore(dataClient),
    profiles: profileStore(dataClient),
    now: () => new Date(),
  }),
);
