import { a } from '@aws-amplify/backend';
import { badgeSync } from '../../functions/badge-sync/resource';
import { signedInMutation, signedInQuery } from './signed-in';

/** The app icon's badge and reading notifications (badge-sync). */
export const badgeOperations = {
  /** Marks the caller's notifications read: some (ids, 1–100) or all (the newest 100 a call). */
  markNotificationsRead: signedInMutation(badgeSync)
    .arguments({ ids: a.id().required().array(), all: a.boolean() })
    .returns(a.ref('Badge')),

  /** The caller's badge now. */
  badge: signedInQuery(badgeSync).returns(a.ref('Badge')),
};
