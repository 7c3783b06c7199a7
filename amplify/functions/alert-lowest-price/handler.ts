import type { Context } from 'aws-lambda';
import { type AlertRunDeps, alertHandler } from '../shared/alerts/alert-run';
import { defaultAlertDeps } from '../shared/alerts/alert-store';
import { withSentry } from '../shared/sentry';
import { lowestPriceAlert } from './lowest-price-alert';

/** Scheduled: listings at or under LOWEST_PRICE subscribers' thresholds → Notification rows. */
export const createHandler = (depsFor: (context: Context) => AlertRunDeps) =>
  alertHandler(lowestPriceAlert, depsFor);

export const handler = withSentry(createHandler(defaultAlertDeps));
