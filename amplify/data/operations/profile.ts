import { a } from '@aws-amplify/backend';
import { deviceRegister } from '../../functions/device-register/resource';
import { signedInMutation } from './signed-in';

/** The caller's push token, consents and profile (device-register). */
export const profileOperations = {
  /**
   * Registers the caller's push token, or refreshes it: the app calls it at every launch. A token
   * belongs to the latest user to register it.
   */
  registerDevice: signedInMutation(deviceRegister)
    .arguments({
      platform: a.ref('DevicePlatform').required(),
      token: a.string().required(),
      appVersion: a.string(),
      locale: a.string(),
    })
    .returns(a.ref('Device')),

  /**
   * The caller's advertising consents (docs/notifications.md, "Consents"), the only way they
   * change: stamped with server time and recorded in consentHistory with the app's version.
   */
  updateConsents: signedInMutation(deviceRegister)
    .arguments({
      marketing: a.boolean().required(),
      nightPush: a.boolean().required(),
      appVersion: a.string().required(),
    })
    .returns(a.ref('Consents')),

  /** The caller's nickname, profile image and regions: an omitted argument is kept, null clears. */
  updateProfile: signedInMutation(deviceRegister)
    .arguments({
      nickname: a.string(),
      profileImageKey: a.string(),
      regionCodes: a.string().required().array(),
    })
    .returns(a.ref('UserProfile')),
};
