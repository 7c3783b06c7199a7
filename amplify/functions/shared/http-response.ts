import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

/**
 * API Gateway Lambda proxy answers (REST, payload v1) for both REST functions: JSON, never cached
 * (they carry a user's badge or a webhook's outcome), errors as `{ error, message }`.
 */

export const JSON_HEADERS = {
  'Content-Type': 'application/json; charset=utf-8',
  'Cache-Control': 'no-store',
} as const;

export function jsonResponse(
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyResult {
  return { statusCode, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
}

export function errorResponse(
  statusCode: number,
  error: string,
  message: string,
  options: { extra?: Record<string, unknown>; headers?: Record<string, string> } = {},
): APIGatewayProxyResult {
  return jsonResponse(statusCode, { error, message, ...options.extra }, options.headers);
}

/** A request header by name, whatever its casing (API Gateway keeps the client's). */
export function headerOf(event: Pick<APIGatewayProxyEvent, 'headers'>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted && value !== undefined) return value;
  }
  return undefined;
}

/** The body's bytes: API Gateway base64-encodes bodies it considers binary. */
export function bodyBytes(event: Pick<APIGatewayProxyEvent, 'body' | 'isBase64Encoded'>): Buffer {
  if (event.body === null || event.body === undefined) return Buffer.alloc(0);
  return Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
}
