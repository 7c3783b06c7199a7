import type { APIGatewayProxyEvent } from 'aws-lambda';

export interface IncomingRequest {
  method: string;
  /** The path without the stage, e.g. `/v1/me/badge`. */
  path: string;
  /** The raw query string without `?`. */
  rawQuery: string;
  /** Name/value pairs in order, with the client's casing (Node's `rawHeaders`). */
  rawHeaders: string[];
  body: Buffer;
  sourceIp: string;
}

export interface EventContext {
  resourcePath: string;
  pathParameters: Record<string, string>;
  stage: string;
  apiId: string;
  accountId: string;
  requestId: string;
  /** The Cognito authorizer's claims, all strings; undefined for `NONE` routes. */
  claims?: Record<string, string>;
  nowMs: number;
  host: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (value: number) => String(value).padStart(2, '0');

/** `$context.requestTime`: `01/Mar/2025:09:00:00 +0000`. */
function requestTime(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

function singleAndMulti(pairs: [string, string][]) {
  if (pairs.length === 0) return { single: null, multi: null };
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const [name, value] of pairs) {
    // API Gateway keeps the last value in the single-value map.
    single[name] = value;
    multi[name] = [...(multi[name] ?? []), value];
  }
  return { single, multi };
}

/** A request as API Gateway's Lambda proxy integration (REST API, payload v1) gives it to the function. */
export function proxyEvent(request: IncomingRequest, context: EventContext): APIGatewayProxyEvent {
  const headerPairs: [string, string][] = [];
  for (let index = 0; index + 1 < request.rawHeaders.length; index += 2) {
    headerPairs.push([request.rawHeaders[index]!, request.rawHeaders[index + 1]!]);
  }
  const lowerNames = new Set(headerPairs.map(([name]) => name.toLowerCase()));
  const added: [string, string][] = [
    ['X-Forwarded-For', request.sourceIp],
    ['X-Forwarded-Port', context.host.split(':')[1] ?? '443'],
    ['X-Forwarded-Proto', 'http'],
    [
      'X-Amzn-Trace-Id',
      `Root=1-${Math.floor(context.nowMs / 1000).toString(16)}-${context.requestId.replace(/-/g, '').slice(0, 24)}`,
    ],
  ];
  for (const pair of added) if (!lowerNames.has(pair[0].toLowerCase())) headerPairs.push(pair);
  const headers = singleAndMulti(headerPairs);

  const queryPairs = [...new URLSearchParams(request.rawQuery)] as [string, string][];
  const query = singleAndMulti(queryPairs);
  const userAgent = headerPairs.find(([name]) => name.toLowerCase() === 'user-agent')?.[1] ?? null;
  const hasPathParameters = Object.keys(context.pathParameters).length > 0;

  return {
    resource: context.resourcePath,
    path: request.path,
    httpMethod: request.method,
    headers: headers.single ?? {},
    multiValueHeaders: headers.multi ?? {},
    queryStringParameters: query.single,
    multiValueQueryStringParameters: query.multi,
    pathParameters: hasPathParameters ? context.pathParameters : null,
    stageVariables: null,
    requestContext: {
      resourceId: context.resourcePath.replace(/\W/g, '').slice(0, 10) || 'root',
      resourcePath: context.resourcePath,
      httpMethod: request.method,
      extendedRequestId: context.requestId.slice(0, 16),
      requestTime: requestTime(context.nowMs),
      path: `/${context.stage}${request.path}`,
      accountId: context.accountId,
      protocol: 'HTTP/1.1',
      stage: context.stage,
      domainPrefix: context.host.split('.')[0]!.split(':')[0]!,
      requestTimeEpoch: context.nowMs,
      requestId: context.requestId,
      identity: {
        cognitoIdentityPoolId: null,
        accountId: null,
        cognitoIdentityId: null,
        caller: null,
        sourceIp: request.sourceIp,
        principalOrgId: null,
        accessKey: null,
        cognitoAuthenticationType: null,
        cognitoAuthenticationProvider: null,
        userArn: null,
        userAgent,
        user: null,
        apiKey: null,
        apiKeyId: null,
        clientCert: null,
      },
      domainName: context.host,
      apiId: context.apiId,
      // Absent (not null) without an authorizer, as API Gateway sends it.
      authorizer: context.claims ? { claims: context.claims } : undefined,
    },
    body: request.body.length > 0 ? request.body.toString('utf8') : null,
    isBase64Encoded: false,
  };
}
