import { afterEach, describe, expect, it } from 'vitest';
import { fakeInvoker, STAGE, startTestRestApi, stopAll, VALID_TOKEN } from './rest-fixture';

afterEach(stopAll);

describe('local REST API: Lambda proxy integration', () => {
  it('gives the function a REST API (payload v1) proxy event', async () => {
    const functions = fakeInvoker();
    const api = await startTestRestApi({ invoker: functions.invoker });
    const response = await fetch(`${api.url}/webhooks/legacy?kind=notice&tag=a&tag=b`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Custom': 'one', 'User-Agent': 'legacy-backend/1.0' },
      body: JSON.stringify({ type: 'broker.assigned' }),
    });

    expect(response.status).toBe(200);
    expect(functions.events).toHaveLength(1);
    const { functionName, event } = functions.events[0]!;
    expect(functionName).toBe('rest-legacy-webhook');
    expect(event).toMatchObject({
      resource: '/webhooks/legacy',
      path: '/webhooks/legacy',
      httpMethod: 'POST',
      headers: expect.objectContaining({ 'Content-Type': 'application/json', 'X-Custom': 'one' }),
      multiValueHeaders: expect.objectContaining({ 'X-Custom': ['one'] }),
      queryStringParameters: { kind: 'notice', tag: 'b' },
      multiValueQueryStringParameters: { kind: ['notice'], tag: ['a', 'b'] },
      pathParameters: null,
      stageVariables: null,
      body: '{"type":"broker.assigned"}',
      isBase64Encoded: false,
      requestContext: {
        accountId: '123456789012',
        apiId: expect.any(String),
        stage: STAGE,
        requestId: expect.any(String),
        path: `/${STAGE}/webhooks/legacy`,
        resourcePath: '/webhooks/legacy',
        httpMethod: 'POST',
        protocol: 'HTTP/1.1',
        requestTimeEpoch: Date.parse('2025-03-14T03:00:00Z'),
        requestTime: '14/Mar/2025:03:00:00 +0000',
        identity: expect.objectContaining({ sourceIp: '127.0.0.1', userAgent: 'legacy-backend/1.0' }),
      },
    });
    expect(event.requestContext).not.toHaveProperty('authorizer');
    expect(response.headers.get('x-amzn-requestid')).toBe(
      (event.requestContext as { requestId: string }).requestId,
    );
  });

  it('passes path parameters, decoded, with the resource template', async () => {
    const functions = fakeInvoker();
    const api = await startTestRestApi({ invoker: functions.invoker });
    await fetch(`${api.url}/v1/conversations/c%20%EB%B6%80%ED%86%A1/messages/m-2`);

    expect(functions.events[0]!.event).toMatchObject({
      resource: '/v1/conversations/{conversationId}/messages/{messageId}',
      path: '/v1/conversations/c%20%EB%B6%80%ED%86%A1/messages/m-2',
      pathParameters: { conversationId: 'c 부톡', messageId: 'm-2' },
      queryStringParameters: null,
      body: null,
    });
  });

  it('matches a greedy {proxy+} resource, but prefers a literal one', async () => {
    const functions = fakeInvoker();
    const api = await startTestRestApi({ invoker: functions.invoker });
    await fetch(`${api.url}/files/2025/03/plan.pdf`, { method: 'DELETE' });
    const special = await fetch(`${api.url}/files/special`);

    expect(functions.events).toHaveLength(1);
    expect(functions.events[0]!.event).toMatchObject({
      resource: '/files/{proxy+}',
      httpMethod: 'DELETE',
      pathParameters: { proxy: '2025/03/plan.pdf' },
    });
    expect(await special.json()).toEqual({ special: true });
  });

  it('sends the function’s status, headers, multi-value headers and base64 body', async () => {
    const functions = fakeInvoker();
    functions.returns({
      statusCode: 201,
      headers: { 'X-Single': 'a', 'Access-Control-Allow-Origin': 'http://localhost:3000' },
      multiValueHeaders: { 'Set-Cookie': ['a=1', 'b=2'] },
      body: Buffer.from('binary!').toString('base64'),
      isBase64Encoded: true,
    });
    const api = await startTestRestApi({ invoker: functions.invoker });
    const response = await fetch(`${api.url}/webhooks/legacy`, { method: 'POST' });

    expect(response.status).toBe(201);
    expect(response.headers.get('x-single')).toBe('a');
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.text()).toBe('binary!');
  });

  it.each([
    ['a body that is not a string', { statusCode: 200, body: { ok: true } }],
    ['no statusCode', { body: '{}' }],
    ['a statusCode that is a string', { statusCode: '200', body: '{}' }],
    ['an unexpected field', { statusCode: 200, body: '{}', status: 'ok' }],
    ['not an object at all', 'ok'],
  ])('answers 502 "Internal server error" for a malformed proxy response: %s', async (_, result) => {
    const functions = fakeInvoker();
    functions.returns(result);
    const api = await startTestRestApi({ invoker: functions.invoker });
    const response = await fetch(`${api.url}/webhooks/legacy`, { method: 'POST' });

    expect(response.status).toBe(502);
    expect(await response.json()).toEqual({ message: 'Internal server error' });
  });

  it('answers 502 when the function throws and 504 when it times out', async () => {
    const functions = fakeInvoker();
    const api = await startTestRestApi({ invoker: functions.invoker });
    functions.answer(() => ({
      ok: false,
      error: { errorType: 'TypeError', errorMessage: 'boom' },
      durationMs: 1,
    }));
    expect((await fetch(`${api.url}/webhooks/legacy`, { method: 'POST' })).status).toBe(502);

    functions.answer(() => ({
      ok: false,
      error: { errorType: 'TimeoutError', errorMessage: 'Task timed out' },
      durationMs: 1,
    }));
    const timedOut = await fetch(`${api.url}/webhooks/legacy`, { method: 'POST' });
    expect(timedOut.status).toBe(504);
    expect(await timedOut.json()).toEqual({ message: 'Endpoint request timed out' });
  });

  it('gives up after the integration timeout with 504', async () => {
    const functions = fakeInvoker();
    functions.answer(() => new Promise(() => {}));
    const api = await startTestRestApi({ invoker: functions.invoker, integrationTimeoutMs: 100 });

    expect((await fetch(`${api.url}/webhooks/legacy`, { method: 'POST' })).status).toBe(504);
  });
});

describe('local REST API: routing and API Gateway’s own answers', () => {
  it('answers 403 Missing Authentication Token for an unknown route or method', async () => {
    const functions = fakeInvoker();
    const api = await startTestRestApi({ invoker: functions.invoker });

    for (const [method, path] of [
      ['GET', '/v2/nothing'],
      ['DELETE', '/v1/me/badge'],
      ['GET', '/webhooks/legacy'],
    ] as const) {
      const response = await fetch(`${api.url}${path}`, { method, headers: { Authorization: VALID_TOKEN } });
      expect(response.status).toBe(403);
      expect(response.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
      expect(await response.json()).toEqual({ message: 'Missing Authentication Token' });
    }
    expect(functions.events).toHaveLength(0);
  });

  it('serves a MOCK integration’s status and body without calling a function', async () => {
    const functions = fakeInvoker();
    const api = await startTestRestApi({ invoker: functions.invoker });
    const response = await fetch(`${api.url}/v1/health`, { headers: { Authorization: VALID_TOKEN } });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
    expect(functions.events).toHaveLength(0);
  });

  it('serves paths with the stage prefix and without it', async () => {
    const functions = fakeInvoker();
    const api = await startTestRestApi({ invoker: functions.invoker });

    expect(api.url).toBe(`${api.origin}/${STAGE}`);
    expect((await fetch(`${api.origin}/${STAGE}/webhooks/legacy`, { method: 'POST' })).status).toBe(200);
    expect((await fetch(`${api.origin}/webhooks/legacy`, { method: 'POST' })).status).toBe(200);
    expect((await fetch(`${api.origin}/prod/webhooks/legacy`, { method: 'POST' })).status).toBe(403);
    expect(
      functions.events.map(({ event }) => [event.path, (event.requestContext as { path: string }).path]),
    ).toEqual([
      ['/webhooks/legacy', `/${STAGE}/webhooks/legacy`],
      ['/webhooks/legacy', `/${STAGE}/webhooks/legacy`],
    ]);
  });

  it('serves new routes after reload', async () => {
    const functions = fakeInvoker();
    const api = await startTestRestApi({ invoker: functions.invoker });
    expect((await fetch(`${api.url}/v1/ping`)).status).toBe(403);

    api.reload([
      {
        method: 'GET',
        path: '/v1/ping',
        authorization: 'NONE',
        integration: { kind: 'mock', statusCode: 200, body: '{"pong":true}', headers: {} },
      },
    ]);

    expect(await (await fetch(`${api.url}/v1/ping`)).json()).toEqual({ pong: true });
    expect((await fetch(`${api.url}/webhooks/legacy`, { method: 'POST' })).status).toBe(403);
  });

  it('answers a CORS preflight for allowed origins only, and 403 for an unknown resource', async () => {
    const functions = fakeInvoker();
    const api = await startTestRestApi({ invoker: functions.invoker });
    const preflight = (origin: string, path = '/v1/me/badge') =>
      fetch(`${api.url}${path}`, {
        method: 'OPTIONS',
        headers: {
          Origin: origin,
          'Access-Control-Request-Method': 'GET',
          'Access-Control-Request-Headers': 'authorization',
        },
      });

    const allowed = await preflight('http://localhost:3000');
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    expect(allowed.headers.get('access-control-allow-headers')).toContain('Authorization');
    expect(allowed.headers.get('access-control-allow-methods')).toContain('GET');

    const other = await preflight('https://evil.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    expect((await preflight('http://localhost:3000', '/nowhere')).status).toBe(403);
    expect(functions.events).toHaveLength(0);
  });
});
