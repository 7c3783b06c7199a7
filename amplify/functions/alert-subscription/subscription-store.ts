import { type AppSyncClient, isConditionalCheckFailure } from '../shared/appsync-client';
import type { AlertSubscriptionItem, NewAlertSubscription, SubscriptionChange } from './subscription-rules';

/**
 * AlertSubscription rows through AppSync with the function's role, so the owner's other devices
 * see adds, edits and removals live (onCreate/onUpdate/onDeleteAlertSubscription).
 */

// Every field: AppSync sends subscribers only what the mutation selected.
export const ALERT_SUBSCRIPTION_FIELDS = 'id userId kind target thresholdWon label createdAt updatedAt';

export const GET_ALERT_SUBSCRIPTION = `query GetAlertSubscription($id: ID!) {
  getAlertSubscription(id: $id) { ${ALERT_SUBSCRIPTION_FIELDS} } }`;

export const LIST_OWN_SUBSCRIPTION_IDS = `query ListOwnAlertSubscriptionIds($userId: ID!, $nextToken: String) {
  listAlertSubscriptionsByUser(userId: $userId, limit: 1000, nextToken: $nextToken) { items { id } nextToken } }`;

export const CREATE_ALERT_SUBSCRIPTION = `mutation CreateAlertSubscription($input: CreateAlertSubscriptionInput!) {
  createAlertSubscription(input: $input) { ${ALERT_SUBSCRIPTION_FIELDS} } }`;

export const UPDATE_ALERT_SUBSCRIPTION = `mutation UpdateAlertSubscription($input: UpdateAlertSubscriptionInput!) {
  updateAlertSubscription(input: $input) { ${ALERT_SUBSCRIPTION_FIELDS} } }`;

export const DELETE_ALERT_SUBSCRIPTION = `mutation DeleteAlertSubscription($input: DeleteAlertSubscriptionInput!) {
  deleteAlertSubscription(input: $input) { ${ALERT_SUBSCRIPTION_FIELDS} } }`;

export interface SubscriptionStore {
  get(id: string): Promise<AlertSubscriptionItem | undefined>;
  /** How many subscriptions the user has. */
  countOwned(userId: string): Promise<number>;
  /** undefined when a row with its id exists already. */
  create(subscription: NewAlertSubscription): Promise<AlertSubscriptionItem | undefined>;
  /** undefined when the row is gone. */
  update(change: SubscriptionChange): Promise<AlertSubscriptionItem | undefined>;
  /** undefined when the row is gone. */
  remove(id: string): Promise<AlertSubscriptionItem | undefined>;
}

/** The model resolvers' existence conditions (create: absent, update/delete: present) as undefined. */
async function unlessConditionFailed<T>(write: () => Promise<T>): Promise<T | undefined> {
  try {
    return await write();
  } catch (error) {
    if (isConditionalCheckFailure(error)) return undefined;
    throw error;
  }
}

export function subscriptionStore(appSync: () => AppSyncClient): SubscriptionStore {
  return {
    async get(id) {
      const data = await appSync().graphql<{ getAlertSubscription: AlertSubscriptionItem | null }>(
        GET_ALERT_SUBSCRIPTION,
        { id },
      );
      return data.getAlertSubscription ?? undefined;
    },

    async countOwned(userId) {
      let count = 0;
      let nextToken: string | null | undefined;
      do {
        const data = await appSync().graphql<{
          listAlertSubscriptionsByUser: { items: unknown[]; nextToken?: string | null } | null;
        }>(LIST_OWN_SUBSCRIPTION_IDS, { userId, nextToken });
        const page = data.listAlertSubscriptionsByUser;
        count += (page?.items ?? []).filter(Boolean).length;
        nextToken = page?.nextToken;
      } while (nextToken);
      return count;
    },

    create: (subscription) =>
      unlessConditionFailed(async () => {
        const data = await appSync().graphql<{ createAlertSubscription: AlertSubscriptionItem }>(
          CREATE_ALERT_SUBSCRIPTION,
          { input: subscription },
        );
        return data.createAlertSubscription;
      }),

    update: (change) =>
      unlessConditionFailed(async () => {
        const data = await appSync().graphql<{ updateAlertSubscription: AlertSubscriptionItem }>(
          UPDATE_ALERT_SUBSCRIPTION,
          { input: change },
        );
        return data.updateAlertSubscription;
      }),

    remove: (id) =>
      unlessConditionFailed(async () => {
        const data = await appSync().graphql<{ deleteAlertSubscription: AlertSubscriptionItem }>(
          DELETE_ALERT_SUBSCRIPTION,
          { input: { id } },
        );
        return data.deleteAlertSubscription;
      }),
  };
}
