import type { AppSyncResolverEvent } from 'aws-lambda';
import { signedInUserId } from '../shared/caller';
import { dataClient } from '../shared/data-client';
import { withSentry } from '../shared/sentry';
import { type AlertSubscriptionDeps, type Arguments, operationsByField } from './operations';
import { subscriptionStore } from './subscription-store';

// Amplify's resolver sends { typeName, fieldName, arguments, identity, … } (no `info`).
type ResolverEvent = AppSyncResolverEvent<Arguments> & { fieldName?: string };

/** Which field was called, and by whom; the operation decides everything else. */
export function createHandler(deps: AlertSubscriptionDeps) {
  return async (event: ResolverEvent) => {
    const fieldName = event.fieldName ?? event.info?.fieldName;
    const operation =
      fieldName && Object.hasOwn(operationsByField, fieldName) ? operationsByField[fieldName] : undefined;
    if (!operation) throw new Error(`alert-subscription does not handle ${fieldName}`);
    return operation(event.arguments ?? {}, signedInUserId(event.identity), deps);
  };
}

export const handler = withSentry(createHandler({ store: subscriptionStore(dataClient) }));
