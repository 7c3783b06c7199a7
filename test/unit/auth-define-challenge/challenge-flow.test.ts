import { describe, expect, it } from 'vitest';
import { nextChallengeStep } from '../../../amplify/functions/auth-define-challenge/challenge-flow';

const wrong = { challengeName: 'CUSTOM_CHALLENGE', challengeResult: false, challengeMetadata: 'OTP:c1' };
const right = { challengeName: 'CUSTOM_CHALLENGE', challengeResult: true, challengeMetadata: 'OTP:c1' };

describe('the sign-in challenge flow', () => {
  it('starts with a custom challenge', () => {
    expect(nextChallengeStep([], false, 3)).toEqual({
      action: 'challenge',
      challengeName: 'CUSTOM_CHALLENGE',
    });
  });

  it('issues tokens after a correct answer', () => {
    expect(nextChallengeStep([wrong, right], false, 3)).toEqual({ action: 'issue-tokens' });
  });

  it('asks again after one or two wrong answers', () => {
    expect(nextChallengeStep([wrong], false, 3).action).toBe('challenge');
    expect(nextChallengeStep([wrong, wrong], false, 3).action).toBe('challenge');
  });

  it('fails the session after three wrong answers', () => {
    expect(nextChallengeStep([wrong, wrong, wrong], false, 3)).toEqual({ action: 'fail' });
  });

  it('fails a session that tried SRP or a password', () => {
    expect(nextChallengeStep([{ challengeName: 'SRP_A', challengeResult: true }], false, 3)).toEqual({
      action: 'fail',
    });
    expect(
      nextChallengeStep([{ challengeName: 'PASSWORD_VERIFIER', challengeResult: true }], false, 3).action,
    ).toBe('fail');
  });

  it('never issues tokens for an unknown number, but answers it the same way', () => {
    expect(nextChallengeStep([], true, 3).action).toBe('challenge');
    expect(nextChallengeStep([right], true, 3).action).toBe('challenge');
    expect(nextChallengeStep([wrong, wrong, wrong], true, 3).action).toBe('fail');
  });
});
