import type { AppSyncResolverEvent } from 'aws-lambda';
import { appSyncClient } from '../shared/appsync-client';
import { signedInUserId } from '../shared/caller';
import { withSentry } from '../shared/sentry';
import type { RegisterDeviceArguments } from './device-registration';
import { deviceStore } from './device-store';
import { type RegisterDeviceDeps, registerDevice } from './register-device';

/** Mutation registerDevice(platform, token, appVersion, locale) → the caller's Device. */
export function createHandler(deps: RegisterDeviceDeps) {
  // Amplify's resolver sends { typeName, fieldName, arguments, identity, … } (no `info`).
  return async (event: AppSyncResolverEvent<RegisterDeviceArguments> & { fieldName?: string }) => {
    const fieldName = event.fieldName ?? event.info?.fieldName;
    if (fieldName !== 'registerDevice') throw new Error(`device-register does not handle ${fieldName}`);
    return registerDevice(event.arguments ?? {}, signedInUserId(event.identity), deps);
  };
}

export const handler = withSentry(
  createHandler({ store: deviceStore(appSyncClient), now: () => new Date() }),
);
