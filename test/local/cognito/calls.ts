import { expect } from 'vitest';
import type { CognitoService } from '../../../local/cognito/server';
import { CLIENT_ID, RIGHT_CODE } from './fake-triggers';

// biome-ignore lint/suspicious/noExplicitAny: responses are JSON read by the assertions
type Json = any;

/** One JSON-protocol call, as the HTTP server or the shared AWS gateway would make it. */
export async function call(service: CognitoService, operation: string, body: object): Promise<Json> {
  const response = await service.handle(`AWSCognitoIdentityProviderService.${operation}`, body, {});
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
