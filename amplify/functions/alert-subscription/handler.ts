import type { AppSyncResolverEvent } from 'aws-lambda';
import { signedInUserId } from '../shared/caller';
import { dataClient } from '../shared/data-client';
import type { Decision } from '../shared/decision';
import { UserFacingError } from '../shared/errors';
import { withSentry } from '../shared/sentry';
import { checkRemove, decideAdd, planEdit, subscriptionNotFound, validateAdd } from './subscription-rules';
import { type SubscriptionStore, subscriptionStore } from './subscription-store';

type Arguments = Record<string, unknown>;
type ResolverEvent = AppSyncResolverEvent<Arguments> & { fieldName?: string };

export interface AlertSubscriptionDeps {
  store: SubscriptionStore;
}

function accepted<T>(decision: Decision<T>): T {
  if (!decision.ok) throw decision.error;
  return decision.value;
}

/** addAlertSubscription, editAlertSubscription, removeAlertSubscription: the owner's own alerts only. */
export function createHandler({ store }: AlertSubscriptionDeps) {
  const operations: Record<string, (callerId: string, args: Arguments) => Promise<unknown>> = {
    async addAlertSubscription(callerId, args) {
      const planned = accepted(
        validateAdd({
          callerId,
          kind: args.kind,
          target: args.target,
          thresholdWon: args.thresholdWon,
          label: args.label,
        }),
      );
      const existing = await store.get(planned.id);
      const decision = accepted(
        decideAdd(planned, existing, existing ? 0 : await store.countOwned(callerId)),
      );
      if (decision.action === 'return-existing') return decision.subscription;
      const created = await store.create(decision.subscription);
      if (created) return created;
      // A concurrent add of the same alert created it first: answer as if this were the retry.
      const raced = await store.get(planned.id);
      if (!raced) {
        throw new UserFacingError(
          'ALERT_SUBSCRIPTION_CONFLICT: 알림이 동시에 변경되었습니다. 다시 시도해주세요. ' +
            '(The alert changed while it was being saved; try again.)',
        );
      }
      return accepted(decideAdd(planned, raced, 0)).subscription;
    },

    async editAlertSubscription(callerId, args) {
      const { subscription, change } = accepted(
        planEdit(await store.get(String(args.id)), {
          callerId,
          thresholdWon: args.thresholdWon,
          label: args.label,
        }),
      );
      if (!change) return subscription;
      const updated = await store.update(change);
      if (!updated) throw subscriptionNotFound().error;
      return updated;
    },

    async removeAlertSubscription(callerId, args) {
      const subscription = accepted(checkRemove(await store.get(String(args.id)), callerId));
      const removed = await store.remove(subscription.id);
      if (!removed) throw subscriptionNotFound().error;
      return removed;
    },
  };

  // Amplify's resolver sends { typeName, fieldName, arguments, identity, … } (no `info`).
  return async (event: ResolverEvent) => {
    const fieldName = event.fieldName ?? event.info?.fieldName;
    const operation = fieldName ? operations[fieldName] : undefined;
    if (!operation) throw new Error(`alert-subscription does not handle ${fieldName}`);
    return operation(signedInUserId(event.identity), event.arguments ?? {});
  };
}

export const handler = withSentry(createHandler({ store: subscriptionStore(dataClient) }));
