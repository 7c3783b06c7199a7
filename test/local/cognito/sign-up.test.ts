import { describe, expect, it } from 'vitest';
import { createCognitoService } from '../../../local/cognito/server';
import { call, failure, signUpUser, startSignIn, TEST_IAM } from './calls';
import {
  CLIENT_ID,
  fakeTriggerInvoker,
  TEST_SIGNING_KEY_PEM,
  TRIGGER_FUNCTIONS,
  testConfig,
  USER_POOL_ID,
} from './fake-triggers';

const PHONE = '+821012345678';

function setUp(overrides?: Parameters<typeof fakeTriggerInvoker>[0]) {
  const triggers = fakeTriggerInvoker(overrides);
  const service = createCognitoService({
    ...TEST_IAM,
    config: testConfig(),
    invoker: triggers.invoker,
    signingKeyPem: TEST_SIGNING_KEY_PEM,
  });
  return { service, ...triggers };
}

describe('SignUp', () => {
  it('creates a confirmed user whose username is a UUID equal to its sub, with the phone as an attribute', async () => {
    const { service } = setUp();
    const result = await call(service, 'SignUp', { ClientId: CLIENT_ID, Username: PHONE, Password: 'x' });
    expect(result).toEqual({ UserConfirmed: true, UserSub: expect.stringMatching(/^[0-9a-f-]{36}$/) });

    const user = await call(service, 'AdminGetUser', { UserPoolId: USER_POOL_ID, Username: result.UserSub });
    expect(user).toMatchObject({ Username: result.UserSub, UserStatus: 'CONFIRMED', Enabled: true });
    expect(user.UserAttributes).toEqual(
      expect.arrayContaining([
        { Name: 'sub', Value: result.UserSub },
        { Name: 'phone_number', Value: PHONE },
        { Name: 'phone_number_verified', Value: 'true' },
      ]),
    );
  });

  it('sends the preSignUp trigger a PreSignUp_SignUp event in Cognito’s shape', async () => {
    const { service, eventsFor } = setUp();
    const sub = await call(service, 'SignUp', {
      ClientId: CLIENT_ID,
      Username: PHONE,
      Password: 'x',
      ValidationData: [{ Name: 'source', Value: 'app' }],
      ClientMetadata: { campaign: 'spring' },
    }).then((result) => result.UserSub);

    expect(eventsFor(TRIGGER_FUNCTIONS.preSignUp)).toEqual([
      {
        version: '1',
        region: 'ap-northeast-2',
        userPoolId: USER_POOL_ID,
        userName: sub,
        callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: CLIENT_ID },
        triggerSource: 'PreSignUp_SignUp',
        request: {
          userAttributes: { phone_number: PHONE },
          validationData: { source: 'app' },
          clientMetadata: { campaign: 'spring' },
        },
        response: { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false },
      },
    ]);
  });

  it('runs postConfirmation with PostConfirmation_ConfirmSignUp once the user exists', async () => {
    let seenByTrigger: unknown;
    const { service, eventsFor } = setUp({
      [TRIGGER_FUNCTIONS.postConfirmation]: async (event) => {
        seenByTrigger = await call(service, 'AdminGetUser', {
          UserPoolId: USER_POOL_ID,
          Username: event.userName,
        });
        return event;
      },
    });
    const sub = await signUpUser(service, PHONE);

    expect(eventsFor(TRIGGER_FUNCTIONS.postConfirmation)).toEqual([
      expect.objectContaining({
        userName: sub,
        triggerSource: 'PostConfirmation_ConfirmSignUp',
        request: {
          userAttributes: {
            sub,
            phone_number: PHONE,
            phone_number_verified: 'true',
            'cognito:user_status': 'CONFIRMED',
          },
        },
        response: {},
      }),
    ]);
    expect(seenByTrigger).toMatchObject({ Username: sub });
  });

  it('refuses a phone number that already has an account', async () => {
    const { service } = setUp();
    await signUpUser(service, PHONE);
    expect(await failure(service, 'SignUp', { ClientId: CLIENT_ID, Username: PHONE, Password: 'y' })).toEqual(
      {
        type: 'UsernameExistsException',
        message: 'An account with the given phone_number already exists.',
      },
    );
  });

  it('refuses a username that is not an E.164 phone number', async () => {
    const { service } = setUp();
    expect(
      await failure(service, 'SignUp', { ClientId: CLIENT_ID, Username: '010-1234-5678', Password: 'y' }),
    ).toEqual({
      type: 'InvalidParameterException',
      message: 'Invalid phone number format.',
    });
  });

  it('reports a preSignUp error in Cognito’s words and creates no user', async () => {
    const { service } = setUp({
      [TRIGGER_FUNCTIONS.preSignUp]: () => {
        throw new Error('BLOCKED_PHONE: 가입할 수 없는 번호입니다');
      },
    });
    expect(await failure(service, 'SignUp', { ClientId: CLIENT_ID, Username: PHONE, Password: 'y' })).toEqual(
      {
        type: 'UserLambdaValidationException',
        message: 'PreSignUp failed with error BLOCKED_PHONE: 가입할 수 없는 번호입니다.',
      },
    );
    expect(service.users.list()).toEqual([]);
  });

  it('leaves the user unconfirmed when the trigger does not confirm it, and then refuses its sign-in', async () => {
    const { service, eventsFor } = setUp({ [TRIGGER_FUNCTIONS.preSignUp]: (event) => event });
    const result = await call(service, 'SignUp', { ClientId: CLIENT_ID, Username: PHONE, Password: 'x' });
    expect(result).toMatchObject({
      UserConfirmed: false,
      CodeDeliveryDetails: {
        DeliveryMedium: 'SMS',
        AttributeName: 'phone_number',
        Destination: '+82 10-****-5678',
      },
    });
    expect(eventsFor(TRIGGER_FUNCTIONS.postConfirmation)).toEqual([]);
    await expect(startSignIn(service, PHONE)).rejects.toMatchObject({
      type: 'UserNotConfirmedException',
      message: 'User is not confirmed.',
    });
  });

  it('refuses an unknown app client', async () => {
    const { service } = setUp();
    expect(await failure(service, 'SignUp', { ClientId: 'other', Username: PHONE, Password: 'y' })).toEqual({
      type: 'ResourceNotFoundException',
      message: 'User pool client other does not exist.',
    });
  });

  it('shows users to the inbox with the phone number masked', async () => {
    const { service } = setUp();
    const sub = await signUpUser(service, PHONE);
    expect(service.users.list()).toEqual([
      expect.objectContaining({
        sub,
        username: sub,
        phone: '+82 10-****-5678',
        status: 'CONFIRMED',
        groups: [],
      }),
    ]);
  });
});
