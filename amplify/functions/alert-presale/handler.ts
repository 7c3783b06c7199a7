import type { Context } from 'aws-lambda';
import { type AlertRunDeps, alertHandler } from '../shared/alerts/alert-run';
import { defaultAlertDeps } from '../shared/alerts/alert-store';
import { withSentry } from '../shared/sentry';
import { presaleAlert } from './presale-alert';

/** Scheduled: new 분양 announcements in PRESALE subscribers' regions → Notification rows. */
export const createHandler = (depsFor: (context: Context) => AlertRunDeps) =>
  alertHandler(presaleAlert, depsFor);

export const handler = withSentry(createHandler(defaultAlertDeps));
