import { defineFunction, secret } from '@aws-amplify/backend';
import { baseFunctionEnvironment } from '../../function-environment';
import { ENV } from '../shared/env-names';

/** Every morning in Korea: listings at or under LOWEST_PRICE subscribers' thresholds → Notification rows. */
export const alertLowestPrice = defineFunction({
  name: 'alert-lowest-price',
  entry: './handler.ts',
  // Lambda's longest: a run that still nears it saves its position (20 s before) and the next
  // invocation (tomorrow's, a retry, or the inbox's "run now") resumes there.
  timeoutSeconds: 900,
  memoryMB: 512,
  runtime: 22,
  schedule: { cron: '0 9 * * ?', timezone: 'Asia/Seoul', description: 'alert-lowest-price daily 09:00 KST' },
  // Granted allow.resource in the data schema: in the data stack, or the stacks would refer to each other.
  resourceGroupName: 'data',
  environment: {
    ...baseFunctionEnvironment(),
    [ENV.SERVICE_TOKEN_KEY]: secret('SERVICE_TOKEN_KEY'),
    [ENV.SERVICE_TOKEN_KID]: secret('SERVICE_TOKEN_KID'),
  },
});
