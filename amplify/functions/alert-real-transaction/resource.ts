import { defineFunction, secret } from '@aws-amplify/backend';
import { baseFunctionEnvironment } from '../../function-environment';
import { ENV } from '../shared/env-names';

/** Every morning in Korea: newly registered 실거래 (real transactions) in subscribed complexes → Notification rows. */
export const alertRealTransaction = defineFunction({
  name: 'alert-real-transaction',
  entry: './handler.ts',
  // Lambda's longest: a run that still nears it saves its position (20 s before) and the next
  // invocation (tomorrow's, a retry, or the inbox's "run now") resumes there.
  timeoutSeconds: 900,
  memoryMB: 512,
  runtime: 22,
  // Ten minutes after alert-lowest-price, so the three runs don't start on the same second.
  schedule: {
    cron: '10 9 * * ?',
    timezone: 'Asia/Seoul',
    description: 'alert-real-transaction daily 09:10 KST',
  },
  // Granted allow.resource in the data schema: in the data stack, or the stacks would refer to each other.
  resourceGroupName: 'data',
  environment: {
    ...baseFunctionEnvironment(),
    [ENV.SERVICE_TOKEN_KEY]: secret('SERVICE_TOKEN_KEY'),
    [ENV.SERVICE_TOKEN_KID]: secret('SERVICE_TOKEN_KID'),
  },
});
