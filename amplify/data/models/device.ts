import { a } from '@aws-amplify/backend';

/** A push token of a user's device (device-register). */
export const deviceModels = {
  Device: a
    .model({
      /** sha256 of the token: one row per token, so a token belongs to one user (the latest). */
      id: a.id().required(),
      userId: a.id().required(),
      platform: a.ref('DevicePlatform').required(),
      token: a.string().required(),
      appVersion: a.string(),
      locale: a.string(),
      lastSeenAt: a.datetime().required(),
      invalidatedAt: a.datetime(),
    })
    .secondaryIndexes((index) => [index('userId').name('devicesByUserId').queryField('listDevicesByUser')])
    .authorization((allow) => [allow.ownerDefinedIn('userId').identityClaim('sub').to(['read', 'delete'])]),
};
