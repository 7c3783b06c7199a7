import type { Context } from 'aws-lambda';
import { config } from '../shared/config';
import { withSentry } from '../shared/sentry';
import { cleanupStore } from './cleanup-store';
import { cleanUpDevices, type DeviceCleanupDeps } from './device-cleanup';

/** Daily (EventBridge Scheduler): removes invalidated and long-unseen push tokens. */
export function createHandler(deps: DeviceCleanupDeps) {
  // The scheduled event carries nothing the cleanup needs.
  return (_event: unknown, context: Context) => cleanUpDevices(deps, context);
}

export const handler = withSentry(
  createHandler({
    store: cleanupStore({
      deviceTableName: config.deviceTableName,
      idempotencyTableName: config.idempotencyTableName,
    }),
    now: () => new Date(),
  }),
);
