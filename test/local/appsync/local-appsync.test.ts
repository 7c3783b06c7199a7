import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type LocalAppSync, startLocalAppSync } from '../../../local/appsync/local-appsync';
import type { AppSyncSpec } from '../../../local/assembly/graphql-api';
import { createTables, type DynamoDbLocal, startDynamoDbLocal } from '../../../local/dynamodb/dynamodb-local';
import { ensureLocalCertificates, type LocalCertificates } from '../../../local/tls/local-ca';
import {
  type AmplifyClientProcess,
  createTokenIssuer,
  freePort,
  graphqlRequest,
  httpsRequest,
  signedGraphqlRequest,
  sigV4Authorization,
  startAmplifyClient,
  synthesizedInventory,
  testFunctions,
} from './support';

// The synthesized Gen 2 API (schema + VTL), DynamoDB Local, and the real aws-amplify client.
let spec: AppSyncSpec;
let certificates: LocalCertificates;
let ca: string;
let dynamodb: DynamoDbLocal;
let appsync: LocalAppSync;
let issuer: Awaited<ReturnType<typeof createTokenIssuer>>;
let tlsDir: string;
let functions: ReturnType<typeof testFunctions>;
const alice = randomUUID();
const bob = randomUUID();
const carol = randomUUID();
const clients: AmplifyClientProcess[] = [];

beforeAll(async () => {
  const inventory = synthesizedInventory();
  spec = inventory.appSync!;
  tlsDir = mkdtempSync(join(tmpdir(), 'appsync-tls-'));
  certificates = await ensureLocalCertificates(tlsDir);
  ca = readFileSync(certificates.caCertPath, 'utf8');
  dynamodb = await startDynamoDbLocal({ port: await freePort() });
  await createTables(
    dynamodb.client,
    inventory.tables.filter((table) => table.modelName),
  );
  issuer = await createTokenIssuer(spec.userPoolId!);
  functions = testFunctions(spec.apiId, { writer: ['Query', 'Mutation'], reader: ['Query'] });
  appsync = await startLocalAppSync({
    spec,
    port: 0,
    tls: certificates,
    dynamodb: { endpoint: dynamodb.url },
    verifyJwt: issuer.verifyJwt,
    verifyIam: functions.verify,
  });
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.stop()));
  await appsync?.stop();
  await dynamodb?.stop();
  rmSync(tlsDir, { recursive: true, force: true });
});

const clientFor = async (sub: string) => {
  const client = startAmplifyClient({
    endpoint: appsync.url,
    caCertPath: certificates.caCertPath,
    token: await issuer.accessToken(sub),
  });
  clients.push(client);
  return client;
};

const keysOf = (name: string) => {
  const { AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY } = functions.credentialsFor(name);
  return { accessKeyId: AWS_ACCESS_KEY_ID, secretAccessKey: AWS_SECRET_ACCESS_KEY };
};
const asFunction = (query: string, variables: Record<string, unknown>) =>
  signedGraphqlRequest(appsync.url, ca, keysOf('writer'), query, variables);

const CREATE_ALERT = /* GraphQL */ `
  mutation Create($input: CreateAlertSubscriptionInput!) {
    createAlertSubscription(input: $input) { id userId kind target thresholdWon }
  }`;
const GET_ALERT = /* GraphQL */ `
  query Get($id: ID!) { getAlertSubscription(id: $id) { id userId target } }`;
const LIST_ALERTS = /* GraphQL */ `
  query List { listAlertSubscriptions { items { id userId } } }`;
const CREATE_NOTIFICATION = /* GraphQL */ `
  mutation Create($input: CreateNotificationInput!) {
    createNotification(input: $input) { id userId type title body createdAt }
  }`;
const ON_CREATE_NOTIFICATION = /* GraphQL */ `
  subscription { onCreateNotification { id userId title } }`;
const CREATE_MESSAGE = /* GraphQL */ `
  mutation Create($input: CreateMessageInput!) {
    createMessage(input: $input) { id conversationId memberIds senderId kind body createdAt }
  }`;
const ON_CREATE_MESSAGE = /* GraphQL */ `
  subscription { onCreateMessage { id body memberIds } }`;

const notificationFor = (userId: string, title: string) =>
  asFunction(CREATE_NOTIFICATION, {
    input: { userId, type: 'NOTICE', title, body: `${title} body`, createdAt: new Date().toISOString() },
  });

const messageTo = (memberIds: string[], body: string) =>
  asFunction(CREATE_MESSAGE, {
    input: {
      id: randomUUID(),
      conversationId: 'conversation-1',
      createdAt: new Date().toISOString(),
      senderId: memberIds[0],
      memberIds,
      kind: 'TEXT',
      body,
    },
  });

describe('queries and mutations from the aws-amplify client over HTTPS', () => {
  let alertId: string;

  it("lets a function create a user's alert subscription (IAM) and the user read it back", async () => {
    const client = await clientFor(alice);
    const created = (
      await asFunction(CREATE_ALERT, {
        input: { userId: alice, kind: 'LOWEST_PRICE', target: 'complex-1', thresholdWon: 500_000_000 },
      })
    ).json() as { data: { createAlertSubscription: { id: string } }; errors?: unknown };
    expect(created.errors).toBeUndefined();
    const alert = created.data.createAlertSubscription;
    expect(alert).toMatchObject({
      userId: alice,
      kind: 'LOWEST_PRICE',
      target: 'complex-1',
      thresholdWon: 500_000_000,
    });
    alertId = alert.id;

    const read = await client.graphql(GET_ALERT, { id: alertId });
    expect(read.data).toEqual({ getAlertSubscription: { id: alertId, userId: alice, target: 'complex-1' } });
  });

  it('refuses a direct create from a signed-in user, for themselves or anyone else (only the validating mutation creates)', async () => {
    for (const [user, owner] of [
      [bob, alice],
      [bob, bob],
    ] as const) {
      const client = await clientFor(user);
      const created = await client.graphql(CREATE_ALERT, {
        input: { userId: owner, kind: 'PRESALE', target: '1168010100' },
      });
      expect(created.data).toEqual({ createAlertSubscription: null });
      expect(created.errors).toMatchObject([{ errorType: 'Unauthorized' }]);
    }
  });

  it('does not let another user read or list that alert subscription', async () => {
    const client = await clientFor(bob);
    const read = await client.graphql(GET_ALERT, { id: alertId });
    expect(read.data).toEqual({ getAlertSubscription: null });
    expect(read.errors).toMatchObject([{ errorType: 'Unauthorized' }]);

    const listed = await client.graphql(LIST_ALERTS);
    expect(listed.data).toEqual({ listAlertSubscriptions: { items: [] } });
  });
});

describe('POST /graphql authorization and protocol', () => {
  it('answers a token signed with another key with 401 UnauthorizedException', async () => {
    const response = await graphqlRequest(appsync.url, ca, await issuer.forgedToken(alice), LIST_ALERTS);
    expect(response.status).toBe(401);
    expect(response.json()).toEqual({
      errors: [{ errorType: 'UnauthorizedException', message: 'You are not authorized to make this call.' }],
    });
  });

  it('answers an expired token with 401 "Token has expired."', async () => {
    const response = await graphqlRequest(appsync.url, ca, await issuer.expiredToken(alice), LIST_ALERTS);
    expect(response.status).toBe(401);
    expect(response.json()).toEqual({
      errors: [{ errorType: 'UnauthorizedException', message: 'Token has expired.' }],
    });
  });

  it('answers a request without Authorization with 401', async () => {
    const response = await httpsRequest(appsync.url, {
      ca,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: LIST_ALERTS }),
    });
    expect(response.status).toBe(401);
    expect(response.json()).toMatchObject({ errors: [{ errorType: 'UnauthorizedException' }] });
  });

  it('gives a function (SigV4, IAM) the access Gen 2 grants allow.resource: it writes any user’s notification', async () => {
    const response = await notificationFor(carol, 'written by a function');
    expect(response.status).toBe(200);
    expect(response.json()).toMatchObject({
      data: { createNotification: { userId: carol, title: 'written by a function' } },
    });
  });

  it('applies a mutation condition that compares with values, as AppSync does', async () => {
    const created = (await notificationFor(carol, 'to be read')).json() as {
      data: { createNotification: { id: string } };
    };
    const id = created.data.createNotification.id;
    const markRead = (readAt: string, condition: unknown) =>
      asFunction(
        /* GraphQL */ `mutation Read($input: UpdateNotificationInput!, $condition: ModelNotificationConditionInput) {
          updateNotification(input: $input, condition: $condition) { id readAt } }`,
        { input: { id, readAt }, condition },
      );
    const unread = {
      or: [{ readAt: { attributeExists: false } }, { readAt: { lt: '2026-03-01T00:00:00.000Z' } }],
    };

    const first = await markRead('2026-03-01T00:00:00.000Z', unread);
    expect(first.json()).toMatchObject({
      data: { updateNotification: { id, readAt: '2026-03-01T00:00:00.000Z' } },
    });
    // Now readAt is not before the compared value: the condition fails as DynamoDB's would.
    const second = await markRead('2026-03-02T00:00:00.000Z', unread);
    expect(second.json()).toMatchObject({
      data: { updateNotification: null },
      errors: [{ errorType: 'DynamoDB:ConditionalCheckFailedException' }],
    });
  });

  it('refuses the same write from a signed-in user', async () => {
    const response = await graphqlRequest(
      appsync.url,
      ca,
      await issuer.accessToken(carol),
      CREATE_NOTIFICATION,
      {
        input: {
          userId: carol,
          type: 'NOTICE',
          title: 'self-made',
          body: 'x',
          createdAt: new Date().toISOString(),
        },
      },
    );
    expect(response.json()).toMatchObject({
      data: { createNotification: null },
      errors: [{ errorType: 'Unauthorized' }],
    });
  });

  it('answers a CORS preflight with the headers the aws-amplify client sends', async () => {
    const response = await httpsRequest(appsync.url, {
      ca,
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:8081',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type,x-amz-user-agent',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers['access-control-allow-origin']).toBe('http://localhost:8081');
    expect(String(response.headers['access-control-allow-headers']).split(', ')).toEqual(
      expect.arrayContaining([
        'authorization',
        'content-type',
        'x-amz-date',
        'x-amz-security-token',
        'x-amz-user-agent',
        'x-api-key',
      ]),
    );
  });

  it('answers a body that is not JSON with 400 and says so', async () => {
    const response = await httpsRequest(appsync.url, {
      ca,
      headers: { 'content-type': 'application/json', authorization: await issuer.accessToken(alice) },
      body: '{"query": ',
    });
    expect(response.status).toBe(400);
    expect(response.json()).toEqual({
      errors: [{ errorType: 'MalformedHttpRequestException', message: 'The request body is not valid JSON' }],
    });
  });
});

describe('documents sent again and again (parsed and validated once per schema)', () => {
  it('answers the same invalid document with the same validation error every time, and a valid one normally', async () => {
    const token = await issuer.accessToken(alice);
    const invalid = 'query Broken { listNotifications { items { noSuchField } } }';
    const answers = await Promise.all(
      [1, 2, 3].map(async () => (await graphqlRequest(appsync.url, ca, token, invalid)).json()),
    );
    for (const answer of answers) {
      expect(answer).toEqual({
        data: null,
        errors: [expect.objectContaining({ message: expect.stringContaining('noSuchField') })],
      });
    }
    expect(answers[1]).toEqual(answers[0]);
    const valid = 'query Fine { listNotifications { items { id } } }';
    for (let i = 0; i < 2; i++) {
      const answer = (await graphqlRequest(appsync.url, ca, token, valid)).json() as {
        data: { listNotifications: { items: unknown[] } };
        errors?: unknown;
      };
      expect(answer.errors).toBeUndefined();
      expect(Array.isArray(answer.data.listNotifications.items)).toBe(true);
    }
    // A text that does not parse is still a 400, every time.
    for (let i = 0; i < 2; i++) {
      const response = await graphqlRequest(appsync.url, ca, token, 'query {');
      expect(response.status).toBe(400);
    }
  });
});

describe('SigV4 callers: signatures verified, grants from the synthesized policies', () => {
  const NOTIFICATION_INPUT = () => ({
    input: { userId: carol, type: 'NOTICE', title: 'signed', body: 'x', createdAt: new Date().toISOString() },
  });

  it('refuses a header that names a function’s access key without its signature', async () => {
    const response = await graphqlRequest(
      appsync.url,
      ca,
      sigV4Authorization(keysOf('writer').accessKeyId),
      CREATE_NOTIFICATION,
      NOTIFICATION_INPUT(),
    );
    expect(response.status).toBe(403);
    expect(response.json()).toMatchObject({ errors: [{ errorType: 'InvalidSignatureException' }] });
  });

  it('refuses a request signed with a wrong secret key', async () => {
    const response = await signedGraphqlRequest(
      appsync.url,
      ca,
      { accessKeyId: keysOf('writer').accessKeyId, secretAccessKey: 'not-the-function-secret' },
      CREATE_NOTIFICATION,
      NOTIFICATION_INPUT(),
    );
    expect(response.status).toBe(403);
    expect(response.json()).toMatchObject({ errors: [{ errorType: 'InvalidSignatureException' }] });
  });

  it('refuses an unknown access key, a body changed after signing and a signature older than 15 minutes', async () => {
    const unknown = await signedGraphqlRequest(
      appsync.url,
      ca,
      { accessKeyId: 'ASIALOCALNOBODY', secretAccessKey: keysOf('writer').secretAccessKey },
      CREATE_NOTIFICATION,
      NOTIFICATION_INPUT(),
    );
    expect(unknown.json()).toMatchObject({ errors: [{ errorType: 'UnrecognizedClientException' }] });
    const tampered = await signedGraphqlRequest(
      appsync.url,
      ca,
      keysOf('writer'),
      CREATE_NOTIFICATION,
      NOTIFICATION_INPUT(),
      {
        tamper: (body) => body.replace('signed', 'forged'),
      },
    );
    expect(tampered.json()).toMatchObject({ errors: [{ errorType: 'InvalidSignatureException' }] });
    const stale = await signedGraphqlRequest(
      appsync.url,
      ca,
      keysOf('writer'),
      CREATE_NOTIFICATION,
      NOTIFICATION_INPUT(),
      {
        signingDate: new Date(Date.now() - 16 * 60 * 1000),
      },
    );
    expect(stale.json()).toMatchObject({ errors: [{ errorType: 'InvalidSignatureException' }] });
    for (const response of [unknown, tampered, stale]) expect(response.status).toBe(403);
  });

  it('refuses a mutation from a function whose role may only query, and writes nothing', async () => {
    const title = `not granted ${randomUUID()}`;
    const response = await signedGraphqlRequest(appsync.url, ca, keysOf('reader'), CREATE_NOTIFICATION, {
      input: { ...NOTIFICATION_INPUT().input, title },
    });
    expect(response.json()).toEqual({
      data: null,
      errors: [
        {
          path: ['createNotification'],
          errorType: 'Unauthorized',
          message: 'Not Authorized to access createNotification on type Mutation',
        },
      ],
    });
    const listed = await signedGraphqlRequest(
      appsync.url,
      ca,
      keysOf('reader'),
      /* GraphQL */ `query List($userId: ID!) { listNotificationsByUser(userId: $userId) { items { title } } }`,
      { userId: carol },
    );
    const titles = (
      listed.json() as { data: { listNotificationsByUser: { items: { title: string }[] } } }
    ).data.listNotificationsByUser.items.map((item) => item.title);
    expect(titles).not.toContain(title);
  });
});

describe('SigV4 grants through fragments', () => {
  it('refuses an ungranted root field wrapped in an inline fragment or a fragment spread', async () => {
    const input = {
      input: {
        userId: carol,
        type: 'NOTICE',
        title: 'wrapped',
        body: 'x',
        createdAt: new Date().toISOString(),
      },
    };
    for (const query of [
      /* GraphQL */ `mutation W($input: CreateNotificationInput!) {
        ... on Mutation { created: createNotification(input: $input) { id } } }`,
      /* GraphQL */ `mutation W($input: CreateNotificationInput!) { ...Write }
        fragment Write on Mutation { created: createNotification(input: $input) { id } }`,
    ]) {
      const response = await signedGraphqlRequest(appsync.url, ca, keysOf('reader'), query, input);
      expect(response.json()).toMatchObject({
        data: null,
        errors: [{ path: ['created'], errorType: 'Unauthorized' }],
      });
    }
  });
});

describe('query cost limits (queryDepthLimit, resolverCountLimit from the synthesized API)', () => {
  it('are set on the synthesized API', () => {
    expect(spec.queryDepthLimit).toBeGreaterThan(0);
    expect(spec.resolverCountLimit).toBeGreaterThan(0);
  });

  it('refuse 100 aliased badge calls at once, before any resolver runs', async () => {
    const query = `query Many { ${Array.from({ length: 100 }, (_, i) => `b${i}: badge { total }`).join(' ')} }`;
    const started = Date.now();
    const response = await graphqlRequest(appsync.url, ca, await issuer.accessToken(alice), query);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(response.json()).toEqual({
      data: null,
      errors: [
        {
          errorType: 'ResolverCountLimitExceeded',
          message: `The query invokes 100 resolvers, more than this API's resolverCountLimit of ${spec.resolverCountLimit}.`,
        },
      ],
    });
  });

  it('refuse a depth-8 query quickly, and run nothing of a refused mutation', async () => {
    const depth8 = /* GraphQL */ `query Deep($id: ID!) {
      getConversation(id: $id) { members { items { conversation { members { items { conversation { id } } } } } } }
    }`;
    const started = Date.now();
    const response = await graphqlRequest(appsync.url, ca, await issuer.accessToken(alice), depth8, {
      id: 'c-1',
    });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(response.json()).toEqual({
      data: null,
      errors: [
        {
          errorType: 'QueryDepthLimitExceeded',
          message: `The query has a depth of 8, more than this API's queryDepthLimit of ${spec.queryDepthLimit}.`,
        },
      ],
    });

    // A mutation whose selection is too deep is refused before it writes.
    const conversationId = randomUUID();
    const deepWrite = await asFunction(
      /* GraphQL */ `mutation Deep($input: CreateConversationMemberInput!) {
        createConversationMember(input: $input) {
          conversation { members { items { conversation { members { items { id } } } } } }
        }
      }`,
      {
        input: {
          conversationId,
          userId: alice,
          memberIds: [alice],
          role: 'BUYER',
          unreadCount: 0,
          lastMessageAt: new Date().toISOString(),
        },
      },
    );
    expect(deepWrite.json()).toMatchObject({
      data: null,
      errors: [{ errorType: 'QueryDepthLimitExceeded' }],
    });
    const read = await asFunction(
      /* GraphQL */ `query Get($conversationId: ID!, $userId: ID!) {
        getConversationMember(conversationId: $conversationId, userId: $userId) { userId } }`,
      { conversationId, userId: alice },
    );
    expect(read.json()).toEqual({ data: { getConversationMember: null } });
  });
});

describe('subscriptions over wss from the aws-amplify client', () => {
  it('delivers a user’s own new notification and not another user’s', async () => {
    const aliceClient = await clientFor(alice);
    const bobClient = await clientFor(bob);
    const aliceFeed = await aliceClient.subscribe(ON_CREATE_NOTIFICATION);
    const bobFeed = await bobClient.subscribe(ON_CREATE_NOTIFICATION);

    await notificationFor(bob, 'for bob');
    await notificationFor(alice, 'for alice');

    // Bob's notification was published first: had it leaked, it would be Alice's first event.
    expect(await aliceFeed.next()).toMatchObject({
      onCreateNotification: { userId: alice, title: 'for alice' },
    });
    expect(await bobFeed.next()).toMatchObject({ onCreateNotification: { userId: bob, title: 'for bob' } });
  });

  it('delivers a message to its members only: a non-member receives nothing', async () => {
    const aliceClient = await clientFor(alice);
    const bobClient = await clientFor(bob);
    const aliceFeed = await aliceClient.subscribe(ON_CREATE_MESSAGE);
    const bobFeed = await bobClient.subscribe(ON_CREATE_MESSAGE);

    await messageTo([alice, carol], 'between alice and carol');
    await messageTo([alice, bob], 'between alice and bob');

    expect(await aliceFeed.next()).toMatchObject({ onCreateMessage: { body: 'between alice and carol' } });
    expect(await aliceFeed.next()).toMatchObject({ onCreateMessage: { body: 'between alice and bob' } });
    expect(await bobFeed.next()).toMatchObject({ onCreateMessage: { body: 'between alice and bob' } });
    expect(bobFeed.events).toHaveLength(1);
  });

  it('refuses a subscription for another user’s notifications with an Unauthorized error', async () => {
    const bobClient = await clientFor(bob);
    await expect(
      bobClient.subscribe(
        'subscription On($userId: String) { onCreateNotification(userId: $userId) { id } }',
        {
          userId: alice,
        },
      ),
    ).rejects.toMatchObject({ message: expect.stringContaining('Unauthorized') });
  });
});

describe('the realtime protocol on the wire', () => {
  interface Frame {
    type: string;
    id?: string;
    payload?: Record<string, unknown>;
  }

  const connect = (authorization: string, host = `127.0.0.1:${appsync.port}`) => {
    const header = Buffer.from(JSON.stringify({ Authorization: authorization, host })).toString('base64url');
    const socket = new WebSocket(appsync.realtimeUrl, ['graphql-ws', `header-${header}`], { ca });
    const frames: Frame[] = [];
    const waiters: { match: (frame: Frame) => boolean; resolve: (frame: Frame) => void }[] = [];
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as Frame;
      frames.push(frame);
      for (const waiter of waiters.filter((candidate) => candidate.match(frame))) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(frame);
      }
    });
    const opened = new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return {
      socket,
      frames,
      opened,
      send: (frame: Record<string, unknown>) => socket.send(JSON.stringify(frame)),
      waitFor: (match: (frame: Frame) => boolean) =>
        new Promise<Frame>((resolve) => {
          const seen = frames.find(match);
          if (seen) resolve(seen);
          else waiters.push({ match, resolve });
        }),
    };
  };

  const start = (
    id: string,
    query: string,
    authorization: string,
    variables: Record<string, unknown> = {},
  ) => ({
    type: 'start',
    id,
    payload: {
      data: JSON.stringify({ query, variables }),
      extensions: { authorization: { Authorization: authorization, host: `127.0.0.1:${appsync.port}` } },
    },
  });

  it('acknowledges connection_init with AppSync’s connection timeout and a first keep-alive', async () => {
    const connection = connect(await issuer.accessToken(alice));
    await connection.opened;
    expect(connection.socket.protocol).toBe('graphql-ws');
    connection.send({ type: 'connection_init' });
    expect(await connection.waitFor((frame) => frame.type === 'connection_ack')).toEqual({
      type: 'connection_ack',
      payload: { connectionTimeoutMs: 300_000 },
    });
    expect(await connection.waitFor((frame) => frame.type === 'ka')).toEqual({ type: 'ka' });
    connection.socket.close();
  });

  it('answers connection_init on a socket opened with a forged token with a final 401 connection_error', async () => {
    const connection = connect(await issuer.forgedToken(alice));
    await connection.opened;
    connection.send({ type: 'connection_init' });
    expect(await connection.waitFor((frame) => frame.type === 'connection_error')).toEqual({
      type: 'connection_error',
      payload: {
        errors: [
          {
            errorType: 'UnauthorizedException',
            message: 'You are not authorized to make this call.',
            errorCode: 401,
          },
        ],
      },
    });
  });

  it('refuses a handshake header minted for another host', async () => {
    const connection = connect(
      await issuer.accessToken(alice),
      'example.appsync-api.ap-northeast-2.amazonaws.com',
    );
    await connection.opened;
    connection.send({ type: 'connection_init' });
    const error = await connection.waitFor((frame) => frame.type === 'connection_error');
    expect(error.payload).toMatchObject({ errors: [{ errorType: 'UnauthorizedException', errorCode: 401 }] });
  });

  it('refuses a start whose own authorization is forged, even on an authenticated socket', async () => {
    const connection = connect(await issuer.accessToken(alice));
    await connection.opened;
    connection.send({ type: 'connection_init' });
    await connection.waitFor((frame) => frame.type === 'connection_ack');
    connection.send(start('forged', ON_CREATE_NOTIFICATION, await issuer.forgedToken(alice)));
    expect(await connection.waitFor((frame) => frame.id === 'forged')).toMatchObject({
      type: 'error',
      payload: { errors: [{ errorType: 'UnauthorizedException' }] },
    });
    connection.socket.close();
  });

  it('answers a start for another user’s notifications with AppSync’s Unauthorized error frame', async () => {
    const token = await issuer.accessToken(bob);
    const connection = connect(token);
    await connection.opened;
    connection.send({ type: 'connection_init' });
    await connection.waitFor((frame) => frame.type === 'connection_ack');
    connection.send(
      start(
        'spy',
        'subscription On($userId: String) { onCreateNotification(userId: $userId) { id } }',
        token,
        {
          userId: alice,
        },
      ),
    );
    expect(await connection.waitFor((frame) => frame.id === 'spy')).toEqual({
      type: 'error',
      id: 'spy',
      payload: {
        errors: [
          {
            errorType: 'Unauthorized',
            message: 'Not Authorized to access onCreateNotification on type Subscription',
          },
        ],
      },
    });
    connection.socket.close();
  });

  it('applies the subscription’s filter argument on top of the owner filter, and stops with complete', async () => {
    const token = await issuer.accessToken(carol);
    const connection = connect(token);
    await connection.opened;
    connection.send({ type: 'connection_init' });
    await connection.waitFor((frame) => frame.type === 'connection_ack');
    connection.send(
      start(
        'filtered',
        'subscription On($filter: ModelSubscriptionNotificationFilterInput) { onCreateNotification(filter: $filter) { title } }',
        token,
        { filter: { title: { beginsWith: 'urgent' } } },
      ),
    );
    await connection.waitFor((frame) => frame.type === 'start_ack' && frame.id === 'filtered');

    await notificationFor(carol, 'routine news');
    await notificationFor(alice, 'urgent for alice');
    await notificationFor(carol, 'urgent for carol');

    expect(await connection.waitFor((frame) => frame.type === 'data')).toEqual({
      type: 'data',
      id: 'filtered',
      payload: { data: { onCreateNotification: { title: 'urgent for carol' } } },
    });
    connection.send({ type: 'stop', id: 'filtered' });
    expect(await connection.waitFor((frame) => frame.type === 'complete')).toEqual({
      type: 'complete',
      id: 'filtered',
    });
    expect(connection.frames.filter((frame) => frame.type === 'data')).toHaveLength(1);
    connection.socket.close();
  });

  it('also reads the handshake header from the ?header= query parameter older clients send', async () => {
    const header = Buffer.from(
      JSON.stringify({ Authorization: await issuer.accessToken(alice), host: `127.0.0.1:${appsync.port}` }),
    ).toString('base64');
    const socket = new WebSocket(`${appsync.realtimeUrl}?header=${header}&payload=e30=`, ['graphql-ws'], {
      ca,
    });
    const first = new Promise<string>((resolve) => socket.once('message', (data) => resolve(String(data))));
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ type: 'connection_init' }));
    expect(JSON.parse(await first)).toMatchObject({ type: 'connection_ack' });
    socket.close();
  });

  it('rejects an upgrade that does not offer the graphql-ws subprotocol', async () => {
    const socket = new WebSocket(appsync.realtimeUrl, { ca });
    const outcome = await new Promise<string>((resolve) => {
      socket.once('open', () => resolve('open'));
      socket.once('unexpected-response', (_request, response) => resolve(`status ${response.statusCode}`));
      socket.once('error', (error) => resolve(error.message));
    });
    expect(outcome).toBe('status 400');
  });
});
