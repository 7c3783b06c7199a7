import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { CognitoService } from './service';
import { createSignInRateLimiter, type SignInRateLimiter, WAF_BLOCK } from './sign-in-rate-limit';

export { type CognitoService, type CognitoServiceOptions, createCognitoService } from './service';

export interface CognitoServer {
  /** `http://127.0.0.1:<port>`: what `Auth.Cognito.userPoolEndpoint` points at. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Headers a browser may send: the aws-amplify client adds x-amz-user-agent and cache-control. */
const ALLOWED_HEADERS = [
  'content-type',
  'x-amz-target',
  'x-amz-user-agent',
  'cache-control',
  'authorization',
  'x-amz-date',
  'x-amz-security-token',
  'amz-sdk-invocation-id',
  'amz-sdk-request',
];

const CORS: Record<string, string> = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
  'Access-Control-Expose-Headers': 'x-amzn-requestid, x-amzn-errortype, x-amzn-errormessage, date',
  'Access-Control-Max-Age': '86400',
};

/**
 * Serves a CognitoService over HTTP (HTTPS when given a certificate): POST / routed by
 * X-Amz-Target, the JWKS at /.well-known/jwks.json and /<userPoolId>/.well-known/jwks.json, CORS.
 */
export async function startCognitoServer(options: {
  service: CognitoService;
  port?: number;
  host?: string;
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** The deployment's WAF limit per source address (amplify/auth/sign-in-firewall.ts) by default. */
  rateLimiter?: SignInRateLimiter;
}): Promise<CognitoServer> {
  const { service, host = '127.0.0.1' } = options;
  const rateLimiter = options.rateLimiter ?? createSignInRateLimiter();
  const listener = (request: IncomingMessage, response: ServerResponse) => {
    route(service, rateLimiter, request, response).catch((error: unknown) => {
      console.error('local cognito server:', error);
      if (!response.headersSent)
        send(response, 500, { __type: 'InternalErrorException', message: String(error) });
    });
  };
  const server = options.tls ? createHttpsServer(options.tls, listener) : createHttpServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `${options.tls ? 'https' : 'http'}://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function route(
  service: CognitoService,
  rateLimiter: SignInRateLimiter,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const path = new URL(request.url ?? '/', 'http://localhost').pathname;
  if (request.method === 'OPTIONS') {
    const requested = request.headers['access-control-request-headers'];
    const allowed = requested ? `${ALLOWED_HEADERS.join(', ')}, ${requested}` : ALLOWED_HEADERS.join(', ');
    response.writeHead(204, { ...CORS, 'Access-Control-Allow-Headers': allowed }).end();
    return;
  }
  if (request.method === 'GET') {
    const jwksPaths = ['/.well-known/jwks.json', `/${service.config.userPoolId}/.well-known/jwks.json`];
    if (jwksPaths.includes(path))
      return send(response, 200, service.jwks(), { 'content-type': 'application/json' });
    return send(response, 404, { message: `Not found: ${path}` });
  }
  const target = request.headers['x-amz-target'];
  if (request.method !== 'POST' || typeof target !== 'string') {
    return send(response, 400, {
      __type: 'UnknownOperationException',
      message: 'POST with an X-Amz-Target header.',
    });
  }
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks).toString('utf8');
  if (rateLimiter.blocks(request.socket.remoteAddress ?? '', target, body)) {
    return send(response, WAF_BLOCK.status, WAF_BLOCK.body, { 'x-amzn-ErrorType': WAF_BLOCK.body.__type });
  }
  const answer = await service.handle(target, body, request.headers, {
    method: request.method,
    path: request.url ?? '/',
  });
  send(response, answer.status, answer.body, answer.headers);
}

function send(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const payload = JSON.stringify(body);
  response
    .writeHead(status, {
      'content-type': 'application/x-amz-json-1.1',
      ...headers,
      ...CORS,
      'content-length': Buffer.byteLength(payload),
    })
    .end(payload);
}
