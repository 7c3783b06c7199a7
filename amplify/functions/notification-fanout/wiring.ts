import type { Messaging } from '../../custom/messaging/resource';
import { bindStream } from '../../data/stream-binding';
import { type BackendFunction, type ModelTables, modelTable } from '../../function-wiring';
import { ENV } from '../shared/env-names';

/** Push or inbox only, by the user's consents and the night rule (docs/notifications.md). */
export function wireNotificationFanout(
  fn: BackendFunction,
  { messaging, models }: { messaging: Messaging; models: ModelTables },
): void {
  bindStream('NotificationFanoutStream', fn.resources.lambda, modelTable(models, 'Notification'), {
    eventNames: ['INSERT'],
    onFailure: messaging.streamFailuresQueue,
  });
  fn.addEnvironment(ENV.PUSH_QUEUE_URL, messaging.pushQueue.queueUrl);
  messaging.pushQueue.grantSendMessages(fn.resources.lambda);
}
