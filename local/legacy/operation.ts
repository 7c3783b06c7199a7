import type { LegacyStore } from './store';

/** What an operation of the Legacy API stand-in sees: the request after authentication. */
export interface LegacyOperationRequest {
  method: string;
  path: string;
  /** `{id}` and friends from the route's path. */
  params: Record<string, string>;
  query: URLSearchParams;
  /** The parsed JSON body, undefined when there was none. */
  body: unknown;
  /** The service token's `sub` (the calling function), when the route needs a token. */
  subject?: string;
  nowMs: number;
}

export interface LegacyResponse {
  status: number;
  /** Sent as JSON; no body when undefined. */
  body?: unknown;
  headers?: Record<string, string>;
}

/** One endpoint: data in, data out; the server does HTTP, auth, faults and idempotency. */
export type LegacyOperation = (request: LegacyOperationRequest, store: LegacyStore) => LegacyResponse;

/** A request the Legacy API refuses with 400; `error` is the machine-readable code. */
export class LegacyBadRequest extends Error {
  constructor(
    message: string,
    readonly error = 'bad_request',
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'LegacyBadRequest';
  }
}

export type JsonObject = Record<string, unknown>;

export function requireObject(value: unknown, what: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new LegacyBadRequest(`${what} must be a JSON object`);
  }
  return value as JsonObject;
}

export function requireString(object: JsonObject, field: string): string {
  const value = object[field];
  if (typeof value !== 'string' || value.trim() === '') {
    throw new LegacyBadRequest(`"${field}" must be a non-empty string`);
  }
  return value;
}

export function optionalString(object: JsonObject, field: string): string | null {
  const value = object[field];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new LegacyBadRequest(`"${field}" must be a string or null`);
  return value;
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** An ISO 8601 instant with a zone (`2025-03-01T09:00:00Z`, `…+09:00`), as milliseconds. */
export function parseInstant(value: unknown, field: string): number {
  if (typeof value !== 'string' || !ISO_INSTANT.test(value) || Number.isNaN(Date.parse(value))) {
    throw new LegacyBadRequest(
      `"${field}" must be an ISO 8601 date-time with a zone, e.g. 2025-03-01T09:00:00Z`,
    );
  }
  return Date.parse(value);
}

export function requiredQuery(query: URLSearchParams, name: string): string {
  const value = query.get(name);
  if (value === null || value.trim() === '')
    throw new LegacyBadRequest(`query parameter "${name}" is required`);
  return value;
}

/** `a,b,c` → ['a', 'b', 'c']; at most `max` entries. */
export function listQuery(query: URLSearchParams, name: string, max = 100): string[] {
  const values = requiredQuery(query, name)
    .split(',')
    .map((value) => value.trim())
    .filter(Boolean);
  if (values.length === 0) throw new LegacyBadRequest(`query parameter "${name}" is required`);
  if (values.length > max)
    throw new LegacyBadRequest(`query parameter "${name}" takes at most ${max} values`);
  return values;
}
