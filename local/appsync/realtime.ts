import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AmplifyAppSyncSimulator } from '@aws-amplify/amplify-appsync-simulator';
import { runSubscription } from '@aws-amplify/amplify-appsync-simulator/lib/utils/graphql-runner/subscriptions.js';
import { type DocumentNode, type ExecutionResult, getOperationAST, parse } from 'graphql';
import { type WebSocket, WebSocketServer } from 'ws';
import type { LocalExecutionContext } from './execution-context';
import {
  authenticate,
  type RequestAuthOptions,
  type RequestIdentity,
  UnauthorizedError,
} from './request-auth';

/**
 * AppSync's realtime protocol on `wss://…/graphql/realtime`, as aws-amplify v6 speaks it:
 *
 *   client opens the socket with subprotocols `graphql-ws` and `header-<base64url JSON
 *   {Authorization, host}>` (older clients: `?header=<base64>&payload=e30=`)
 *   → {type:'connection_init'}            ← {type:'connection_ack', payload:{connectionTimeoutMs}} then {type:'ka'} periodically
 *   → {type:'start', id, payload:{data:'{"query","variables"}', extensions:{authorization:{Authorization, host, …}}}}
 *                                          ← {type:'start_ack', id} or {type:'error', id, payload:{errors:[{errorType, message}]}}
 *                                          ← {type:'data', id, payload:{data:{…}}} for each event this subscriber may see
 *   → {type:'stop', id}                    ← {type:'complete', id}
 *
 * A connection whose header does not authenticate gets `connection_error` with errorCode 401,
 * which the client treats as final (no reconnect loop).
 */

export const REALTIME_PATH = '/graphql/realtime';
const PROTOCOL = 'graphql-ws';
const CONNECTION_TIMEOUT_MS = 300_000;
const MAX_MESSAGE_BYTES = 1024 * 1024;

export interface RealtimeOptions {
  auth: RequestAuthOptions;
  simulator: () => AmplifyAppSyncSimulator;
  keepAliveIntervalMs?: number;
}

interface AppSyncError {
  errorType: string;
  message: string;
  errorCode?: number;
}

interface Connection {
  socket: WebSocket;
  request: IncomingMessage;
  /** Set when the handshake header did not authenticate; reported on connection_init. */
  handshakeError?: AppSyncError;
  acknowledged: boolean;
  keepAlive?: NodeJS.Timeout;
  /** Running subscriptions by client id; `undefined` while one is starting. */
  operations: Map<string, AsyncIterator<ExecutionResult> | undefined>;
}

export interface RealtimeServer {
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  readonly connectionCount: number;
  close(): void;
}

export function createRealtimeServer(options: RealtimeOptions): RealtimeServer {
  const keepAliveIntervalMs = options.keepAliveIntervalMs ?? 30_000;
  const connections = new Set<Connection>();
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_MESSAGE_BYTES,
    handleProtocols: (protocols) => (protocols.has(PROTOCOL) ? PROTOCOL : false),
  });

  const send = (connection: Connection, message: Record<string, unknown>) => {
    if (connection.socket.readyState === connection.socket.OPEN)
      connection.socket.send(JSON.stringify(message));
  };
  const sendError = (connection: Connection, id: string | undefined, errors: AppSyncError[]) =>
    send(connection, { type: 'error', ...(id ? { id } : {}), payload: { errors } });

  const stopAll = (connection: Connection) => {
    clearInterval(connection.keepAlive);
    for (const iterator of connection.operations.values()) void iterator?.return?.();
    connection.operations.clear();
  };

  const start = async (connection: Connection, message: StartMessage) => {
    const { id } = message;
    if (typeof id !== 'string' || !id) {
      return sendError(connection, undefined, [
        { errorType: 'BadRequestException', message: 'A start message needs an id' },
      ]);
    }
    if (connection.operations.has(id)) {
      return sendError(connection, id, [
        { errorType: 'DuplicatedOperationError', message: `Duplicated operation with id ${id}` },
      ]);
    }
    connection.operations.set(id, undefined);
    const fail = (errors: AppSyncError[]) => {
      connection.operations.delete(id);
      sendError(connection, id, errors);
    };

    const authorization = message.payload?.extensions?.authorization ?? {};
    let identity: RequestIdentity;
    try {
      identity = await authenticate(headerValue(authorization, 'authorization'), options.auth);
    } catch (error) {
      if (error instanceof UnauthorizedError)
        return fail([{ errorType: error.errorType, message: error.message }]);
      throw error;
    }

    let request: { query?: unknown; variables?: unknown; operationName?: unknown };
    let document: DocumentNode;
    try {
      const data = message.payload?.data;
      request = typeof data === 'string' ? JSON.parse(data) : (data ?? {});
      document = parse(String(request.query ?? ''));
    } catch (error) {
      return fail([{ errorType: 'MalformedHttpRequestException', message: (error as Error).message }]);
    }
    const operationName = typeof request.operationName === 'string' ? request.operationName : undefined;
    const operation = getOperationAST(document, operationName);
    if (operation?.operation !== 'subscription') {
      return fail([
        {
          errorType: 'UnsupportedOperation',
          message: 'Only subscriptions are served on the realtime endpoint',
        },
      ]);
    }
    const fieldName = operation.selectionSet.selections.find((selection) => selection.kind === 'Field')?.name
      .value;

    const context: LocalExecutionContext = {
      ...identity,
      sourceIp: connection.request.socket.remoteAddress ?? '127.0.0.1',
      headers: { ...connection.request.headers, ...lowerCaseKeys(authorization) },
      appsyncErrors: [],
    };
    const variables =
      typeof request.variables === 'object' && request.variables !== null ? request.variables : {};
    const result = await runSubscription(
      options.simulator().schema,
      document,
      variables as Record<string, unknown>,
      operationName,
      context as never,
    );
    if (!('asyncIterator' in result) || result.errors?.length) {
      return fail(appSyncErrorsOf(result.errors ?? [], fieldName));
    }
    const iterator = result.asyncIterator;
    if (!connection.operations.has(id) || connection.socket.readyState !== connection.socket.OPEN) {
      // Stopped (or disconnected) while it was starting.
      await iterator.return?.();
      return;
    }
    connection.operations.set(id, iterator);
    send(connection, { type: 'start_ack', id });
    for await (const event of iterator) {
      const errors = event.errors?.length ? { errors: appSyncErrorsOf(event.errors, fieldName) } : {};
      send(connection, { type: 'data', id, payload: { data: event.data ?? null, ...errors } });
    }
  };

  const onMessage = (connection: Connection, raw: string) => {
    let message: StartMessage;
    try {
      message = JSON.parse(raw);
    } catch {
      return sendError(connection, undefined, [
        { errorType: 'BadRequestException', message: 'Messages are JSON' },
      ]);
    }
    switch (message.type) {
      case 'connection_init':
        if (connection.handshakeError) {
          send(connection, { type: 'connection_error', payload: { errors: [connection.handshakeError] } });
          connection.socket.close(1000);
          return;
        }
        connection.acknowledged = true;
        send(connection, { type: 'connection_ack', payload: { connectionTimeoutMs: CONNECTION_TIMEOUT_MS } });
        send(connection, { type: 'ka' });
        clearInterval(connection.keepAlive);
        connection.keepAlive = setInterval(() => send(connection, { type: 'ka' }), keepAliveIntervalMs);
        return;
      case 'start':
        if (!connection.acknowledged) {
          return sendError(connection, message.id, [
            { errorType: 'BadRequestException', message: 'Send connection_init before start' },
          ]);
        }
        start(connection, message).catch((error: Error) => {
          connection.operations.delete(String(message.id));
          sendError(connection, message.id, [{ errorType: 'InternalFailure', message: error.message }]);
        });
        return;
      case 'stop': {
        const id = String(message.id);
        const iterator = connection.operations.get(id);
        connection.operations.delete(id);
        void iterator?.return?.();
        send(connection, { type: 'complete', id });
        return;
      }
      default:
        sendError(connection, message.id, [
          { errorType: 'UnsupportedOperation', message: `Unsupported message type ${String(message.type)}` },
        ]);
    }
  };

  return {
    handleUpgrade(request, socket, head) {
      const offered = String(request.headers['sec-websocket-protocol'] ?? '')
        .split(',')
        .map((protocol) => protocol.trim());
      if (!offered.includes(PROTOCOL)) {
        socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
        return;
      }
      const handshake = handshakeHeader(request, offered);
      const verified = verifyHandshake(handshake, request, options.auth);
      wss.handleUpgrade(request, socket, head, (ws) => {
        const connection: Connection = { socket: ws, request, acknowledged: false, operations: new Map() };
        connections.add(connection);
        const ready = verified.then(
          (error) => {
            connection.handshakeError = error;
          },
          (error: Error) => {
            connection.handshakeError = {
              errorType: 'InternalFailure',
              message: error.message,
              errorCode: 500,
            };
          },
        );
        ws.on('message', (data) => {
          void ready.then(() => onMessage(connection, data.toString()));
        });
        ws.on('close', () => {
          stopAll(connection);
          connections.delete(connection);
        });
        ws.on('error', () => ws.terminate());
      });
    },
    get connectionCount() {
      return connections.size;
    },
    close() {
      for (const connection of connections) {
        stopAll(connection);
        connection.socket.terminate();
      }
      connections.clear();
      wss.close();
    },
  };
}

interface StartMessage {
  type?: string;
  id?: string;
  payload?: { data?: unknown; extensions?: { authorization?: Record<string, unknown> } };
}

/** The JSON header of the handshake: from the `header-<base64url>` subprotocol, else the `header` query parameter. */
function handshakeHeader(request: IncomingMessage, offered: string[]): Record<string, unknown> | undefined {
  const encoded =
    offered.find((protocol) => protocol.startsWith('header-'))?.slice('header-'.length) ??
    // Query strings turn an unencoded base64 "+" into a space.
    new URL(request.url ?? '/', 'https://localhost').searchParams.get('header')?.replaceAll(' ', '+') ??
    undefined;
  if (!encoded) return undefined;
  try {
    const decoded = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
    return typeof decoded === 'object' && decoded !== null ? decoded : undefined;
  } catch {
    return undefined;
  }
}

async function verifyHandshake(
  header: Record<string, unknown> | undefined,
  request: IncomingMessage,
  options: RequestAuthOptions,
): Promise<AppSyncError | undefined> {
  const unauthorized = (message: string): AppSyncError => ({
    errorType: 'UnauthorizedException',
    message,
    errorCode: 401,
  });
  if (!header) return unauthorized('The connection has no authorization header');
  // The client signs for the host it connects to; a header minted for another host is refused, as AppSync does.
  if (headerValue(header, 'host') !== request.headers.host) {
    return unauthorized(
      `The authorization header is for host ${String(headerValue(header, 'host'))}, not ${request.headers.host}`,
    );
  }
  try {
    await authenticate(headerValue(header, 'authorization'), options);
    return undefined;
  } catch (error) {
    if (error instanceof UnauthorizedError) return unauthorized(error.message);
    throw error;
  }
}

function headerValue(headers: Record<string, unknown>, name: string): string | undefined {
  const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name);
  const value = key === undefined ? undefined : headers[key];
  return typeof value === 'string' ? value : undefined;
}

function lowerCaseKeys(headers: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([key, value]) => [key.toLowerCase(), String(value)]),
  );
}

/** AppSync's error entries; the simulator's bare "Unauthorized" gets AppSync's wording. */
function appSyncErrorsOf(errors: readonly unknown[], fieldName: string | undefined): AppSyncError[] {
  return errors.map((error) => {
    const entry = error as { errorType?: string; message?: string; extensions?: { errorType?: string } };
    const errorType = entry.errorType ?? entry.extensions?.errorType ?? 'GraphQLError';
    const message =
      errorType === 'Unauthorized' && entry.message === 'Unauthorized' && fieldName
        ? `Not Authorized to access ${fieldName} on type Subscription`
        : String(entry.message ?? errorType);
    return { errorType, message };
  });
}
