import { a } from '@aws-amplify/backend';

/** Brokers, complexes and listings synced from the Legacy API (docs/reference-data.md): read-only to users. */
export const referenceDataModels = {
  /** A broker (중개사) synced from the Legacy API. */
  BrokerProfile: a
    .model({
      /** The legacy broker id. */
      id: a.id().required(),
      /** The broker's Cognito sub once they use the app. */
      userId: a.id(),
      name: a.string().required(),
      officeName: a.string(),
      regionCodes: a.string().required().array().required(),
      active: a.boolean().required(),
      openConversations: a.integer().default(0),
      lastAssignedAt: a.datetime(),
      /** The Legacy API's updatedAt of what was synced: an older page never overwrites a newer row. */
      sourceUpdatedAt: a.datetime(),
      syncedAt: a.datetime(),
    })
    .authorization((allow) => [allow.authenticated().to(['read'])]),

  /** An apartment complex (단지), synced from the Legacy API by data-sync. */
  Complex: a
    .model({
      /** The legacy complex id. */
      id: a.id().required(),
      name: a.string().required(),
      /** 10-digit 법정동 (legal-dong) code. */
      regionCode: a.string().required(),
      /** Its first 5 digits: the 시군구 code the public data API uses. */
      lawdCode: a.string().required(),
      dong: a.string(),
      /** 지번 (lot number): with lawdCode and name, how a 실거래 row names its complex. */
      jibun: a.string().required(),
      builtYear: a.integer(),
      households: a.integer(),
      sourceUpdatedAt: a.datetime(),
      syncedAt: a.datetime(),
    })
    .secondaryIndexes((index) => [
      index('lawdCode').name('complexesByLawdCode').queryField('listComplexesByLawdCode'),
    ])
    .authorization((allow) => [allow.authenticated().to(['read'])]),

  /** A listing (매물), synced from the Legacy API by data-sync. */
  Listing: a
    .model({
      /** The legacy listing id. */
      id: a.id().required(),
      complexId: a.string().required(),
      complexName: a.string(),
      regionCode: a.string().required(),
      address: a.string(),
      priceWon: a.float(),
      exclusiveAreaM2: a.float(),
      floor: a.integer(),
      status: a.ref('ListingStatus').required(),
      thumbnailUrl: a.string(),
      sourceUpdatedAt: a.datetime(),
      syncedAt: a.datetime(),
    })
    .secondaryIndexes((index) => [
      index('complexId').name('listingsByComplexId').queryField('listListingsByComplexId'),
    ])
    .authorization((allow) => [allow.authenticated().to(['read'])]),
};
