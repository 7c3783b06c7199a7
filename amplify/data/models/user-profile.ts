import { a } from '@aws-amplify/backend';

/** The public card of a user, their consents and their regions (docs/accounts.md). */
export const userProfileModels = {
  /** Consents under 정보통신망법 (Korea's network act): each with the server time it last changed. */
  Consents: a.customType({
    marketing: a.boolean(),
    marketingAt: a.datetime(),
    nightPush: a.boolean(),
    nightPushAt: a.datetime(),
  }),

  /** One updateConsents that changed something: the proof of when consent was given or withdrawn. */
  ConsentChange: a.customType({
    marketing: a.boolean().required(),
    nightPush: a.boolean().required(),
    /** Server time. */
    at: a.datetime().required(),
    /** Who changed it (the Cognito sub: the profile's owner). */
    by: a.id().required(),
    /** The app version the change was made from, as the app reported it. */
    appVersion: a.string().required(),
  }),

  UserProfile: a
    .model({
      /** The Cognito sub. */
      id: a.id().required(),
      /** 2–20 characters, no control or invisible characters (updateProfile). */
      nickname: a.string(),
      role: a.ref('UserRole'),
      phone: a
        .phone()
        .authorization((allow) => [allow.ownerDefinedIn('id').identityClaim('sub').to(['read'])]),
      /** Written only by updateConsents (server time); notification-fanout reads it. */
      consents: a
        .ref('Consents')
        .authorization((allow) => [
          allow.ownerDefinedIn('id').identityClaim('sub').to(['read']),
          allow.group('ADMINS').to(['read']),
        ]),
      /** The latest 100 consent changes, oldest first (docs/notifications.md, "Consents"). */
      consentHistory: a
        .ref('ConsentChange')
        .required()
        .array()
        .authorization((allow) => [
          allow.ownerDefinedIn('id').identityClaim('sub').to(['read']),
          allow.group('ADMINS').to(['read']),
        ]),
      profileImageKey: a.string(),
      /** 법정동 codes of the regions the user follows (2, 5, 8 or 10 digits): notice segments use them. */
      regionCodes: a
        .string()
        .required()
        .array()
        .authorization((allow) => [
          allow.ownerDefinedIn('id').identityClaim('sub').to(['read']),
          allow.group('ADMINS').to(['read']),
        ]),
      deletedAt: a
        .datetime()
        .authorization((allow) => [allow.ownerDefinedIn('id').identityClaim('sub').to(['read'])]),
    })
    .authorization((allow) => [
      // A chat partner's card by id: select id, nickname, role, profileImageKey (README). Only
      // `get`: no field rule here may say `read` for everyone, or the transformer would let
      // everyone list (it authorizes a list for a role that may list any one field).
      allow.authenticated().to(['get']),
      // Listing is the owner's (their own row) and admins' only.
      allow.ownerDefinedIn('id').identityClaim('sub').to(['read']),
      allow.group('ADMINS').to(['read']),
    ]),
};
