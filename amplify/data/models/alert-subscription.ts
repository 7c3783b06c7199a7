import { a } from '@aws-amplify/backend';

/** What a user asked to be alerted about (alert-subscription; the alert-* functions read it). */
export const alertSubscriptionModels = {
  AlertSubscription: a
    .model({
      /** Its id is derived from userId, kind and target (alert-subscription): one per user, kind and target. */
      userId: a.id().required(),
      kind: a.ref('AlertKind').required(),
      /** complexId for LOWEST_PRICE and REAL_TRANSACTION; a 시군구 (5-digit) or 법정동 (10-digit) code for PRESALE. */
      target: a.string().required(),
      /** LOWEST_PRICE: alert when a listing's price in won is at or under this. */
      thresholdWon: a.float(),
      label: a.string(),
    })
    .secondaryIndexes((index) => [
      index('kind').sortKeys(['target']).queryField('listAlertSubscriptionsByKindAndTarget'),
      index('userId').queryField('listAlertSubscriptionsByUser'),
    ])
    // Created and edited only through the validating mutations (alert-subscription, IAM).
    .authorization((allow) => [allow.ownerDefinedIn('userId').identityClaim('sub').to(['read', 'delete'])]),
};
