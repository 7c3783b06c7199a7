import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { AppSyncUnavailableError } from '../shared/appsync-client';
import type { DataClient } from '../shared/data-client';
import { errorResponse, headerOf, jsonResponse } from '../shared/http-response';
import { logger } from '../shared/logger';
import { badgeCount, badgeOf } from '../shared/push/badge';
import type { Health } from './health';

/**
 * The REST API for app clients that cannot use GraphQL: GET /v1/health (no authorization) and
 * GET /v1/me/badge (API Gateway's Cognito authorizer; the same Badge as the GraphQL query `badge`).
 */

export interface AppApiDeps {
  health: () => Promise<{ statusCode: number; body: Health }>;
  data: () => Promise<DataClient>;
  /** Web origins allowed to read the answers (CORS); API Gateway only answers the preflight. */
  allowedOrigins: () => readonly string[];
}

type Route = (event: APIGatewayProxyEvent, deps: AppApiDeps) => Promise<APIGatewayProxyResult>;

/** The caller's Cognito sub, from the user pool authorizer's claims. */
export function callerSub(event: APIGatewayProxyEvent): string | undefined {
  const sub = (event.requestContext?.authorizer?.claims as Record<string, unknown> | undefined)?.sub;
  return typeof sub === 'string' && sub !== '' ? sub : undefined;
}

const routes: Record<string, Route> = {
  async 'GET /v1/health'(_event, deps) {
    const { statusCode, body } = await deps.health();
    if (body.status !== 'ok') logger.warn('Health degraded', { dependencies: body.dependencies });
    return jsonResponse(statusCode, body);
  },

  async 'GET /v1/me/badge'(event, deps) {
    const sub = callerSub(event);
    // API Gateway's authorizer refuses these first; this guards a route wired without it.
    if (!sub) return errorResponse(401, 'unauthorized', 'Sign in first: no user in the request.');
    return jsonResponse(200, badgeOf(await badgeCount(sub, await deps.data())));
  },
};

function corsHeaders(event: APIGatewayProxyEvent, allowed: readonly string[]): Record<string, string> {
  const origin = headerOf(event, 'origin');
  if (allowed.includes('*')) return { 'Access-Control-Allow-Origin': '*' };
  if (origin && allowed.includes(origin)) return { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' };
  return {};
}

export async function handleAppApi(
  event: APIGatewayProxyEvent,
  deps: AppApiDeps,
): Promise<APIGatewayProxyResult> {
  // `resource` is the route's template (no stage, no custom-domain base path).
  const path = (event.resource || event.path || '').replace(/(.)\/+$/, '$1');
  const route = routes[`${event.httpMethod} ${path}`];
  let response: APIGatewayProxyResult;
  if (!route) {
    response = errorResponse(404, 'not_found', `No route for ${event.httpMethod} ${path}.`);
  } else {
    try {
      response = await route(event, deps);
    } catch (error) {
      logger.error('REST request failed', { route: `${event.httpMethod} ${path}`, error });
      response =
        error instanceof AppSyncUnavailableError
          ? errorResponse(503, 'unavailable', 'The service is busy; try again shortly.', {
              headers: { 'Retry-After': '1' },
            })
          : errorResponse(500, 'internal_error', 'Something went wrong on our side.');
    }
  }
  return { ...response, headers: { ...response.headers, ...corsHeaders(event, deps.allowedOrigins()) } };
}
