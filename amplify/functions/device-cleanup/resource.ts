import { defineFunction } from '@aws-amplify/backend';
import { baseFunctionEnvironment } from '../../function-environment';

/** Daily at 04:00 KST: removes push tokens marked invalid or unseen for 60 days. */
export const deviceCleanup = defineFunction({
  name: 'device-cleanup',
  entry: './handler.ts',
  timeoutSeconds: 300,
  memoryMB: 256,
  runtime: 22,
  // AWS cron: `?` in day-of-week; EventBridge Scheduler applies the time zone (DST-free in Korea).
  schedule: { cron: '0 4 * * ?', timezone: 'Asia/Seoul' },
  // Deletes from the Device model table directly: in the data stack with it.
  resourceGroupName: 'data',
  environment: { ...baseFunctionEnvironment() },
});
