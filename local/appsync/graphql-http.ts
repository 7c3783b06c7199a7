import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AmplifyAppSyncSimulator } from '@aws-amplify/amplify-appsync-simulator';
import { exposeGraphQLErrors } from '@aws-amplify/amplify-appsync-simulator/lib/utils/expose-graphql-errors.js';
import {
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  getOperationAST,
  Kind,
  parse,
  type SelectionSetNode,
} from 'graphql';
import type { AppSyncSpec } from '../assembly/graphql-api';
import type { LocalExecutionContext } from './execution-context';
import { checkQueryLimits } from './query-limits';
import { authenticate, type RequestAuthOptions, UnauthorizedError } from './request-auth';

/** `POST /graphql` as AppSync answers it, plus the CORS preflight browsers send first. */

/** The graphql the simulator's schema was built with (its CommonJS copy: validate and execute check types by identity). */
const simulatorGraphql = createRequire(
  createRequire(import.meta.url).resolve('@aws-amplify/amplify-appsync-simulator'),
)('graphql') as typeof import('graphql');

/**
 * Documents by their text, parsed and validated once per schema. The typed clients (the app's,
 * the functions') send the same few documents again and again; a CPU profile of a 16-user chat
 * run had parsing and validating them at ~5 s of the main thread's 82 s. graphql-js neither
 * changes a document nor depends on anything but the schema to validate it, so a document and
 * its validation errors are reused for the same text against the same schema. At most
 * DOCUMENTS_KEPT texts per schema (a client sending ever new texts empties the cache).
 */
const DOCUMENTS_KEPT = 1000;
const documents = new WeakMap<object, Map<string, { document: DocumentNode; errors: readonly unknown[] }>>();

function prepared(
  schema: GraphQLSchema,
  query: string,
): { document: DocumentNode; errors: readonly unknown[] } {
  let bySchema = documents.get(schema);
  if (!bySchema) {
    bySchema = new Map();
    documents.set(schema, bySchema);
  }
  const known = bySchema.get(query);
  if (known) return known;
  const document = parse(query);
  const entry = {
    document,
    errors: simulatorGraphql.validate(schema, document, simulatorGraphql.specifiedRules),
  };
  if (bySchema.size >= DOCUMENTS_KEPT) bySchema.clear();
  bySchema.set(query, entry);
  return entry;
}

/** The simulator's runQueryOrMutation, on a prepared document. */
async function runPrepared(
  schema: GraphQLSchema,
  { document, errors }: { document: DocumentNode; errors: readonly unknown[] },
  variables: Record<string, unknown>,
  operationName: string | undefined,
  context: LocalExecutionContext,
): Promise<Record<string, unknown>> {
  if (errors.length > 0) return { errors, data: null };
  const results = (await simulatorGraphql.execute(
    schema,
    document,
    null,
    context,
    variables,
    operationName,
  )) as { errors?: unknown[] } & Record<string, unknown>;
  const all = [...(results.errors ?? []), ...(context.appsyncErrors ?? [])];
  if (all.length > 0) results.errors = exposeGraphQLErrors(all as never[]);
  return { data: null, ...results };
}

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
  /** The API as synthesized: its query limits and which fields have resolvers. */
  spec: () => AppSyncSpec;
}

interface AppSyncErrorBody {
  data?: null;
  errors: { errorType: string; message: string; path?: string[] }[];
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
    let rawBody = '';
    try {
      rawBody = await readBody(request);
      body = JSON.parse(rawBody);
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
      identity = await authenticate(header(request, 'authorization'), options.auth, {
        method: request.method ?? 'POST',
        path: request.url ?? '/graphql',
        headers: request.headers,
        body: rawBody,
      });
    } catch (error) {
      if (error instanceof UnauthorizedError)
        return send(response, error.status, errorBody(error.errorType, error.message));
      throw error;
    }

    let query: ReturnType<typeof prepared>;
    try {
      query = prepared(options.simulator().schema, body.query);
    } catch (error) {
      return send(response, 400, errorBody('MalformedHttpRequestException', (error as Error).message));
    }
    const operationName = typeof body.operationName === 'string' ? body.operationName : undefined;
    const { document } = query;
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
    if (operation) {
      const schema = options.simulator().schema;
      const rootType = (operation.operation === 'mutation' ? schema.getMutationType() : schema.getQueryType())
        ?.name;
      const fragments = new Map(
        document.definitions
          .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
          .map((d) => [d.name.value, d]),
      );
      // IAM grants name root fields (`types/Query/fields/badge`); AppSync refuses the ones not granted.
      if (identity.mayCall && rootType) {
        const denied = rootFields(operation.selectionSet, fragments).filter(
          ({ field }) => !field.startsWith('__') && !identity.mayCall!(rootType, field),
        );
        if (denied.length > 0) {
          return send(response, 200, {
            data: null,
            errors: denied.map(({ alias, field }) => ({
              path: [alias],
              errorType: 'Unauthorized',
              message: `Not Authorized to access ${field} on type ${rootType}`,
            })),
          });
        }
      }
      const spec = options.spec();
      const resolvers = new Set(spec.resolvers.map((r) => `${r.typeName}.${r.fieldName}`));
      const exceeded = checkQueryLimits(
        operation,
        fragments,
        spec,
        (typeName, fieldName) => resolvers.has(`${typeName}.${fieldName}`),
        rootType ?? 'Query',
        (typeName, fieldName) => fieldTypeName(schema, typeName, fieldName),
      );
      if (exceeded) return send(response, 200, { data: null, errors: [exceeded] });
    }
    const variables = typeof body.variables === 'object' && body.variables !== null ? body.variables : {};
    const context: LocalExecutionContext = {
      ...identity,
      sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
      headers: request.headers,
      appsyncErrors: [],
    };
    const result = await runPrepared(
      options.simulator().schema,
      query,
      variables as Record<string, unknown>,
      operationName,
      context,
    );
    send(response, 200, result);
  };
}

/** The root fields a selection runs, through inline fragments and fragment spreads. */
function rootFields(
  selectionSet: SelectionSetNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  seen: ReadonlySet<string> = new Set(),
): { alias: string; field: string }[] {
  return selectionSet.selections.flatMap((selection) => {
    if (selection.kind === Kind.FIELD)
      return [{ alias: (selection.alias ?? selection.name).value, field: selection.name.value }];
    if (selection.kind === Kind.INLINE_FRAGMENT) return rootFields(selection.selectionSet, fragments, seen);
    const fragment = fragments.get(selection.name.value);
    if (!fragment || seen.has(fragment.name.value)) return [];
    return rootFields(fragment.selectionSet, fragments, new Set([...seen, fragment.name.value]));
  });
}

/** The named type of a field. Duck-typed: the simulator's schema comes from its own copy of graphql (CJS). */
function fieldTypeName(schema: GraphQLSchema, typeName: string, fieldName: string): string | undefined {
  const type = schema.getType(typeName) as
    | { getFields?: () => Record<string, { type: unknown }> }
    | undefined;
  let fieldType = type?.getFields?.()[fieldName]?.type as { ofType?: unknown; name?: string } | undefined;
  while (fieldType?.ofType) fieldType = fieldType.ofType as typeof fieldType;
  return fieldType?.name;
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
