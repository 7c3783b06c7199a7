import { a } from '@aws-amplify/backend';
import { alertSubscription } from '../../functions/alert-subscription/resource';
import { signedInMutation } from './signed-in';

/** The caller's alerts, validated by alert-subscription. */
export const alertOperations = {
  /** Subscribes the caller to an alert; the same kind and target again returns the alert they have. */
  addAlertSubscription: signedInMutation(alertSubscription)
    .arguments({
      kind: a.ref('AlertKind').required(),
      target: a.string().required(),
      thresholdWon: a.float(),
      label: a.string(),
    })
    .returns(a.ref('AlertSubscription')),

  /** Changes the threshold and/or label of one of the caller's alerts (an omitted argument is kept, null clears). */
  editAlertSubscription: signedInMutation(alertSubscription)
    .arguments({ id: a.id().required(), thresholdWon: a.float(), label: a.string() })
    .returns(a.ref('AlertSubscription')),

  /** Removes one of the caller's alerts. */
  removeAlertSubscription: signedInMutation(alertSubscription)
    .arguments({ id: a.id().required() })
    .returns(a.ref('AlertSubscription')),
};
