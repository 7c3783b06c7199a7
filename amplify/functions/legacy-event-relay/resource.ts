import { defineFunction, secret } from '@aws-amplify/backend';
import { baseFunctionEnvironment } from '../../function-environment';
import { ENV } from '../shared/env-names';

/** SQS legacy-relay (chat-events and user-events) → the Legacy API, with a service token. */
export const legacyEventRelay = defineFunction({
  name: 'legacy-event-relay',
  entry: './handler.ts',
  // The queue's visibility timeout (180 s) is six times this.
  timeoutSeconds: 30,
  memoryMB: 256,
  runtime: 22,
  environment: {
    ...baseFunctionEnvironment(),
    [ENV.SERVICE_TOKEN_KEY]: secret('SERVICE_TOKEN_KEY'),
    [ENV.SERVICE_TOKEN_KID]: secret('SERVICE_TOKEN_KID'),
  },
});
