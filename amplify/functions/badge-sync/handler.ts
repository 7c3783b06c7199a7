import type { AppSyncResolverEvent } from 'aws-lambda';
import { signedInUserId } from '../shared/caller';
import { config } from '../shared/config';
import { dataClient } from '../shared/data-client';
import { queuePushes } from '../shared/push/push-request';
import { withSentry } from '../shared/sentry';
import { type BadgeSyncDeps, currentBadge, markNotificationsRead } from './badge-operations';
import type { MarkReadArguments } from './notification-reads';
import { notificationStore } from './notification-store';

type Event = AppSyncResolverEvent<MarkReadArguments> & { fieldName?: string };

/** Mutation markNotificationsRead(ids, all) and query badge, each → the caller's Badge. */
export function createHandler(deps: BadgeSyncDeps) {
  // Amplify's resolver sends { typeName, fieldName, arguments, identity, … } (no `info`).
  return async (event: Event) => {
    const fieldName = event.fieldName ?? event.info?.fieldName;
    if (fieldName === 'markNotificationsRead') {
      return markNotificationsRead(event.arguments ?? {}, signedInUserId(event.identity), deps);
    }
    if (fieldName === 'badge') return currentBadge(signedInUserId(event.identity), deps);
    throw new Error(`badge-sync does not handle ${fieldName}`);
  };
}

export const handler = withSentry(
  createHandler({
    data: dataClient,
    store: notificationStore(dataClient),
    queue: (requests) => queuePushes(config.pushQueueUrl(), requests),
    now: () => new Date(),
  }),
);
