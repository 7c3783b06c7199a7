import { Amplify } from 'aws-amplify';
import { signIn } from 'aws-amplify/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIGN_IN_RATE_LIMIT } from '../../../amplify/auth/sign-in-limit';
import { type CognitoServer, createCognitoService, startCognitoServer } from '../../../local/cognito/server';
import { createSignInRateLimiter } from '../../../local/cognito/sign-in-rate-limit';
import { CLIENT_ID, fakeTriggerInvoker, testConfig, USER_POOL_ID } from './fake-triggers';

// The deployed user pool sits behind a WAF rate rule per source IP; the local endpoint counts the
// same calls per source address with the same numbers and refuses as Cognito does behind WAF.
let clock = Date.parse('2026-12-07T00:00:00Z');
let server: CognitoServer;

beforeAll(async () => {
  const service = createCognitoService({ config: testConfig(), invoker: fakeTriggerInvoker().invoker });
  server = await startCognitoServer({ service, rateLimiter: createSignInRateLimiter({ now: () => clock }) });
});
afterAll(() => server.close());

const post = (operation: string, body: object) =>
  fetch(server.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `AWSCognitoIdentityProviderService.${operation}`,
    },
    body: JSON.stringify(body),
  });
const answer = () =>
  post('RespondToAuthChallenge', {
    ClientId: CLIENT_ID,
    ChallengeName: 'CUSTOM_CHALLENGE',
    Session: 'not-a-session',
    ChallengeResponses: { USERNAME: '+821012345678', ANSWER: '000000' },
  });
const refresh = () =>
  post('InitiateAuth', {
    ClientId: CLIENT_ID,
    AuthFlow: 'REFRESH_TOKEN_AUTH',
    AuthParameters: { REFRESH_TOKEN: 'not-a-token' },
  });

describe('the sign-in limit per source address', () => {
  it('answers sign-in calls up to the limit, then refuses with the 403 ForbiddenException WAF makes Cognito send', async () => {
    expect(SIGN_IN_RATE_LIMIT).toMatchObject({ limit: 300, windowSeconds: 300 });
    const statuses: number[] = [];
    for (let i = 0; i < SIGN_IN_RATE_LIMIT.limit; i++) statuses.push((await answer()).status);
    expect(new Set(statuses)).toEqual(new Set([400]));

    const blocked = await post('InitiateAuth', {
      ClientId: CLIENT_ID,
      AuthFlow: 'CUSTOM_AUTH',
      AuthParameters: { USERNAME: '+821012345678' },
    });
    expect(blocked.status).toBe(403);
    expect(blocked.headers.get('x-amzn-errortype')).toBe('ForbiddenException');
    expect(await blocked.json()).toEqual({
      __type: 'ForbiddenException',
      message: 'Request not allowed due to WAF block.',
    });
    expect(
      (await post('SignUp', { ClientId: CLIENT_ID, Username: '+821012345679', Password: 'x' })).status,
    ).toBe(403);
  });

  it('reaches the aws-amplify client as a ForbiddenException with WAF’s message', async () => {
    Amplify.configure({
      Auth: {
        Cognito: { userPoolId: USER_POOL_ID, userPoolClientId: CLIENT_ID, userPoolEndpoint: server.url },
      },
    });
    await expect(
      signIn({ username: '+821012345678', options: { authFlowType: 'CUSTOM_WITHOUT_SRP' } }),
    ).rejects.toMatchObject({ name: 'ForbiddenException', message: 'Request not allowed due to WAF block.' });
  });

  it('does not count or block token refreshes, which are not sign-ins', async () => {
    const response = await refresh();
    expect(response.status).toBe(400);
    expect(((await response.json()) as { __type: string }).__type).toBe('NotAuthorizedException');
  });

  it('lets the address sign in again once its calls of the last five minutes fall under the limit', async () => {
    clock += (SIGN_IN_RATE_LIMIT.windowSeconds - 1) * 1000;
    expect((await answer()).status).toBe(403);
    clock += 2000;
    expect((await answer()).status).toBe(400);
  });
});
