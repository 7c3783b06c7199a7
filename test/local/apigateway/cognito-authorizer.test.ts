import { afterEach, describe, expect, it } from 'vitest';
import { apiGatewayDate } from '../../../local/apigateway/cognito-authorizer';
import { fakeInvoker, startTestRestApi, stopAll, VALID_TOKEN } from './rest-fixture';

afterEach(stopAll);

describe('local REST API: Cognito user pools authorizer', () => {
  it('answers 401 Unauthorized without an Authorization header and does not call the function', async () => {
    const functions = fakeInvoker();
    const api = await startTestRestApi({ invoker: functions.invoker });
    const response = await fetch(`${api.url}/v1/me/badge`);

    expect(response.status).toBe(401);
    expect(response.headers.get('x-amzn-errortype')).toBe('UnauthorizedException');
    expect(await response.json()).toEqual({ message: 'Unauthorized' });
    expect(functions.events).toHaveLength(0);
  });

  it('answers 401 for a token the user pool did not sign', async () => {
    const functions = fakeInvoker();
    const api = await startTestRestApi({ invoker: functions.invoker });
    const response = await fetch(`${api.url}/v1/me/badge`, { headers: { Authorization: 'forged-token' } });

    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ message: 'Unauthorized' });
    expect(functions.events).toHaveLength(0);
  });

  it('says the token has expired when it has, as API Gateway does', async () => {
    const functions = fakeInvoker();
    const api = await startTestRestApi({ invoker: functions.invoker });
    const response = await fetch(`${api.url}/v1/me/badge`, {
      headers: { Authorization: 'expired-id-token' },
    });

    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ message: 'The incoming token has expired' });
  });

  it('protects MOCK integrations too', async () => {
    const functions = fakeInvoker();
    const api = await startTestRestApi({ invoker: functions.invoker });
    expect((await fetch(`${api.url}/v1/health`)).status).toBe(401);
  });

  it('accepts the raw ID token and a Bearer one, and passes the claims as strings', async () => {
    const functions = fakeInvoker();
    const api = await startTestRestApi({ invoker: functions.invoker });
    expect((await fetch(`${api.url}/v1/me/badge`, { headers: { Authorization: VALID_TOKEN } })).status).toBe(
      200,
    );
    expect(
      (await fetch(`${api.url}/v1/me/badge`, { headers: { Authorization: `Bearer ${VALID_TOKEN}` } })).status,
    ).toBe(200);

    expect(functions.events).toHaveLength(2);
    const claims = (
      functions.events[0]!.event.requestContext as { authorizer: { claims: Record<string, string> } }
    ).authorizer.claims;
    expect(claims).toEqual({
      sub: 'user-123',
      'cognito:groups': 'USERS',
      phone_number_verified: 'true',
      iss: 'https://cognito-idp.ap-northeast-2.amazonaws.com/ap-northeast-2_local',
      'cognito:username': 'user-123',
      aud: 'client-1',
      token_use: 'id',
      auth_time: '1741921200',
      phone_number: '+821012345678',
      exp: 'Fri Mar 14 04:00:00 UTC 2025',
      iat: 'Fri Mar 14 03:00:00 UTC 2025',
    });
  });

  it('formats dates like API Gateway, with a zero-padded day', () => {
    expect(apiGatewayDate(Date.parse('2016-07-29T18:52:53Z') / 1000)).toBe('Fri Jul 29 18:52:53 UTC 2016');
    expect(apiGatewayDate(Date.parse('2023-04-04T17:39:39Z') / 1000)).toBe('Tue Apr 04 17:39:39 UTC 2023');
  });
});
