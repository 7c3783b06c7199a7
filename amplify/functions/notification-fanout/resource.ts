import { defineFunction } from '@aws-amplify/backend';
import { baseFunctionEnvironment } from '../../function-environment';
import { ENV } from '../shared/env-names';

/** Notification INSERT (stream): push or inbox only, by the user's consents and the night rule. */
export const notificationFanout = defineFunction({
  name: 'notification-fanout',
  entry: './handler.ts',
  timeoutSeconds: 30,
  memoryMB: 256,
  runtime: 22,
  // Stream-triggered: in the data stack with its table, or the stacks would refer to each other.
  resourceGroupName: 'data',
  environment: {
    ...baseFunctionEnvironment(),
    // 광고성 정보 (advertising) under 정보통신망법; MARKETING always is (docs/notifications.md).
    [ENV.ADVERTISING_NOTIFICATION_TYPES]: 'MARKETING',
  },
});
