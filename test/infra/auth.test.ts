import { beforeAll, describe, expect, it } from 'vitest';
import { functionNamed, policyActionsOf, policyStatementsOf } from './function-policies';
import { type Synth, synth } from './synth';

let sandbox: Synth;

beforeAll(async () => {
  sandbox = await synth('sandbox');
});

const triggerFunction = (name: string) => functionNamed(sandbox, name);
const statementsOf = (name: string) => policyStatementsOf(sandbox, name);
const actionsOf = (name: string) => policyActionsOf(sandbox, name);

describe('the user pool', () => {
  const pool = () => Object.values(sandbox.template('auth').findResources('AWS::Cognito::UserPool'))[0]!;

  it('runs the five sign-in triggers', () => {
    const lambdaConfig = pool().Properties.LambdaConfig;
    expect(Object.keys(lambdaConfig).sort()).toEqual([
      'CreateAuthChallenge',
      'DefineAuthChallenge',
      'PostConfirmation',
      'PreSignUp',
      'VerifyAuthChallengeResponse',
    ]);
    for (const [trigger, name] of [
      ['PreSignUp', 'auth-pre-sign-up'],
      ['DefineAuthChallenge', 'auth-define-challenge'],
      ['CreateAuthChallenge', 'auth-create-challenge'],
      ['VerifyAuthChallengeResponse', 'auth-verify-challenge'],
      ['PostConfirmation', 'user-post-confirmation'],
    ] as const) {
      expect(lambdaConfig[trigger]['Fn::GetAtt'][0], trigger).toBe(triggerFunction(name).logicalId);
    }
  });

  it('signs in with the phone number as username', () => {
    expect(pool().Properties.UsernameAttributes).toEqual(['phone_number']);
  });

  it('has the USERS, BROKERS and ADMINS groups', () => {
    const groups = Object.values(sandbox.template('auth').findResources('AWS::Cognito::UserPoolGroup')).map(
      (group) => group.Properties.GroupName,
    );
    expect(groups.sort()).toEqual(['ADMINS', 'BROKERS', 'USERS']);
  });
});

describe('the app client', () => {
  const client = () =>
    Object.values(sandbox.template('auth').findResources('AWS::Cognito::UserPoolClient'))[0]!.Properties;

  it('allows only the custom (SMS code) flow and refresh', () => {
    expect(client().ExplicitAuthFlows).toEqual(['ALLOW_CUSTOM_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']);
  });

  it('hides whether a number has an account', () => {
    expect(client().PreventUserExistenceErrors).toBe('ENABLED');
  });

  it('keeps sign-in sessions for 3 minutes, tokens for an hour and refresh tokens for 90 days', () => {
    expect(client()).toMatchObject({
      AuthSessionValidity: 3,
      AccessTokenValidity: 1,
      IdTokenValidity: 1,
      RefreshTokenValidity: 90,
      TokenValidityUnits: { AccessToken: 'hours', IdToken: 'hours', RefreshToken: 'days' },
      EnableTokenRevocation: true,
    });
  });
});

describe('trigger permissions', () => {
  it('lets createAuthChallenge read and write OTP rows and send SMS, nothing more', () => {
    expect(actionsOf('auth-create-challenge')).toEqual([
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'sns:Publish',
    ]);
    const sms = statementsOf('auth-create-challenge').find(
      (statement) => statement.Action === 'sns:Publish',
    )!;
    // Publish to phone numbers only: every topic ARN is excluded.
    expect(sms.NotResource).toBe('arn:aws:sns:*:*:*');
    expect(sms.Resource).toBeUndefined();
  });

  it('lets verifyAuthChallengeResponse use OTP rows but never send SMS', () => {
    expect(actionsOf('auth-verify-challenge')).toEqual([
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
    ]);
  });

  it('lets defineAuthChallenge touch nothing', () => {
    expect(actionsOf('auth-define-challenge')).toEqual([]);
  });

  it('lets preSignUp read only the blocked-number parameter', () => {
    const statements = statementsOf('auth-pre-sign-up').filter((s) => s.Action === 'ssm:GetParameter');
    expect(actionsOf('auth-pre-sign-up')).toEqual(['ssm:GetParameter']);
    expect(JSON.stringify(statements[0]!.Resource)).toContain('auth/blocked-phone-numbers');
  });

  it('lets postConfirmation create profiles, add to a group and publish user events', () => {
    expect(actionsOf('user-post-confirmation')).toEqual(
      expect.arrayContaining([
        'cognito-idp:AdminAddUserToGroup',
        'dynamodb:PutItem',
        'sns:Publish',
        'ssm:GetParameter',
      ]),
    );
    const put = statementsOf('user-post-confirmation').find((s) => s.Action === 'dynamodb:PutItem')!;
    expect(JSON.stringify(put.Resource)).toContain('table/UserProfile-*');
    expect(actionsOf('user-post-confirmation')).not.toContain('dynamodb:DeleteItem');
  });

  it('gives the OTP triggers the OTP table and the post-confirmation trigger the user-events topic', () => {
    const env = (name: string) =>
      (triggerFunction(name).resource.Properties!.Environment as { Variables: Record<string, unknown> })
        .Variables;
    expect(env('auth-create-challenge').OTP_TABLE_NAME).toBeDefined();
    expect(env('auth-verify-challenge').OTP_TABLE_NAME).toBeDefined();
    expect(env('user-post-confirmation').USER_EVENTS_TOPIC_ARN).toBeDefined();
    expect(env('user-post-confirmation').USER_PROFILE_TABLE_PARAMETER).toBe(
      '/bootalk/sandbox/alice/data/tables/UserProfile',
    );
    expect(env('auth-create-challenge').OTP_MAX_SENDS_PER_HOUR).toBe('5');
  });
});
