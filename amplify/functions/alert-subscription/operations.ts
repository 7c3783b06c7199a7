import { accepted } from '../shared/decision';
import { UserFacingError } from '../shared/errors';
import { checkRemove, decideAdd, planEdit, subscriptionNotFound, validateAdd } from './subscription-rules';
import type { SubscriptionStore } from './subscription-store';

/** addAlertSubscription, editAlertSubscription, removeAlertSubscription: the owner's own alerts only. */

export type Arguments = Record<string, unknown>;

export interface AlertSubscriptionDeps {
  store: SubscriptionStore;
}

export type Operation = (args: Arguments, callerId: string, deps: AlertSubscriptionDeps) => Promise<unknown>;

export const addAlertSubscription: Operation = async (args, callerId, { store }) => {
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
  const decision = accepted(decideAdd(planned, existing, existing ? 0 : await store.countOwned(callerId)));
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
};

export const editAlertSubscription: Operation = async (args, callerId, { store }) => {
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
};

export const removeAlertSubscription: Operation = async (args, callerId, { store }) => {
  const subscription = accepted(checkRemove(await store.get(String(args.id)), callerId));
  const removed = await store.remove(subscription.id);
  if (!removed) throw subscriptionNotFound().error;
  return removed;
};

export const operationsByField: Readonly<Record<string, Operation>> = {
  addAlertSubscription,
  editAlertSubscription,
  removeAlertSubscription,
};
