import type { Context } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCognitoService } from '../../../local/cognito/server';
import { answer, signInUser, signUpUser, startSignIn } from './calls';
import {
  fakeTriggerInvoker,
  RIGHT_CODE,
  TEST_SIGNING_KEY_PEM,
  TRIGGER_FUNCTIONS,
  testConfig,
} from './fake-triggers';

Object.assign(process.env, {
  STAGE: 'sandbox',
  OTP_MAX_ATTEMPTS_PER_SESSION: '2',
  AWS_REGION: 'ap-northeast-2',
});
delete process.env.SENTRY_DSN;

const context = {
  getRemainingTimeInMillis: () => 5000,
  functionName: 'auth-define-challenge',
} as unknown as Context;
// Loaded after the environment is set: the handler reads it when it loads.
let defineHandler: typeof import('../../../amplify/functions/auth-define-challenge/handler').handler;
beforeAll(async () => {
  defineHandler = (await import('../../../amplify/functions/auth-define-challenge/handler')).handler;
});

/** The app's own DefineAuthChallenge handler reads the events this endpoint builds. */
function setUp() {
  const triggers = fakeTriggerInvoker({
    [TRIGGER_FUNCTIONS.defineAuthChallenge]: (event) => defineHandler(event, context, () => undefined),
  });
  return createCognitoService({
    config: testConfig(),
    invoker: triggers.invoker,
    signingKeyPem: TEST_SIGNING_KEY_PEM,
  });
}

describe('the app’s real DefineAuthChallenge handler behind the endpoint', () => {
  it('issues tokens after the right code', async () => {
    const service = setUp();
    await signUpUser(service, '+821012345678');
    await expect(signInUser(service, '+821012345678')).resolves.toHaveProperty('AccessToken');
  });

  it('fails the sign-in after its configured number of wrong answers', async () => {
    const service = setUp();
    await signUpUser(service, '+821012345678');
    const second = await answer(service, await startSignIn(service, '+821012345678'), '000000');
    await expect(answer(service, second, '000000')).rejects.toMatchObject({ type: 'NotAuthorizedException' });
  });

  it('never issues tokens to an unknown number, even for the right code', async () => {
    const service = setUp();
    const second = await answer(service, await startSignIn(service, '+821099998888'), RIGHT_CODE);
    await expect(answer(service, second, RIGHT_CODE)).rejects.toMatchObject({
      message: 'Incorrect username or password.',
    });
  });
});
