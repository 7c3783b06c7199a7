import { describe, expect, it } from 'vitest';
import { createCognitoService } from '../../../local/cognito/server';
import { answer, call, failure, signUpUser, startSignIn, TEST_IAM } from './calls';
import {
  CLIENT_ID,
  fakeTriggerInvoker,
  RIGHT_CODE,
  TEST_SIGNING_KEY_PEM,
  TRIGGER_FUNCTIONS,
  testConfig,
  USER_POOL_ID,
} from './fake-triggers';

const PHONE = '+821012345678';
const UNKNOWN_PHONE = '+821099998888';

function setUp(
  options: {
    config?: Parameters<typeof testConfig>[0];
    overrides?: Parameters<typeof fakeTriggerInvoker>[0];
  } = {},
) {
  let clock = Date.parse('2025-03-01T00:00:00Z');
  const triggers = fakeTriggerInvoker(options.overrides);
  const service = createCognitoService({
    ...TEST_IAM,
    config: testConfig(options.config),
    invoker: triggers.invoker,
    signingKeyPem: TEST_SIGNING_KEY_PEM,
    now: () => clock,
  });
  return { service, ...triggers, advance: (ms: number) => (clock += ms) };
}

describe('InitiateAuth CUSTOM_AUTH and RespondToAuthChallenge', () => {
  it('answers a sign-in with a custom challenge for the user’s UUID username and the public parameters', async () => {
    const { service } = setUp();
    const sub = await signUpUser(service, PHONE);
    expect(await startSignIn(service, PHONE)).toEqual({
      ChallengeName: 'CUSTOM_CHALLENGE',
      Session: expect.any(String),
      ChallengeParameters: { USERNAME: sub, codeLength: '6' },
    });
  });

  it('issues tokens for the right code', async () => {
    const { service } = setUp();
    await signUpUser(service, PHONE);
    const result = await answer(service, await startSignIn(service, PHONE), RIGHT_CODE);
    expect(result).toEqual({
      AuthenticationResult: {
        AccessToken: expect.any(String),
        IdToken: expect.any(String),
        RefreshToken: expect.any(String),
        ExpiresIn: 3600,
        TokenType: 'Bearer',
      },
      ChallengeParameters: {},
    });
  });

  it('runs define, create and verify with Cognito’s events, the session growing with each answer', async () => {
    const { service, eventsFor } = setUp();
    const sub = await signUpUser(service, PHONE);
    const first = await startSignIn(service, PHONE);
    const second = await answer(service, first, '000000');
    await answer(service, second, RIGHT_CODE);

    const userAttributes = {
      sub,
      phone_number: PHONE,
      phone_number_verified: 'true',
      'cognito:user_status': 'CONFIRMED',
    };
    const common = {
      version: '1',
      region: 'ap-northeast-2',
      userPoolId: USER_POOL_ID,
      userName: sub,
      callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: CLIENT_ID },
    };
    const wrong = { challengeName: 'CUSTOM_CHALLENGE', challengeResult: false, challengeMetadata: 'CODE-1' };
    const right = { challengeName: 'CUSTOM_CHALLENGE', challengeResult: true, challengeMetadata: 'CODE-2' };
    expect(eventsFor(TRIGGER_FUNCTIONS.defineAuthChallenge).map((event) => event.request)).toEqual([
      { userAttributes, session: [], userNotFound: false },
      { userAttributes, session: [wrong], userNotFound: false },
      { userAttributes, session: [wrong, right], userNotFound: false },
    ]);
    expect(eventsFor(TRIGGER_FUNCTIONS.createAuthChallenge)[1]).toEqual({
      ...common,
      triggerSource: 'CreateAuthChallenge_Authentication',
      request: { userAttributes, challengeName: 'CUSTOM_CHALLENGE', session: [wrong], userNotFound: false },
      response: { publicChallengeParameters: {}, privateChallengeParameters: {}, challengeMetadata: '' },
    });
    expect(eventsFor(TRIGGER_FUNCTIONS.verifyAuthChallengeResponse)[0]).toEqual({
      ...common,
      triggerSource: 'VerifyAuthChallengeResponse_Authentication',
      request: {
        userAttributes,
        privateChallengeParameters: { code: RIGHT_CODE },
        challengeAnswer: '000000',
        userNotFound: false,
      },
      response: { answerCorrect: false },
    });
    expect(eventsFor(TRIGGER_FUNCTIONS.defineAuthChallenge)[0]).toMatchObject({
      ...common,
      triggerSource: 'DefineAuthChallenge_Authentication',
      response: { challengeName: '', issueTokens: false, failAuthentication: false },
    });
  });

  it('passes the call’s ClientMetadata to the triggers', async () => {
    const { service, eventsFor } = setUp();
    await signUpUser(service, PHONE);
    await call(service, 'InitiateAuth', {
      ClientId: CLIENT_ID,
      AuthFlow: 'CUSTOM_AUTH',
      AuthParameters: { USERNAME: PHONE },
      ClientMetadata: { locale: 'ko' },
    });
    expect(eventsFor(TRIGGER_FUNCTIONS.createAuthChallenge)[0]?.request).toMatchObject({
      clientMetadata: { locale: 'ko' },
    });
  });

  it('answers a wrong code with a new session and no longer accepts the old one', async () => {
    const { service } = setUp();
    await signUpUser(service, PHONE);
    const first = await startSignIn(service, PHONE);
    const second = await answer(service, first, '000000');
    expect(second).toMatchObject({ ChallengeName: 'CUSTOM_CHALLENGE', Session: expect.any(String) });
    expect(second.Session).not.toBe(first.Session);
    await expect(answer(service, first, RIGHT_CODE)).rejects.toMatchObject({
      type: 'NotAuthorizedException',
      message: 'Invalid session for the user.',
    });
  });

  it('fails the sign-in after three wrong codes', async () => {
    const { service } = setUp();
    await signUpUser(service, PHONE);
    let challenge = await startSignIn(service, PHONE);
    challenge = await answer(service, challenge, '000000');
    challenge = await answer(service, challenge, '111111');
    await expect(answer(service, challenge, '222222')).rejects.toMatchObject({
      type: 'NotAuthorizedException',
      message: 'Incorrect username or password.',
    });
  });

  it('expires a session after the client’s AuthSessionValidity', async () => {
    const { service, advance } = setUp({ config: { authSessionValidityMinutes: 3 } });
    await signUpUser(service, PHONE);
    const fresh = await startSignIn(service, PHONE);
    advance(2 * 60_000);
    await expect(answer(service, fresh, '000000')).resolves.toMatchObject({
      ChallengeName: 'CUSTOM_CHALLENGE',
    });

    const stale = await startSignIn(service, PHONE);
    advance(3 * 60_000 + 1);
    await expect(answer(service, stale, RIGHT_CODE)).rejects.toMatchObject({
      type: 'NotAuthorizedException',
      message: 'Invalid session for the user, session is expired.',
    });
  });

  it('walks an unknown phone number through the same challenge without revealing it, and never signs it in', async () => {
    const { service, eventsFor } = setUp();
    const first = await startSignIn(service, UNKNOWN_PHONE);
    expect(first).toEqual({
      ChallengeName: 'CUSTOM_CHALLENGE',
      Session: expect.any(String),
      ChallengeParameters: {
        USERNAME: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/),
        codeLength: '6',
      },
    });
    expect((await startSignIn(service, UNKNOWN_PHONE)).ChallengeParameters.USERNAME).toBe(
      first.ChallengeParameters.USERNAME,
    );
    expect(eventsFor(TRIGGER_FUNCTIONS.createAuthChallenge)[0]).toMatchObject({
      userName: UNKNOWN_PHONE,
      request: { userAttributes: {}, userNotFound: true },
    });

    const afterRightCode = await answer(service, first, RIGHT_CODE);
    expect(afterRightCode).toMatchObject({ ChallengeName: 'CUSTOM_CHALLENGE' });
    const third = await answer(service, afterRightCode, RIGHT_CODE);
    await expect(answer(service, third, RIGHT_CODE)).rejects.toMatchObject({
      type: 'NotAuthorizedException',
      message: 'Incorrect username or password.',
    });
  });

  it('says UserNotFoundException for an unknown number when PreventUserExistenceErrors is off', async () => {
    const { service } = setUp({ config: { preventUserExistenceErrors: false } });
    await expect(startSignIn(service, UNKNOWN_PHONE)).rejects.toMatchObject({
      type: 'UserNotFoundException',
      message: 'User does not exist.',
    });
  });

  it('refuses a disabled user before any trigger runs', async () => {
    const { service, eventsFor } = setUp();
    const sub = await signUpUser(service, PHONE);
    await call(service, 'AdminDisableUser', { UserPoolId: USER_POOL_ID, Username: sub });
    await expect(startSignIn(service, PHONE)).rejects.toMatchObject({
      type: 'NotAuthorizedException',
      message: 'User is disabled.',
    });
    expect(eventsFor(TRIGGER_FUNCTIONS.defineAuthChallenge)).toEqual([]);
  });

  it('reports a create trigger error as UserLambdaValidationException in Cognito’s words', async () => {
    const { service } = setUp({
      overrides: {
        [TRIGGER_FUNCTIONS.createAuthChallenge]: () => {
          throw new Error('OTP_LIMIT: 잠시 후 다시 시도해주세요');
        },
      },
    });
    await signUpUser(service, PHONE);
    await expect(startSignIn(service, PHONE)).rejects.toMatchObject({
      type: 'UserLambdaValidationException',
      message: 'CreateAuthChallenge failed with error OTP_LIMIT: 잠시 후 다시 시도해주세요.',
    });
  });

  it('refuses an answer for another username than the session’s', async () => {
    const { service } = setUp();
    await signUpUser(service, PHONE);
    const challenge = await startSignIn(service, PHONE);
    const other = { ...challenge, ChallengeParameters: { USERNAME: UNKNOWN_PHONE } };
    await expect(answer(service, other, RIGHT_CODE)).rejects.toMatchObject({
      type: 'NotAuthorizedException',
    });
  });

  it('accepts the phone number as USERNAME in the answer', async () => {
    const { service } = setUp();
    await signUpUser(service, PHONE);
    const challenge = await startSignIn(service, PHONE);
    const byPhone = { ...challenge, ChallengeParameters: { USERNAME: PHONE } };
    await expect(answer(service, byPhone, RIGHT_CODE)).resolves.toHaveProperty('AuthenticationResult');
  });
});

describe('InitiateAuth flows', () => {
  it('refuses a flow the app client does not enable, naming it', async () => {
    const { service } = setUp({
      config: { explicitAuthFlows: ['ALLOW_CUSTOM_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] },
    });
    const refused = await failure(service, 'InitiateAuth', {
      ClientId: CLIENT_ID,
      AuthFlow: 'USER_SRP_AUTH',
      AuthParameters: { USERNAME: PHONE, SRP_A: 'abc' },
    });
    expect(refused).toEqual({
      type: 'InvalidParameterException',
      message: 'USER_SRP_AUTH flow not enabled for this client',
    });
  });

  it('explains that an enabled SRP flow is not implemented locally', async () => {
    const { service } = setUp();
    const refused = await failure(service, 'InitiateAuth', {
      ClientId: CLIENT_ID,
      AuthFlow: 'USER_SRP_AUTH',
      AuthParameters: { USERNAME: PHONE, SRP_A: 'abc' },
    });
    expect(refused.message).toContain("authFlowType 'CUSTOM_WITHOUT_SRP'");
  });

  it('refuses an AuthFlow Cognito does not know', async () => {
    const { service } = setUp();
    const refused = await failure(service, 'InitiateAuth', {
      ClientId: CLIENT_ID,
      AuthFlow: 'MAGIC',
      AuthParameters: {},
    });
    expect(refused.type).toBe('InvalidParameterException');
    expect(refused.message).toContain("Value 'MAGIC' at 'authFlow' failed to satisfy constraint");
  });

  it('says which parameter is missing', async () => {
    const { service } = setUp();
    expect(await failure(service, 'InitiateAuth', { ClientId: CLIENT_ID, AuthFlow: 'CUSTOM_AUTH' })).toEqual({
      type: 'InvalidParameterException',
      message: 'Missing required parameter USERNAME',
    });
  });
});
