import type { RestJsonRouter } from '../gateway/protocols';
import type { PushService } from './push-service';
import { sendMessages } from './send-messages';

/** Pinpoint / End User Messaging push over restJson, signed as `mobiletargeting`. */
export function pinpointRouter(services: { push: PushService }): RestJsonRouter {
  return {
    protocol: 'rest-json',
    routes: [
      {
        method: 'POST',
        path: '/v1/apps/{ApplicationId}/messages',
        operation: 'SendMessages',
        handler: sendMessages(services),
      },
    ],
  };
}
