import {
  AdminAddUserToGroupCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hashOtpCode } from '../../../amplify/functions/shared/otp/otp-policy';
import {
  createEvent,
  defineEvent,
  postConfirmationEvent,
  preSignUpEvent,
  SUB,
  verifyEvent,
} from '../../fixtures/cognito/events';
import { conditionFailed } from '../../support/dynamo-errors';

const PEPPER = 'unit-test-pepper-0123456789';
Object.assign(process.env, {
  STAGE: 'sandbox',
  SSM_PREFIX: '/bootalk/sandbox/unit/',
  LOG_LEVEL: 'ERROR',
  POWERTOOLS_LOG_LEVEL: 'ERROR',
  OTP_PEPPER: PEPPER,
  OTP_TABLE_NAME: 'otp-challenges',
  USER_EVENTS_TOPIC_ARN: 'arn:aws:sns:ap-northeast-2:123456789012:sandbox-unit-user-events',
  USER_PROFILE_TABLE_PARAMETER: '/bootalk/sandbox/unit/data/tables/UserProfile',
  AWS_REGION: 'ap-northeast-2',
});
delete process.env.SENTRY_DSN;

const dynamo = mockClient(DynamoDBDocumentClient);
const sns = mockClient(SNSClient);
const ssm = mockClient(SSMClient);
const cognito = mockClient(CognitoIdentityProviderClient);
const context = { getRemainingTimeInMillis: () => 5000, functionName: 'test' } as unknown as Context;
const noop = () => undefined;

// biome-ignore lint/suspicious/noExplicitAny: handlers are loaded after the environment is set
let handlers: Record<string, (event: any, context: Context, callback: any) => any>;
beforeAll(async () => {
  handlers = {
    preSignUp: (await import('../../../amplify/functions/auth-pre-sign-up/handler')).handler,
    define: (await import('../../../amplify/functions/auth-define-challenge/handler')).handler,
    create: (await import('../../../amplify/functions/auth-create-challenge/handler')).handler,
    verify: (await import('../../../amplify/functions/auth-verify-challenge/handler')).handler,
    postConfirmation: (await import('../../../amplify/functions/user-post-confirmation/handler')).handler,
  };
});

beforeEach(() => {
  dynamo.reset();
  sns.reset();
  ssm.reset();
  cognito.reset();
  dynamo.on(GetCommand).resolves({});
  dynamo.on(PutCommand).resolves({});
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
});

describe('preSignUp', () => {
  it('auto-confirms a Korean mobile number and marks the phone verified', async () => {
    ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ message: 'none', $metadata: {} }));
    const result = await handlers.preSignUp!(preSignUpEvent('+821012345678'), context, noop);
    expect(result.response).toMatchObject({ autoConfirmUser: true, autoVerifyPhone: true });
  });

  it.each([
    ['a Seoul landline', '+82212345678', /휴대폰|mobile/i],
    ['a US number', '+14155550100', /한국|Korean/i],
    ['garbage', 'hello', /INVALID_PHONE/],
    ['an empty value', '', /INVALID_PHONE/],
  ])('refuses %s with a message in Korean and English', async (_name, phone, message) => {
    ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ message: 'none', $metadata: {} }));
    const refusal = handlers.preSignUp!(preSignUpEvent(phone), context, noop);
    await expect(refusal).rejects.toThrow(message);
    await expect(refusal).rejects.toThrow(/INVALID_PHONE: .*[가-힣].*\(.*[A-Za-z].*\)/);
  });

  it('refuses a mobile number not sent in E.164 and names the form to use', async () => {
    ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ message: 'none', $metadata: {} }));
    await expect(handlers.preSignUp!(preSignUpEvent('+8201012345678'), context, noop)).rejects.toThrow(
      '+821012345678',
    );
  });

  it('refuses a number on the blocked list', async () => {
    process.env.SSM_PREFIX = '/bootalk/sandbox/blocked/';
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: '010-5555-6666,+821012345678' } });
    try {
      await expect(handlers.preSignUp!(preSignUpEvent('+821012345678'), context, noop)).rejects.toThrow(
        /BLOCKED_PHONE/,
      );
      expect(ssm.commandCalls(GetParameterCommand)[0]!.args[0].input.Name).toBe(
        '/bootalk/sandbox/blocked/auth/blocked-phone-numbers',
      );
    } finally {
      process.env.SSM_PREFIX = '/bootalk/sandbox/unit/';
    }
  });
});

describe('defineAuthChallenge', () => {
  const wrong = { challengeName: 'CUSTOM_CHALLENGE' as const, challengeResult: false };
  it('asks for the code first', async () => {
    const result = await handlers.define!(defineEvent([]), context, noop);
    expect(result.response).toEqual({
      challengeName: 'CUSTOM_CHALLENGE',
      issueTokens: false,
      failAuthentication: false,
    });
  });

  it('issues tokens after the right code', async () => {
    const result = await handlers.define!(defineEvent([{ ...wrong, challengeResult: true }]), context, noop);
    expect(result.response).toMatchObject({ issueTokens: true, failAuthentication: false });
  });

  it('ends the session after three wrong codes', async () => {
    const result = await handlers.define!(defineEvent([wrong, wrong, wrong]), context, noop);
    expect(result.response).toMatchObject({ issueTokens: false, failAuthentication: true });
  });
});

describe('createAuthChallenge', () => {
  /** Answers reads of the number's LIVE or LIMITS row with the given item. */
  function phoneRow(sk: 'LIVE' | 'LIMITS', item: Record<string, unknown>) {
    dynamo
      .on(GetCommand)
      .callsFake((input) =>
        String(input.Key.pk).startsWith('PHONE#') && input.Key.sk === sk ? { Item: item } : {},
      );
  }

  function smsCode(): string {
    const message = sns.commandCalls(PublishCommand)[0]!.args[0].input.Message!;
    return /\[(\d{6})\]/.exec(message)![1]!;
  }

  it('sends the code by transactional SMS and keeps only its hash', async () => {
    const result = await handlers.create!(createEvent([]), context, noop);
    const publish = sns.commandCalls(PublishCommand);
    expect(publish).toHaveLength(1);
    expect(publish[0]!.args[0].input).toMatchObject({ PhoneNumber: '+821012345678' });
    expect(publish[0]!.args[0].input.Message).toMatch(/^\[부톡\] 인증번호 \[\d{6}\]을 입력해주세요\.$/);
    const challengeId = result.response.privateChallengeParameters.challengeId;
    expect(result.response.challengeMetadata).toBe(`OTP:${challengeId}`);
    expect(result.response.publicChallengeParameters).toEqual({
      phone: '+82 10-****-5678',
      codeLength: '6',
      expiresInSeconds: '180',
    });
    const stored = dynamo
      .commandCalls(PutCommand)
      .find((call) => call.args[0].input.Item?.sk === 'CHALLENGE')!;
    expect(stored.args[0].input.Item!.codeHash).toBe(hashOtpCode(PEPPER, challengeId, smsCode()));
    expect(JSON.stringify(dynamo.commandCalls(PutCommand).map((c) => c.args[0].input))).not.toContain(
      smsCode(),
    );
    expect(JSON.stringify(dynamo.commandCalls(PutCommand).map((c) => c.args[0].input))).not.toContain(
      '1012345678',
    );
  });

  it('answers an unknown number with the same shape and sends no SMS', async () => {
    const known = await handlers.create!(createEvent([]), context, noop);
    sns.reset();
    const unknown = await handlers.create!(createEvent([], { userNotFound: true }), context, noop);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
    expect(Object.keys(unknown.response.publicChallengeParameters)).toEqual(
      Object.keys(known.response.publicChallengeParameters),
    );
    expect(unknown.response.challengeMetadata).toMatch(/^OTP:/);
  });

  it('reuses the live code on a retried trigger without a second SMS', async () => {
    phoneRow('LIVE', { challengeId: 'live-1', issuedAtMs: Date.now() - 3_000 });
    const result = await handlers.create!(createEvent([]), context, noop);
    expect(result.response.privateChallengeParameters).toEqual({ challengeId: 'live-1' });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });

  it('reuses the code of the same session after a wrong answer', async () => {
    const session = [
      { challengeName: 'CUSTOM_CHALLENGE' as const, challengeResult: false, challengeMetadata: 'OTP:s-1' },
    ];
    const result = await handlers.create!(createEvent(session), context, noop);
    expect(result.response.privateChallengeParameters).toEqual({ challengeId: 's-1' });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
    expect(dynamo.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('refuses the sixth code in an hour with no SMS', async () => {
    const now = Date.now();
    phoneRow('LIMITS', { sentAt: [1, 2, 3, 4, 5].map((i) => now - i * 60_000), failedAt: [], version: 5 });
    await expect(handlers.create!(createEvent([]), context, noop)).rejects.toThrow(/OTP_LIMIT/);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });

  it('refuses a locked number with no SMS', async () => {
    phoneRow('LIMITS', { sentAt: [], failedAt: [], lockedUntil: Date.now() + 3_600_000, version: 9 });
    await expect(handlers.create!(createEvent([]), context, noop)).rejects.toThrow(/OTP_LOCKED/);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });

  it('refuses a malformed number typed for an unknown user', async () => {
    await expect(
      handlers.create!(createEvent([], { userNotFound: true, userName: '02-123-4567' }), context, noop),
    ).rejects.toThrow(/INVALID_PHONE/);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });
});

describe('verifyAuthChallengeResponse', () => {
  const challengeId = 'c-verify';
  function liveChallenge(expiresAtMs = Date.now() + 60_000) {
    dynamo.on(GetCommand, { Key: { pk: `CHALLENGE#${challengeId}`, sk: 'CHALLENGE' } }).resolves({
      Item: {
        codeHash: hashOtpCode(PEPPER, challengeId, '123456'),
        phoneKey: 'pk',
        userExists: true,
        expiresAtMs,
      },
    });
  }

  it('accepts the right code and consumes it', async () => {
    liveChallenge();
    dynamo.on(DeleteCommand).resolves({});
    const result = await handlers.verify!(verifyEvent(challengeId, '123456'), context, noop);
    expect(result.response.answerCorrect).toBe(true);
    expect(dynamo.commandCalls(DeleteCommand)).toHaveLength(2); // the challenge, and the number's live pointer to it
  });

  it('refuses a code that was already used', async () => {
    liveChallenge();
    dynamo.on(DeleteCommand).rejects(conditionFailed());
    const result = await handlers.verify!(verifyEvent(challengeId, '123456'), context, noop);
    expect(result.response.answerCorrect).toBe(false);
  });

  it('refuses a wrong code and counts it for the number', async () => {
    liveChallenge();
    const result = await handlers.verify!(verifyEvent(challengeId, '654321'), context, noop);
    expect(result.response.answerCorrect).toBe(false);
    const limits = dynamo.commandCalls(PutCommand).find((call) => call.args[0].input.Item?.sk === 'LIMITS');
    expect(limits!.args[0].input.Item!.failedAt).toHaveLength(1);
  });

  it('refuses an expired code', async () => {
    liveChallenge(Date.now() - 1);
    dynamo.on(DeleteCommand).resolves({});
    const result = await handlers.verify!(verifyEvent(challengeId, '123456'), context, noop);
    expect(result.response.answerCorrect).toBe(false);
    expect(dynamo.commandCalls(DeleteCommand)).toHaveLength(0);
  });

  it('refuses any answer for an unknown number', async () => {
    liveChallenge();
    const result = await handlers.verify!(verifyEvent(challengeId, '123456', true), context, noop);
    expect(result.response.answerCorrect).toBe(false);
  });

  it('counts a wrong code for an unknown number as for a known one', async () => {
    liveChallenge();
    await handlers.verify!(verifyEvent(challengeId, '654321', true), context, noop);
    const limits = dynamo.commandCalls(PutCommand).find((call) => call.args[0].input.Item?.sk === 'LIMITS');
    expect(limits!.args[0].input.Item!.failedAt).toHaveLength(1);
  });
});

describe('postConfirmation', () => {
  beforeEach(() => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: 'UserProfile-abc123-NONE' } });
    cognito.on(AdminAddUserToGroupCommand).resolves({});
  });

  it('creates the profile, adds the USERS group and publishes user.created', async () => {
    await handlers.postConfirmation!(postConfirmationEvent(), context, noop);
    const put = dynamo.commandCalls(PutCommand)[0]!.args[0].input;
    expect(put.TableName).toBe('UserProfile-abc123-NONE');
    expect(put.ConditionExpression).toBe('attribute_not_exists(id)');
    expect(put.Item).toMatchObject({
      __typename: 'UserProfile',
      id: SUB,
      role: 'USER',
      phone: '+821012345678',
    });
    expect(cognito.commandCalls(AdminAddUserToGroupCommand)[0]!.args[0].input).toEqual({
      UserPoolId: 'ap-northeast-2_AbCdEfGhI',
      Username: SUB,
      GroupName: 'USERS',
    });
    const published = sns.commandCalls(PublishCommand)[0]!.args[0].input;
    expect(published.TopicArn).toBe(process.env.USER_EVENTS_TOPIC_ARN);
    expect(JSON.parse(published.Message!)).toMatchObject({
      type: 'user.created',
      id: `user.created:${SUB}`,
      version: 1,
      payload: { userId: SUB },
    });
    expect(published.Message).not.toContain('1012345678');
  });

  it('creates nothing twice when Cognito retries it', async () => {
    dynamo.on(PutCommand).rejects(conditionFailed());
    await expect(handlers.postConfirmation!(postConfirmationEvent(), context, noop)).resolves.toBeDefined();
    const ids = sns.commandCalls(PublishCommand).map((call) => JSON.parse(call.args[0].input.Message!).id);
    expect(ids).toEqual([`user.created:${SUB}`]);
  });

  it('does nothing after a forgotten-password confirmation', async () => {
    await handlers.postConfirmation!(
      postConfirmationEvent('PostConfirmation_ConfirmForgotPassword'),
      context,
      noop,
    );
    expect(dynamo.commandCalls(PutCommand)).toHaveLength(0);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });
});
