import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { expect } from 'vitest';
import type { CognitoService } from '../../../local/cognito/server';
import { createSignedCallers } from '../../../local/iam/signed-callers';
import { CLIENT_ID, RIGHT_CODE } from './fake-triggers';

// biome-ignore lint/suspicious/noExplicitAny: responses are JSON read by the assertions
type Json = any;

/** The local operator's keys: services made with `TEST_IAM` accept admin calls signed with them. */
const TEST_CALLERS = createSignedCallers([]);
export const TEST_IAM = { verifyIam: TEST_CALLERS.verify };

/** SigV4 headers for a body, as the AWS SDK signs a call to Cognito with the operator's keys. */
async function signedHeaders(operation: string, body: string): Promise<Record<string, string>> {
  const signer = new SignatureV4({
    credentials: TEST_CALLERS.operatorCredentials(),
    region: 'ap-northeast-2',
    service: 'cognito-idp',
    sha256: Sha256,
  });
  const signed = await signer.sign({
    method: 'POST',
    protocol: 'https:',
    hostname: 'cognito-idp.ap-northeast-2.amazonaws.com',
    path: '/',
    headers: {
      host: 'cognito-idp.ap-northeast-2.amazonaws.com',
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `AWSCognitoIdentityProviderService.${operation}`,
    },
    body,
  });
  return signed.headers as Record<string, string>;
}

/** One JSON-protocol call, signed as an operator's SDK would sign it (the app's own calls ignore it). */
export async function call(service: CognitoService, operation: string, body: object): Promise<Json> {
  const text = JSON.stringify(body);
  const response = await service.handle(
    `AWSCognitoIdentityProviderService.${operation}`,
    text,
    await signedHeaders(operation, text),
  );
  if (response.status !== 200) {
    throw Object.assign(new Error((response.body as Json).message), { type: (response.body as Json).__type });
  }
  return response.body;
}

/** The `{ type, message }` of a call expected to fail. */
export async function failure(service: CognitoService, operation: string, body: object) {
  const response = await service.handle(operation, body, {});
  expect(response.status).toBe(400);
  expect(response.headers['x-amzn-ErrorType']).toBe((response.body as Json).__type);
  return {
    type: (response.body as Json).__type as string,
    message: (response.body as Json).message as string,
  };
}

export async function signUpUser(service: CognitoService, phone: string): Promise<string> {
  const result = await call(service, 'SignUp', {
    ClientId: CLIENT_ID,
    Username: phone,
    Password: 'Random-Pa55',
  });
  return result.UserSub;
}

export function startSignIn(service: CognitoService, phone: string) {
  return call(service, 'InitiateAuth', {
    ClientId: CLIENT_ID,
    AuthFlow: 'CUSTOM_AUTH',
    AuthParameters: { USERNAME: phone },
  });
}

export function answer(
  service: CognitoService,
  challenge: { Session: string; ChallengeParameters: Json },
  code: string,
) {
  return call(service, 'RespondToAuthChallenge', {
    ClientId: CLIENT_ID,
    ChallengeName: 'CUSTOM_CHALLENGE',
    Session: challenge.Session,
    ChallengeResponses: { USERNAME: challenge.ChallengeParameters.USERNAME, ANSWER: code },
  });
}

/** Signs in with the right code; returns AuthenticationResult. */
export async function signInUser(service: CognitoService, phone: string) {
  const result = await answer(service, await startSignIn(service, phone), RIGHT_CODE);
  return result.AuthenticationResult as {
    AccessToken: string;
    IdToken: string;
    RefreshToken: string;
    ExpiresIn: number;
    TokenType: string;
  };
}
