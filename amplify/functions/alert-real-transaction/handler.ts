import type { Context } from 'aws-lambda';
import { type AlertRunDeps, alertHandler } from '../shared/alerts/alert-run';
import { defaultAlertDeps } from '../shared/alerts/alert-store';
import { withSentry } from '../shared/sentry';
import { realTransactionAlert } from './real-transaction-alert';

/** Scheduled: newly registered 실거래 in REAL_TRANSACTION subscribers' complexes → Notification rows. */
export const createHandler = (depsFor: (context: Context) => AlertRunDeps) =>
  alertHandler(realTransactionAlert, depsFor);

export const handler = withSentry(createHandler(defaultAlertDeps));
