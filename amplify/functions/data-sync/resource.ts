import { defineFunction, secret } from '@aws-amplify/backend';
import { baseFunctionEnvironment } from '../../function-environment';
import { ENV } from '../shared/env-names';

/** Every 15 minutes: complexes, listings and brokers changed on the legacy side → their model tables. */
export const dataSync = defineFunction({
  name: 'data-sync',
  entry: './handler.ts',
  // A run that nears it stops between pages (30 s before) with its cursor saved; the next run resumes.
  timeoutSeconds: 300,
  memoryMB: 512,
  runtime: 22,
  // AWS cron: `?` in day-of-week. At :00, :15, :30, :45.
  schedule: { cron: '0/15 * * * ?', timezone: 'Asia/Seoul', description: 'data-sync every 15 minutes' },
  environment: {
    ...baseFunctionEnvironment(),
    [ENV.SERVICE_TOKEN_KEY]: secret('SERVICE_TOKEN_KEY'),
    [ENV.SERVICE_TOKEN_KID]: secret('SERVICE_TOKEN_KID'),
  },
});
