import { type LocalRestApi, type RestApiOptions, startRestApi } from '../../../local/apigateway/server';
import type { RestRouteSpec } from '../../../local/assembly/rest-api';
import type { FunctionInvoker, InvokeResult } from '../../../local/contracts';

export const STAGE = 'sandbox';
export const VALID_TOKEN = 'valid-id-token';
export const ID_CLAIMS = {
  sub: 'user-123',
  'cognito:groups': ['USERS'],
  phone_number_verified: true,
  iss: 'https://cognito-idp.ap-northeast-2.amazonaws.com/ap-northeast-2_local',
  'cognito:username': 'user-123',
  aud: 'client-1',
  token_use: 'id',
  auth_time: 1741921200,
  phone_number: '+821012345678',
  exp: 1741924800,
  iat: 1741921200,
};

export const routes: RestRouteSpec[] = [
  {
    method: 'GET',
    path: '/v1/me/badge',
    authorization: 'COGNITO_USER_POOLS',
    integration: { kind: 'lambda', functionName: 'rest-app-api' },
  },
  {
    method: 'POST',
    path: '/webhooks/legacy',
    authorization: 'NONE',
    integration: { kind: 'lambda', functionName: 'rest-legacy-webhook' },
  },
  {
    method: 'GET',
    path: '/v1/health',
    authorization: 'COGNITO_USER_POOLS',
    integration: { kind: 'mock', statusCode: 200, body: '{ "status": "ok" }', headers: {} },
  },
  {
    method: 'GET',
    path: '/v1/conversations/{conversationId}/messages/{messageId}',
    authorization: 'NONE',
    integration: { kind: 'lambda', functionName: 'echo' },
  },
  {
    method: 'ANY',
    path: '/files/{proxy+}',
    authorization: 'NONE',
    integration: { kind: 'lambda', functionName: 'echo' },
  },
  {
    method: 'GET',
    path: '/files/special',
    authorization: 'NONE',
    integration: { kind: 'mock', statusCode: 200, body: '{"special":true}', headers: {} },
  },
];

type Behaviour = (event: Record<string, unknown>) => InvokeResult | Promise<InvokeResult>;

/** An invoker that records each event and answers what the test scripts (by default 200 with the event). */
export function fakeInvoker(functions = ['rest-app-api', 'rest-legacy-webhook', 'echo']) {
  const events: { functionName: string; event: Record<string, unknown> }[] = [];
  let behaviour: Behaviour = () => ({
    ok: true,
    result: { statusCode: 200, body: '{"ok":true}' },
    durationMs: 1,
  });
  const invoker: FunctionInvoker = {
    has: (name) => functions.includes(name),
    async invoke(functionName, event) {
      // Through JSON, as a worker boundary would.
      const copy = JSON.parse(JSON.stringify(event)) as Record<string, unknown>;
      events.push({ functionName, event: copy });
      return behaviour(copy);
    },
  };
  return {
    invoker,
    events,
    answer(next: Behaviour) {
      behaviour = next;
    },
    returns(result: unknown) {
      behaviour = () => ({ ok: true, result, durationMs: 1 });
    },
  };
}

const running: LocalRestApi[] = [];

export async function startTestRestApi(options: Partial<RestApiOptions> & { invoker: FunctionInvoker }) {
  const api = await startRestApi({
    port: 0,
    routes,
    stageName: STAGE,
    cors: { origins: ['http://localhost:3000'] },
    verifyIdToken: async (token) => {
      if (token === VALID_TOKEN) return ID_CLAIMS;
      if (token === 'expired-id-token')
        throw Object.assign(new Error('"exp" claim timestamp check failed'), { code: 'ERR_JWT_EXPIRED' });
      throw Object.assign(new Error('signature verification failed'), {
        code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
      });
    },
    now: () => Date.parse('2025-03-14T03:00:00Z'),
    ...options,
  });
  running.push(api);
  return api;
}

export async function stopAll() {
  await Promise.all(running.splice(0).map((api) => api.stop()));
}
