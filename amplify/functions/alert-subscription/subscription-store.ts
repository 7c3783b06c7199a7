import { unlessConditionFailed } from '../shared/appsync-client';
import { allPages, type DataClient, dataOf } from '../shared/data-client';
import type { AlertSubscriptionItem, NewAlertSubscription, SubscriptionChange } from './subscription-rules';

/**
 * AlertSubscription rows through AppSync with the function's role, so the owner's other devices
 * see adds, edits and removals live (onCreate/onUpdate/onDeleteAlertSubscription). Reads and writes
 * select every field of the model (the typed client's default): subscribers get only what a
 * mutation selected.
 */

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

// create refuses an existing id, update and delete a missing row (the model resolvers' conditions).
export function subscriptionStore(data: () => Promise<DataClient>): SubscriptionStore {
  const subscriptions = async () => (await data()).models.AlertSubscription;
  const row = (item: AlertSubscriptionItem | null | undefined) => item ?? undefined;
  return {
    async get(id) {
      return row(await dataOf('GetAlertSubscription', (await subscriptions()).get({ id })));
    },

    async countOwned(userId) {
      const model = await subscriptions();
      const owned = await allPages('ListOwnAlertSubscriptionIds', (nextToken) =>
        model.listAlertSubscriptionsByUser({ userId }, { limit: 1000, nextToken, selectionSet: ['id'] }),
      );
      return owned.length;
    },

    create: async (subscription) =>
      row(
        await unlessConditionFailed(
          dataOf('CreateAlertSubscription', (await subscriptions()).create(subscription)),
        ),
      ),

    update: async (change) =>
      row(
        await unlessConditionFailed(
          dataOf('UpdateAlertSubscription', (await subscriptions()).update(change)),
        ),
      ),

    remove: async (id) =>
      row(
        await unlessConditionFailed(
          dataOf('DeleteAlertSubscription', (await subscriptions()).delete({ id })),
        ),
      ),
  };
}
