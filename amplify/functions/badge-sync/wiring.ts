import type { Messaging } from '../../custom/messaging/resource';
import type { BackendFunction } from '../../function-wiring';
import { ENV } from '../shared/env-names';

/** After markNotificationsRead, a silent push updates the badge on the user's devices. */
export function wireBadgeSync(fn: BackendFunction, { messaging }: { messaging: Messaging }): void {
  fn.addEnvironment(ENV.PUSH_QUEUE_URL, messaging.pushQueue.queueUrl);
  messaging.pushQueue.grantSendMessages(fn.resources.lambda);
}
