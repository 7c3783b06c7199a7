/** The headers CDK's `Cors.DEFAULT_HEADERS` allows. */
export const DEFAULT_ALLOWED_HEADERS = [
  'Content-Type',
  'X-Amz-Date',
  'Authorization',
  'X-Api-Key',
  'X-Amz-Security-Token',
  'X-Amz-User-Agent',
];

/**
 * The OPTIONS answer CDK's `defaultCorsPreflightOptions` deploys on every resource (a MOCK
 * integration): 204, with the request's origin echoed when it is allowed. As on AWS, only the
 * preflight gets CORS headers: a function's own responses must add `Access-Control-Allow-Origin`.
 */
export function preflightHeaders(
  origin: string | undefined,
  allowedOrigins: readonly string[],
): Record<string, string> {
  const headers: Record<string, string> = {
    'Access-Control-Allow-Headers': DEFAULT_ALLOWED_HEADERS.join(','),
    'Access-Control-Allow-Methods': 'GET,POST,PUT,PATCH,DELETE,OPTIONS',
  };
  if (allowedOrigins.includes('*')) headers['Access-Control-Allow-Origin'] = '*';
  else if (origin && allowedOrigins.includes(origin)) {
    headers['Access-Control-Allow-Origin'] = origin;
    headers.Vary = 'Origin';
  }
  return headers;
}
