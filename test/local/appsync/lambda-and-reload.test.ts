import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type LocalAppSync, startLocalAppSync } from '../../../local/appsync/local-appsync';
import type { AppSyncSpec } from '../../../local/assembly/graphql-api';
import type { FunctionInvoker, InvokeResult } from '../../../local/contracts';
import { ensureLocalCertificates, type LocalCertificates } from '../../../local/tls/local-ca';
import { createTokenIssuer, graphqlRequest } from './support';

// A small hand-written API: a Lambda-backed query, a NONE-backed mutation with a subscription.
const SCHEMA = /* GraphQL */ `
  type Quote @aws_cognito_user_pools @aws_iam {
    complexId: String!
    priceWon: Float
    requestedBy: String
  }
  type Query {
    quote(complexId: String!): Quote
    failing: String
  }
  type Mutation {
    publishQuote(complexId: String!, priceWon: Float): Quote
  }
  type Subscription {
    onPublishQuote(complexId: String): Quote @aws_subscribe(mutations: ["publishQuote"])
  }
`;

// What Gen 2's a.handler.function generates: the payload is rendered by VTL, errors re-raised.
const INVOKE_REQUEST = `{
  "version": "2018-05-29",
  "operation": "Invoke",
  "payload": {
    "typeName": "Query",
    "fieldName": $util.toJson($ctx.info.fieldName),
    "arguments": $util.toJson($ctx.arguments),
    "identity": $util.toJson($ctx.identity)
  }
}`;
const INVOKE_RESPONSE = `#if( $ctx.error )
  $util.error($ctx.error.message, $ctx.error.type)
#end
$util.toJson($ctx.result)`;

const unit = (
  typeName: string,
  fieldName: string,
  dataSourceName: string,
  requestTemplate: string,
  responseTemplate: string,
) => ({
  typeName,
  fieldName,
  kind: 'UNIT' as const,
  dataSourceName,
  functionIds: [],
  requestTemplate,
  responseTemplate,
});

let dir: string;
let certificates: LocalCertificates;
let ca: string;
let appsync: LocalAppSync;
let issuer: Awaited<ReturnType<typeof createTokenIssuer>>;
let baseSpec: AppSyncSpec;
const invocations: { functionName: string; event: unknown }[] = [];

const invoker: FunctionInvoker = {
  has: (name) => name === 'quote-function' || name === 'failing-function',
  async invoke(functionName, event): Promise<InvokeResult> {
    invocations.push({ functionName, event });
    if (functionName === 'failing-function') {
      return {
        ok: false,
        error: { errorType: 'LegacyApiError', errorMessage: 'legacy API answered 503' },
        durationMs: 3,
      };
    }
    const { arguments: args, identity } = event as {
      arguments: { complexId: string };
      identity: { sub: string };
    };
    return {
      ok: true,
      result: { complexId: args.complexId, priceWon: 510_000_000, requestedBy: identity.sub },
      durationMs: 3,
    };
  },
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'appsync-focused-'));
  certificates = await ensureLocalCertificates(join(dir, 'tls'));
  ca = readFileSync(certificates.caCertPath, 'utf8');
  writeFileSync(join(dir, 'schema.graphql'), SCHEMA);
  issuer = await createTokenIssuer('ap-northeast-2_focused');
  baseSpec = {
    apiId: 'focused',
    name: 'focused',
    schemaFile: join(dir, 'schema.graphql'),
    defaultAuthentication: 'AMAZON_COGNITO_USER_POOLS',
    additionalAuthentications: ['AWS_IAM'],
    userPoolId: 'ap-northeast-2_focused',
    dataSources: [
      { name: 'NONE_DS', type: 'NONE' },
      { name: 'QuoteLambda', type: 'AWS_LAMBDA', functionName: 'quote-function' },
      { name: 'FailingLambda', type: 'AWS_LAMBDA', functionName: 'failing-function' },
    ],
    functions: [],
    resolvers: [
      unit('Query', 'quote', 'QuoteLambda', INVOKE_REQUEST, INVOKE_RESPONSE),
      unit('Query', 'failing', 'FailingLambda', INVOKE_REQUEST, INVOKE_RESPONSE),
      unit(
        'Mutation',
        'publishQuote',
        'NONE_DS',
        '{"version": "2018-05-29", "payload": $util.toJson($ctx.arguments)}',
        '$util.toJson($ctx.result)',
      ),
    ],
  };
  appsync = await startLocalAppSync({
    spec: baseSpec,
    port: 0,
    tls: certificates,
    dynamodb: { endpoint: 'http://127.0.0.1:1' },
    invoker,
    verifyJwt: issuer.verifyJwt,
  });
});

afterAll(async () => {
  await appsync?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const asUser = async (query: string, variables: Record<string, unknown> = {}) =>
  (await graphqlRequest(appsync.url, ca, await issuer.accessToken('user-1'), query, variables)).json();

describe('AWS_LAMBDA data sources', () => {
  it('invoke the function with the payload the request template renders and return its result', async () => {
    const body = await asUser(
      'query Q($id: String!) { quote(complexId: $id) { complexId priceWon requestedBy } }',
      {
        id: 'complex-7',
      },
    );
    expect(body).toEqual({
      data: { quote: { complexId: 'complex-7', priceWon: 510_000_000, requestedBy: 'user-1' } },
    });
    expect(invocations.at(-1)).toMatchObject({
      functionName: 'quote-function',
      event: {
        typeName: 'Query',
        fieldName: 'quote',
        arguments: { complexId: 'complex-7' },
        identity: { sub: 'user-1' },
      },
    });
  });

  it('turn a function error into a GraphQL error of type Lambda:Unhandled with the function’s message', async () => {
    const body = await asUser('{ failing }');
    expect(body).toMatchObject({
      data: { failing: null },
      errors: [{ errorType: 'Lambda:Unhandled', message: 'legacy API answered 503', path: ['failing'] }],
    });
  });

  it('refuse at start an API with a data source type the sandbox cannot run', async () => {
    await expect(
      startLocalAppSync({
        spec: {
          ...baseSpec,
          dataSources: [...baseSpec.dataSources, { name: 'Search', type: 'AMAZON_OPENSEARCH_SERVICE' }],
        },
        port: 0,
        tls: certificates,
        dynamodb: { endpoint: 'http://127.0.0.1:1' },
        verifyJwt: issuer.verifyJwt,
      }),
    ).rejects.toThrow(/Search is of type AMAZON_OPENSEARCH_SERVICE/);
  });
});

describe('reload', () => {
  it('serves the new API while an open subscription keeps receiving events', async () => {
    const token = await issuer.accessToken('user-1');
    const host = `127.0.0.1:${appsync.port}`;
    const header = Buffer.from(JSON.stringify({ Authorization: token, host })).toString('base64url');
    const socket = new WebSocket(appsync.realtimeUrl, ['graphql-ws', `header-${header}`], { ca });
    const frames: { type: string; id?: string; payload?: unknown }[] = [];
    const next = (type: string) =>
      new Promise<(typeof frames)[number]>((resolve) => {
        const check = () => {
          const frame = frames.find((candidate) => candidate.type === type);
          if (frame) {
            frames.splice(frames.indexOf(frame), 1);
            resolve(frame);
          } else setTimeout(check, 10);
        };
        check();
      });
    socket.on('message', (data) => frames.push(JSON.parse(String(data))));
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ type: 'connection_init' }));
    await next('connection_ack');
    socket.send(
      JSON.stringify({
        type: 'start',
        id: 'quotes',
        payload: {
          data: JSON.stringify({
            query: 'subscription { onPublishQuote(complexId: "complex-7") { complexId priceWon } }',
          }),
          extensions: { authorization: { Authorization: token, host } },
        },
      }),
    );
    await next('start_ack');

    writeFileSync(
      join(dir, 'schema-v2.graphql'),
      SCHEMA.replace('failing: String', 'failing: String\n    ping: String'),
    );
    appsync.reload({
      ...baseSpec,
      schemaFile: join(dir, 'schema-v2.graphql'),
      resolvers: [
        ...baseSpec.resolvers,
        unit(
          'Query',
          'ping',
          'NONE_DS',
          '{"version": "2018-05-29", "payload": "pong"}',
          '$util.toJson($ctx.result)',
        ),
      ],
    });
    expect(await asUser('{ ping }')).toEqual({ data: { ping: 'pong' } });

    await asUser('mutation { publishQuote(complexId: "complex-8", priceWon: 1) { complexId } }');
    await asUser('mutation { publishQuote(complexId: "complex-7", priceWon: 2) { complexId } }');
    expect(await next('data')).toEqual({
      type: 'data',
      id: 'quotes',
      payload: { data: { onPublishQuote: { complexId: 'complex-7', priceWon: 2 } } },
    });
    expect(appsync.publishCount).toBe(2);
    socket.close();
  });
});
