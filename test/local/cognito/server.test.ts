import { get } from 'node:https';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CognitoServer,
  type CognitoService,
  createCognitoService,
  startCognitoServer,
} from '../../../local/cognito/server';
import { signInUser, signUpUser } from './calls';
import { CLIENT_ID, fakeTriggerInvoker, testConfig, USER_POOL_ID } from './fake-triggers';

let service: CognitoService;
let server: CognitoServer;

beforeAll(async () => {
  service = createCognitoService({ config: testConfig(), invoker: fakeTriggerInvoker().invoker });
  server = await startCognitoServer({ service });
});
afterAll(() => server.close());

const post = (target: string | undefined, body: string) =>
  fetch(server.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      ...(target && { 'x-amz-target': target }),
    },
    body,
  });

describe('the Cognito HTTP server', () => {
  it('routes POST / by X-Amz-Target and answers in the JSON protocol', async () => {
    const response = await post(
      'AWSCognitoIdentityProviderService.SignUp',
      JSON.stringify({ ClientId: CLIENT_ID, Username: '+821012345678', Password: 'x' }),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(await response.json()).toMatchObject({ UserConfirmed: true });
  });

  it('answers an error with HTTP 400, __type, message and x-amzn-ErrorType', async () => {
    const response = await post(
      'AWSCognitoIdentityProviderService.GetUser',
      JSON.stringify({ AccessToken: 'not-a-token' }),
    );
    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-errortype')).toBe('NotAuthorizedException');
    expect(await response.json()).toEqual({
      __type: 'NotAuthorizedException',
      message: 'Invalid Access Token',
    });
  });

  it('refuses an operation it does not implement and a body that is not JSON', async () => {
    const unknown = await post('AWSCognitoIdentityProviderService.ForgotPassword', '{}');
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ __type: 'UnknownOperationException' });
    const malformed = await post('AWSCognitoIdentityProviderService.SignUp', '{');
    expect(await malformed.json()).toMatchObject({ __type: 'SerializationException' });
  });

  it('serves the JWKS at /.well-known/jwks.json and under the user pool id, and it verifies the tokens', async () => {
    await signUpUser(service, '+821022223333');
    const tokens = await signInUser(service, '+821022223333');
    for (const path of ['/.well-known/jwks.json', `/${USER_POOL_ID}/.well-known/jwks.json`]) {
      const response = await fetch(`${server.url}${path}`);
      expect(response.status).toBe(200);
      const jwks = (await response.json()) as ReturnType<CognitoService['jwks']>;
      expect(jwks).toEqual(service.jwks());
      await expect(jwtVerify(tokens.IdToken, createLocalJWKSet(jwks))).resolves.toHaveProperty('payload');
    }
    expect((await fetch(`${server.url}/elsewhere`)).status).toBe(404);
  });

  it('answers a browser’s preflight with CORS headers the aws-amplify client needs', async () => {
    const response = await fetch(server.url, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:5173',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,x-amz-target,x-amz-user-agent,cache-control',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    const allowed = response.headers.get('access-control-allow-headers')!.toLowerCase();
    for (const header of ['content-type', 'x-amz-target', 'x-amz-user-agent', 'cache-control']) {
      expect(allowed).toContain(header);
    }
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
  });

  it('lets a browser read the error type of a cross-origin answer', async () => {
    const response = await post('AWSCognitoIdentityProviderService.GetUser', '{}');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-expose-headers')).toContain('x-amzn-errortype');
  });

  it('serves over HTTPS when given a certificate', async () => {
    const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
      keySize: 2048,
      algorithm: 'sha256',
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
    });
    const secure = await startCognitoServer({ service, tls: { key: pems.private, cert: pems.cert } });
    try {
      expect(secure.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const body = await new Promise<string>((resolve, reject) => {
        get(`${secure.url}/.well-known/jwks.json`, { ca: pems.cert }, (response) => {
          let text = '';
          response.on('data', (chunk) => (text += chunk));
          response.on('end', () => resolve(text));
        }).on('error', reject);
      });
      expect(JSON.parse(body)).toEqual(service.jwks());
    } finally {
      await secure.close();
    }
  });
});
