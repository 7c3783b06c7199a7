import { describe, expect, it } from 'vitest';
import {
  createChallenge,
  issueCodeInput,
} from '../../../amplify/functions/auth-create-challenge/create-challenge';
import type { IssueCodeDeps } from '../../../amplify/functions/auth-create-challenge/issue-code';
import { DEFAULT_OTP_LIMITS } from '../../../amplify/functions/shared/otp/otp-policy';
import { createEvent } from '../../fixtures/cognito/events';
import { memoryOtpStore } from '../../support/memory-otp-store';

function setup(limits = DEFAULT_OTP_LIMITS) {
  const now = () => Date.UTC(2026, 10, 26, 3);
  const store = memoryOtpStore(now);
  const sent: { to: string; text: string }[] = [];
  let ids = 0;
  const deps: IssueCodeDeps = {
    store,
    sendSms: async (to, text) => {
      sent.push({ to, text });
    },
    pepper: 'test-pepper-0123456789',
    limits,
    now,
    newChallengeId: () => `challenge-${++ids}`,
    generateCode: () => '246810',
  };
  return { deps, store, sent };
}

describe("the create-challenge trigger's inputs", () => {
  it("takes a member's number from their attributes, with the session Cognito sent", () => {
    const session = [
      { challengeName: 'CUSTOM_CHALLENGE' as const, challengeResult: false, challengeMetadata: 'OTP:s-1' },
    ];
    expect(issueCodeInput(createEvent(session))).toEqual({
      phone: '+821012345678',
      userExists: true,
      session,
    });
  });

  it('takes an unknown number from the name typed at sign-in, in E.164', () => {
    const event = createEvent([], { userNotFound: true, userName: '010-9999-8888' });
    expect(issueCodeInput(event)).toEqual({ phone: '+821099998888', userExists: false, session: [] });
  });

  it('refuses a number that is not a Korean mobile, in Korean and English', () => {
    const event = createEvent([], { userNotFound: true, userName: '02-123-4567' });
    expect(() => issueCodeInput(event)).toThrow(/^INVALID_PHONE: .*[가-힣].*\(.*[A-Za-z].*\)$/);
  });
});

describe('creating a sign-in challenge', () => {
  it('texts the code and answers Cognito with the masked number, the code shape and the challenge', async () => {
    const { deps, sent } = setup();
    const { issued, response } = await createChallenge(createEvent([]), deps);
    expect(issued).toEqual({ challengeId: 'challenge-1', reused: false, smsSent: true });
    expect(sent).toEqual([{ to: '+821012345678', text: '[부톡] 인증번호 [246810]을 입력해주세요.' }]);
    expect(response).toEqual({
      publicChallengeParameters: { phone: '+82 10-****-5678', codeLength: '6', expiresInSeconds: '180' },
      privateChallengeParameters: { challengeId: 'challenge-1' },
      challengeMetadata: 'OTP:challenge-1',
    });
  });

  it('tells the app how long the code lives under the limits it was issued with', async () => {
    const { deps } = setup({ ...DEFAULT_OTP_LIMITS, codeTtlMs: 300_000 });
    const { response } = await createChallenge(createEvent([]), deps);
    expect(response.publicChallengeParameters.expiresInSeconds).toBe('300');
  });

  it('answers an unknown number in the same shape and texts nothing', async () => {
    const { deps, sent } = setup();
    const { response } = await createChallenge(createEvent([], { userNotFound: true }), deps);
    expect(sent).toEqual([]);
    expect(response).toEqual({
      publicChallengeParameters: { phone: '+82 10-****-8888', codeLength: '6', expiresInSeconds: '180' },
      privateChallengeParameters: { challengeId: 'challenge-1' },
      challengeMetadata: 'OTP:challenge-1',
    });
  });

  it("answers another round of the same session with that session's challenge and no SMS", async () => {
    const { deps, sent } = setup();
    const session = [
      { challengeName: 'CUSTOM_CHALLENGE' as const, challengeResult: false, challengeMetadata: 'OTP:s-1' },
    ];
    const { response } = await createChallenge(createEvent(session), deps);
    expect(response.privateChallengeParameters).toEqual({ challengeId: 's-1' });
    expect(response.challengeMetadata).toBe('OTP:s-1');
    expect(sent).toEqual([]);
  });

  it('issues nothing for a malformed number', async () => {
    const { deps, store, sent } = setup();
    const event = createEvent([], { userNotFound: true, userName: '02-123-4567' });
    await expect(createChallenge(event, deps)).rejects.toThrow(/INVALID_PHONE/);
    expect(store.challenges.size).toBe(0);
    expect(sent).toEqual([]);
  });

  it('fails when the SMS cannot be sent, so the app can ask again', async () => {
    const { deps } = setup();
    const failure = new Error('SMS provider unavailable');
    await expect(
      createChallenge(createEvent([]), {
        ...deps,
        sendSms: async () => {
          throw failure;
        },
      }),
    ).rejects.toBe(failure);
  });
});
