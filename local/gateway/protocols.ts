import type { IncomingHttpHeaders } from 'node:http';

/**
 * The three wire protocols the SDK v3 clients of this backend speak, and how an operation's
 * result or error is written back in each:
 * - awsJson 1.0/1.1 (SQS, SSM, Cognito): `X-Amz-Target: <prefix>.<Operation>`, JSON in and out,
 *   errors `{ __type, message }` (SQS adds `x-amzn-query-error` for its query-compatible codes);
 * - awsQuery (SNS): form-encoded `Action=Publish&…`, XML out;
 * - restJson (Pinpoint): the operation is the method and path, JSON in and out.
 */

/** What an operation knows about the call besides its input. */
export interface RequestContext {
  requestId: string;
  /** The service name the gateway routed by, e.g. `sqs`. */
  service: string;
  operation: string;
  /** `http://127.0.0.1:<port>`: the gateway's own URL, for queue URLs and the like. */
  gatewayUrl: string;
  /** From the SigV4 credential scope; the signature itself is never checked. */
  region?: string;
  accessKeyId?: string;
  headers: IncomingHttpHeaders;
  /** Aborted when the caller hangs up, e.g. during an SQS long poll. */
  signal?: AbortSignal;
}

/**
 * One API operation: a function from the request (JSON body, parsed query parameters or REST
 * request) to the response. Declared with a `never` input so that operations typed with their
 * own request shape fit in one table.
 */
export type Operation = (request: never, context: RequestContext) => unknown;

export interface JsonRouter {
  protocol: 'json';
  /** The `X-Amz-Target` prefix before the operation name, e.g. `AmazonSQS`. */
  targetPrefix: string;
  /** Also write errors' query codes to `x-amzn-query-error`, as SQS does for the query-compatible SDK. */
  queryCompatible?: boolean;
  operations: Record<string, Operation>;
}

export interface QueryRouter {
  protocol: 'query';
  /** The XML namespace of responses, e.g. `http://sns.amazonaws.com/doc/2010-03-31/`. */
  xmlNamespace: string;
  operations: Record<string, Operation>;
}

/** What a REST-JSON operation receives. */
export interface RestRequest<Body = unknown> {
  /** The `{Label}` parts of the route's path, decoded. */
  params: Record<string, string>;
  query: URLSearchParams;
  body: Body;
}

export interface RestRoute {
  method: string;
  /** A path with labels, e.g. `/v1/apps/{ApplicationId}/messages`. */
  path: string;
  operation: string;
  handler: Operation;
}

export interface RestJsonRouter {
  protocol: 'rest-json';
  routes: RestRoute[];
}

export type ServiceRouter = JsonRouter | QueryRouter | RestJsonRouter;

export interface AwsErrorOptions {
  /** HTTP status, 400 unless said otherwise. */
  status?: number;
  fault?: 'Sender' | 'Receiver';
  /**
   * The code for `x-amzn-query-error` when it differs from `code`: SQS's query-compatible JSON names
   * some errors by their old query code (`AWS.SimpleQueueService.NonExistentQueue`).
   */
  queryCode?: string;
  /** Extra members of the error shape. */
  fields?: Record<string, unknown>;
}

/** An error an operation throws to answer with that AWS error code; anything else is a 500. */
export class AwsError extends Error {
  readonly status: number;
  readonly fault: 'Sender' | 'Receiver';
  readonly queryCode: string;
  readonly fields: Record<string, unknown>;

  constructor(
    readonly code: string,
    message: string,
    options: AwsErrorOptions = {},
  ) {
    super(message);
    this.name = code;
    this.status = options.status ?? 400;
    this.fault = options.fault ?? (this.status >= 500 ? 'Receiver' : 'Sender');
    this.queryCode = options.queryCode ?? code;
    this.fields = options.fields ?? {};
  }
}

/** The query code only reaches the wire for query-compatible services, i.e. SQS, whose SDK maps it back. */
export function unsupportedOperation(service: string, operation: string): AwsError {
  return new AwsError(
    'UnsupportedOperation',
    `the local sandbox does not implement ${service}:${operation}`,
    {
      queryCode: 'AWS.SimpleQueueService.UnsupportedOperation',
    },
  );
}

/** Anything that is not an AwsError: a bug in the sandbox, reported as AWS reports its own. */
export function toAwsError(error: unknown): AwsError {
  if (error instanceof AwsError) return error;
  console.error('[aws-gateway] operation failed', error);
  const message = error instanceof Error ? error.message : String(error);
  return new AwsError('InternalFailure', `local sandbox error: ${message}`, { status: 500 });
}

/** An HTTP response before it is written. */
export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

// ---- awsJson ----

export function jsonResponse(result: unknown, version: string): WireResponse {
  return {
    status: 200,
    headers: { 'content-type': `application/x-amz-json-${version}` },
    body: JSON.stringify(result ?? {}),
  };
}

export function jsonError(error: AwsError, version: string, queryCompatible: boolean): WireResponse {
  const headers: Record<string, string> = { 'content-type': `application/x-amz-json-${version}` };
  if (queryCompatible) headers['x-amzn-query-error'] = `${error.queryCode};${error.fault}`;
  return {
    status: error.status,
    headers,
    body: JSON.stringify({ __type: error.code, message: error.message, ...error.fields }),
  };
}

// ---- restJson ----

export function restJsonResponse(result: unknown, status = 200): WireResponse {
  return {
    status,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(result ?? {}),
  };
}

export function restJsonError(error: AwsError, requestId: string): WireResponse {
  return {
    status: error.status,
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': error.code },
    body: JSON.stringify({ Message: error.message, RequestID: requestId, ...error.fields }),
  };
}

/** Matches `/v1/apps/abc/messages` against `/v1/apps/{ApplicationId}/messages`. */
export function matchRestPath(pattern: string, path: string): Record<string, string> | undefined {
  const patternParts = pattern.split('/');
  const pathParts = path.split('/');
  if (patternParts.length !== pathParts.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, part] of patternParts.entries()) {
    const actual = pathParts[index]!;
    const label = /^\{(\w+)\}$/.exec(part)?.[1];
    if (label) {
      if (!actual) return undefined;
      params[label] = decodeURIComponent(actual);
    } else if (part !== actual) {
      return undefined;
    }
  }
  return params;
}

// ---- awsQuery ----

export type QueryValue = string | QueryValue[] | { [key: string]: QueryValue };

/**
 * Turns `A.member.1.B=x` and `M.entry.1.Name=k&M.entry.1.Value.C=v` into `{ A: [{ B: 'x' }] }` and
 * `{ M: { k: { C: 'v' } } }`, so query operations see the same shapes as their JSON siblings.
 * Map entries use `key`/`value` or, for SNS message attributes, `Name`/`Value`.
 */
export function parseQueryParams(params: URLSearchParams): Record<string, QueryValue> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of params) {
    const path = key.split('.');
    if (path.some((segment) => segment === '__proto__' || segment === 'constructor')) continue;
    let node = root;
    for (const [index, segment] of path.entries()) {
      if (index === path.length - 1) {
        node[segment] = value;
      } else {
        if (typeof node[segment] !== 'object' || node[segment] === null) node[segment] = {};
        node = node[segment] as Record<string, unknown>;
      }
    }
  }
  return normalizeQueryNode(root) as Record<string, QueryValue>;
}

function byIndex(node: Record<string, unknown>): unknown[] {
  return Object.keys(node)
    .sort((a, b) => Number(a) - Number(b))
    .map((index) => node[index]);
}

function normalizeQueryNode(node: unknown): unknown {
  if (typeof node !== 'object' || node === null) return node;
  const record = node as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length === 1 && keys[0] === 'member' && typeof record.member === 'object') {
    return byIndex(record.member as Record<string, unknown>).map(normalizeQueryNode);
  }
  if (keys.length === 1 && keys[0] === 'entry' && typeof record.entry === 'object') {
    const map: Record<string, unknown> = {};
    for (const entry of byIndex(record.entry as Record<string, unknown>)) {
      const { key, value, Name, Value } = entry as Record<string, unknown>;
      const name = key ?? Name;
      if (typeof name === 'string') map[name] = normalizeQueryNode(value ?? Value);
    }
    return map;
  }
  return Object.fromEntries(keys.map((key) => [key, normalizeQueryNode(record[key])]));
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"\r]/g, (char) => `&#${char.charCodeAt(0)};`);
}

/**
 * Writes a result as awsQuery XML: arrays as `<member>` lists, `Map`s as `<entry><key/><value/></entry>`,
 * objects as nested elements, undefined members left out.
 */
export function toXml(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((item) => `<member>${toXml(item)}</member>`).join('');
  if (value instanceof Map) {
    return [...value]
      .map(
        ([key, item]) => `<entry><key>${escapeXml(String(key))}</key><value>${toXml(item)}</value></entry>`,
      )
      .join('');
  }
  if (typeof value === 'object') {
    return Object.entries(value)
      .filter(([, item]) => item !== undefined && item !== null)
      .map(([key, item]) => `<${key}>${toXml(item)}</${key}>`)
      .join('');
  }
  return escapeXml(String(value));
}

export function queryResponse(
  operation: string,
  result: unknown,
  xmlNamespace: string,
  requestId: string,
): WireResponse {
  const resultXml = result === undefined ? '' : `<${operation}Result>${toXml(result)}</${operation}Result>`;
  return {
    status: 200,
    headers: { 'content-type': 'text/xml' },
    body:
      `<?xml version="1.0"?>\n<${operation}Response xmlns="${xmlNamespace}">${resultXml}` +
      `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${operation}Response>`,
  };
}

export function queryError(error: AwsError, xmlNamespace: string, requestId: string): WireResponse {
  return {
    status: error.status,
    headers: { 'content-type': 'text/xml' },
    body:
      `<?xml version="1.0"?>\n<ErrorResponse xmlns="${xmlNamespace}"><Error><Type>${error.fault}</Type>` +
      `<Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message></Error>` +
      `<RequestId>${requestId}</RequestId></ErrorResponse>`,
  };
}
