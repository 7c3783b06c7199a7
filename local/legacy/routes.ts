import type { LegacyOperation } from './operation';
import { getLowestPriceAlerts, getPresaleAlerts, getRealTransactionAlerts } from './operations/alerts';
import { postCrmConversation } from './operations/crm-conversations';
import { postEvent } from './operations/events';
import { getHealth } from './operations/health';
import { getPublicDataRealTransactions } from './operations/public-data-real-transactions';
import { postRealTransactions } from './operations/real-transactions';
import { getBrokers, getComplexes, getListings } from './operations/reference-data';
import { deleteUser, postUser } from './operations/users';

/**
 * How a route authenticates:
 * - `service-token`: `Authorization: Bearer <service JWT>` (what every function sends);
 * - `public-data`: the government API's `serviceKey` query parameter, or a service token;
 * - `none`: nothing (health checks).
 */
export type LegacyRouteAuth = 'service-token' | 'public-data' | 'none';

export interface LegacyRoute {
  method: 'GET' | 'POST' | 'DELETE';
  /** `{name}` segments are path parameters. */
  path: string;
  auth: LegacyRouteAuth;
  operation: LegacyOperation;
}

/** Every route the stand-in serves; docs/legacy-api.md documents each (a test compares them). */
export const legacyRoutes: readonly LegacyRoute[] = [
  { method: 'GET', path: '/health', auth: 'none', operation: getHealth },
  { method: 'POST', path: '/v1/events', auth: 'service-token', operation: postEvent },
  { method: 'POST', path: '/v1/crm/conversations', auth: 'service-token', operation: postCrmConversation },
  { method: 'POST', path: '/v1/users', auth: 'service-token', operation: postUser },
  { method: 'DELETE', path: '/v1/users/{id}', auth: 'service-token', operation: deleteUser },
  { method: 'GET', path: '/v1/brokers', auth: 'service-token', operation: getBrokers },
  { method: 'GET', path: '/v1/listings', auth: 'service-token', operation: getListings },
  { method: 'GET', path: '/v1/complexes', auth: 'service-token', operation: getComplexes },
  { method: 'GET', path: '/v1/alerts/lowest-price', auth: 'service-token', operation: getLowestPriceAlerts },
  { method: 'GET', path: '/v1/alerts/presales', auth: 'service-token', operation: getPresaleAlerts },
  {
    method: 'GET',
    path: '/v1/alerts/real-transactions',
    auth: 'service-token',
    operation: getRealTransactionAlerts,
  },
  { method: 'POST', path: '/v1/real-transactions', auth: 'service-token', operation: postRealTransactions },
  {
    method: 'GET',
    path: '/v1/public-data/real-transactions',
    auth: 'public-data',
    operation: getPublicDataRealTransactions,
  },
];

function matchTemplate(template: string, path: string): Record<string, string> | undefined {
  const expected = template.split('/');
  const actual = path.split('/');
  if (expected.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, part] of expected.entries()) {
    const segment = actual[index]!;
    const name = /^\{(\w+)\}$/.exec(part)?.[1];
    if (name) {
      if (!segment) return undefined;
      params[name] = decodeURIComponent(segment);
    } else if (part !== segment) {
      return undefined;
    }
  }
  return params;
}

export type RouteMatch =
  | { kind: 'found'; route: LegacyRoute; params: Record<string, string> }
  | { kind: 'method-not-allowed'; allow: string[] }
  | { kind: 'not-found' };

export function matchLegacyRoute(routes: readonly LegacyRoute[], method: string, path: string): RouteMatch {
  const allow: string[] = [];
  for (const route of routes) {
    const params = matchTemplate(route.path, path);
    if (!params) continue;
    if (route.method === method) return { kind: 'found', route, params };
    allow.push(route.method);
  }
  return allow.length > 0 ? { kind: 'method-not-allowed', allow } : { kind: 'not-found' };
}
