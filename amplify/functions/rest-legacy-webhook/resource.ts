import { defineFunction, secret } from '@aws-amplify/backend';
import { legacyWebhookEnvironment } from '../../environment';
import { baseFunctionEnvironment } from '../../function-environment';
import { WEBHOOK_ENV } from './env-names';

/** POST /webhooks/legacy: the legacy side's events (broker assigned, listing status, notices). */
export const restLegacyWebhook = defineFunction({
  name: 'rest-legacy-webhook',
  entry: './handler.ts',
  // Under API Gateway's 29 s integration timeout; the claim's lease (60 s) outlives it.
  timeoutSeconds: 28,
  memoryMB: 512,
  runtime: 22,
  // A data source of the API it calls (allow.resource): in the data stack, or the stacks would refer to each other.
  resourceGroupName: 'data',
  environment: {
    ...baseFunctionEnvironment(),
    ...legacyWebhookEnvironment(),
    [WEBHOOK_ENV.LEGACY_WEBHOOK_KEY]: secret('LEGACY_WEBHOOK_KEY'),
  },
});
