import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AmplifyAppSyncSimulator } from '@aws-amplify/amplify-appsync-simulator';
import { runQueryOrMutation } from '@aws-amplify/amplify-appsync-simulator/lib/utils/graphql-runner/query-and-mutation.js';
import { type DocumentNode, getOperationAST, parse } from 'graphql';
import type { LocalExecutionContext } from './execution-context';
import { authenticate, type RequestAuthOptions, UnauthorizedError } from './request-auth';

/** `POST /graphql` as AppSync answers it, plus the CORS preflight browsers send first. */

const MAX_BODY_BYTES = 5 * 1024 * 1024;

const CORS_HEADERS = {
  'access-control-allow-methods': 'POST, OPTIONS',
  'access-control-allow-headers':
    'authorization, content-type, x-amz-date, x-amz-security-token, x-amz-user-agent, x-amz-content-sha256, x-api-key',
  'access-control-max-age': '86400',
};

export interface GraphqlHttpOptions {
  auth: RequestAuthOptions;
  simulator: () => AmplifyAppSyncSimulator;
}

interface AppSyncErrorBody {
  errors: { errorType: string; message: string }[];
}

export function createGraphqlHttpHandler(options: GraphqlHttpOptions) {
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const origin = request.headers.origin;
    response.setHeader('access-control-allow-origin', origin ?? '*');
    if (origin) response.setHeader('vary', 'Origin');
    const path = (request.url ?? '/').split('?')[0];
    if (path !== '/graphql')
      return send(response, 404, errorBody('NotFoundException', `No route ${path}; use /graphql`));
    if (request.method === 'OPTIONS') {
      response.writeHead(204, CORS_HEADERS).end();
      return;
    }
    if (request.method !== 'POST') {
      return send(response, 405, errorBody('MethodNotAllowedException', 'Send GraphQL requests with POST'));
    }

    let body: { query?: unknown; variables?: unknown; operationName?: unknown };
    try {
      body = JSON.parse(await readBody(request));
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        return send(
          response,
          413,
          errorBody('PayloadTooLargeException', `The request body exceeds ${MAX_BODY_BYTES} bytes`),
        );
      }
      return send(
        response,
        400,
        errorBody('MalformedHttpRequestException', 'The request body is not valid JSON'),
      );
    }
    if (typeof body !== 'object' || body === null || typeof body.query !== 'string') {
      return send(
        response,
        400,
        errorBody('MalformedHttpRequestException', 'The request body has no "query" string'),
      );
    }

    let identity: Awaited<ReturnType<typeof authenticate>>;
    try {
      identity = await authenticate(header(request, 'authorization'), options.auth);
    } catch (error) {
      if (error instanceof UnauthorizedError)
        return send(response, 401, errorBody(error.errorType, error.message));
      throw error;
    }

    let document: DocumentNode;
    try {
      document = parse(body.query);
    } catch (error) {
      return send(response, 400, errorBody('MalformedHttpRequestException', (error as Error).message));
    }
    const operationName = typeof body.operationName === 'string' ? body.operationName : undefined;
    const operation = getOperationAST(document, operationName);
    if (operation?.operation === 'subscription') {
      return send(
        response,
        400,
        errorBody(
          'BadRequestException',
          'Subscriptions are served over the realtime endpoint (wss://…/graphql/realtime)',
        ),
      );
    }
    const variables = typeof body.variables === 'object' && body.variables !== null ? body.variables : {};
    const context: LocalExecutionContext = {
      ...identity,
      sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
      headers: request.headers,
      appsyncErrors: [],
    };
    const result = await runQueryOrMutation(
      options.simulator().schema,
      document,
      variables as Record<string, unknown>,
      operationName as string,
      context as never,
    );
    send(response, 200, result);
  };
}

class BodyTooLargeError extends Error {}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BodyTooLargeError());
        request.resume();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function errorBody(errorType: string, message: string): AppSyncErrorBody {
  return { errors: [{ errorType, message }] };
}

function send(response: ServerResponse, status: number, body: unknown): void {
  if (response.headersSent) return;
  response.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' }).end(JSON.stringify(body));
}
