import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { config } from '../shared/config';
import { dataClient } from '../shared/data-client';
import { logger } from '../shared/logger';
import { withSentry } from '../shared/sentry';
import { type AppApiDeps, handleAppApi } from './app-api';
import { dependencyChecks } from './dependency-checks';
import { APP_API_ENV } from './env-names';
import { cachedHealth } from './health';

/** GET /v1/health and GET /v1/me/badge (API Gateway Lambda proxy). */
export function createHandler(deps: AppApiDeps) {
  return async (event: APIGatewayProxyEvent, context?: Context) => {
    if (context) logger.addContext(context);
    return handleAppApi(event, deps);
  };
}

const optionalList = (name: string) =>
  (process.env[name] ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');

export const handler = withSentry(
  createHandler({
    health: cachedHealth({
      checks: dependencyChecks({ data: dataClient }),
      version: () => process.env[APP_API_ENV.BACKEND_VERSION]?.trim() || 'unknown',
      stage: config.stage,
      now: () => new Date(),
    }),
    data: dataClient,
    allowedOrigins: () => optionalList(APP_API_ENV.WEB_ORIGINS),
  }),
);
