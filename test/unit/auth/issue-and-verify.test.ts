import { describe, expect, it, vi } from 'vitest';
import {
  challengeIdFromSession,
  challengeMetadataFor,
  issueCode,
  OtpRefusedError,
} from '../../../amplify/functions/auth-create-challenge/issue-code';
import { verifyAnswer } from '../../../amplify/functions/auth-verify-challenge/verify-answer';
import { DEFAULT_OTP_LIMITS, phoneKey } from '../../../amplify/functions/shared/otp/otp-policy';
import { memoryOtpStore } from '../../support/memory-otp-store';

const pepper = 'test-pepper-0123456789';
const phone = '+821012345678';

function setup(start = Date.UTC(2026, 10, 26, 3)) {
  let clock = start;
  const now = () => clock;
  const store = memoryOtpStore(now);
  const sent: { to: string; text: string }[] = [];
  let ids = 0;
  let codes = 0;
  const deps = {
    store,
    pepper,
    limits: DEFAULT_OTP_LIMITS,
    now,
    sendSms: vi.fn(async (to: string, text: string) => {
      sent.push({ to, text });
    }),
    newChallengeId: () => `challenge-${++ids}`,
    generateCode: () => String(111111 * ((codes++ % 8) + 1)),
  };
  const codeIn = (text: string) => /\[(\d{6})\]/.exec(text)![1]!;
  return {
    deps,
    store,
    sent,
    codeIn,
    advance: (ms: number) => {
      clock += ms;
    },
  };
}

const newSession = { phone, userExists: true, session: [] as { challengeMetadata?: string }[] };

describe('issuing a sign-in code', () => {
  it('sends one SMS with the code and stores only its hash', async () => {
    const { deps, store, sent } = setup();
    const issued = await issueCode(newSession, deps);
    expect(issued).toEqual({ challengeId: 'challenge-1', reused: false, smsSent: true });
    expect(sent).toEqual([{ to: phone, text: '[부톡] 인증번호 [111111]을 입력해주세요.' }]);
    const stored = store.challenges.get('challenge-1')!;
    expect(JSON.stringify(stored)).not.toContain('111111');
    expect(JSON.stringify(stored)).not.toContain('1012345678');
  });

  it('reuses the live code for another round of the same Cognito session', async () => {
    const { deps, sent } = setup();
    const first = await issueCode(newSession, deps);
    const again = await issueCode(
      { ...newSession, session: [{ challengeMetadata: challengeMetadataFor(first.challengeId) }] },
      deps,
    );
    expect(again).toEqual({ challengeId: first.challengeId, reused: true, smsSent: false });
    expect(sent).toHaveLength(1);
  });

  it('sends no second SMS when Cognito retries the trigger', async () => {
    const { deps, sent, advance } = setup();
    const first = await issueCode(newSession, deps);
    advance(5_000);
    const retried = await issueCode(newSession, deps);
    expect(retried.challengeId).toBe(first.challengeId);
    expect(sent).toHaveLength(1);
  });

  it('sends a new code to another device signing in right after a sign-in used the last one', async () => {
    const { deps, sent, codeIn, advance } = setup();
    const first = await issueCode(newSession, deps);
    const answer = { challengeId: first.challengeId, answer: codeIn(sent[0]!.text), userNotFound: false };
    expect(await verifyAnswer(answer, deps)).toBe(true);
    advance(5_000);
    const second = await issueCode(newSession, deps);
    expect(second).toEqual({ challengeId: 'challenge-2', reused: false, smsSent: true });
    expect(sent).toHaveLength(2);
  });

  it('sends a new code to a new session after the retry window', async () => {
    const { deps, sent, advance } = setup();
    await issueCode(newSession, deps);
    advance(60_000);
    const second = await issueCode(newSession, deps);
    expect(second).toMatchObject({ challengeId: 'challenge-2', smsSent: true });
    expect(sent).toHaveLength(2);
  });

  it('refuses the sixth code in an hour with a clear message and no SMS', async () => {
    const { deps, sent, advance } = setup();
    for (let i = 0; i < 5; i++) {
      await issueCode(newSession, deps);
      advance(60_000);
    }
    const sixth = issueCode(newSession, deps);
    await expect(sixth).rejects.toBeInstanceOf(OtpRefusedError);
    await expect(sixth).rejects.toThrow(/OTP_LIMIT: 인증번호 요청이 너무 많습니다/);
    expect(sent).toHaveLength(5);
  });

  it('answers an unknown number the same way without sending an SMS', async () => {
    const { deps, sent } = setup();
    const issued = await issueCode({ ...newSession, userExists: false }, deps);
    expect(issued).toEqual({ challengeId: 'challenge-1', reused: false, smsSent: false });
    expect(sent).toHaveLength(0);
  });

  it('counts codes for unknown numbers against the same limits', async () => {
    const { deps, advance } = setup();
    for (let i = 0; i < 5; i++) {
      await issueCode({ ...newSession, userExists: false }, deps);
      advance(60_000);
    }
    await expect(issueCode({ ...newSession, userExists: false }, deps)).rejects.toBeInstanceOf(
      OtpRefusedError,
    );
  });

  it('lets the next attempt send again when the SMS could not be sent', async () => {
    const { deps, sent } = setup();
    deps.sendSms.mockRejectedValueOnce(new Error('SNS throttled'));
    await expect(issueCode(newSession, deps)).rejects.toThrow('SNS throttled');
    const retried = await issueCode(newSession, deps);
    expect(retried.smsSent).toBe(true);
    expect(sent).toHaveLength(1);
  });

  it('finds the challenge id in the session metadata', () => {
    expect(challengeIdFromSession([])).toBeUndefined();
    expect(challengeIdFromSession([{ challengeMetadata: 'OTP:abc' }, { challengeMetadata: undefined }])).toBe(
      'abc',
    );
  });
});

describe('verifying a sign-in code', () => {
  async function issued() {
    const context = setup();
    const challenge = await issueCode(newSession, context.deps);
    const code = context.codeIn(context.sent[0]!.text);
    return { ...context, challengeId: challenge.challengeId, code };
  }

  it('accepts the right code once', async () => {
    const { deps, challengeId, code } = await issued();
    expect(await verifyAnswer({ challengeId, answer: code, userNotFound: false }, deps)).toBe(true);
    expect(await verifyAnswer({ challengeId, answer: code, userNotFound: false }, deps)).toBe(false);
  });

  it('refuses a wrong code and counts it against the number', async () => {
    const { deps, store, challengeId } = await issued();
    expect(await verifyAnswer({ challengeId, answer: '000000', userNotFound: false }, deps)).toBe(false);
    expect(store.phones.get(phoneKey(pepper, phone))!.state.failedAt).toHaveLength(1);
  });

  it('refuses an expired code', async () => {
    const { deps, challengeId, code, advance } = await issued();
    advance(DEFAULT_OTP_LIMITS.codeTtlMs + 1);
    expect(await verifyAnswer({ challengeId, answer: code, userNotFound: false }, deps)).toBe(false);
  });

  it('refuses the right code during the cooldown that five wrong answers across sessions start', async () => {
    const { deps, challengeId, code, advance } = await issued();
    for (let i = 0; i < 5; i++) {
      await verifyAnswer({ challengeId, answer: '000000', userNotFound: false }, deps);
      advance(1_000);
    }
    expect(await verifyAnswer({ challengeId, answer: code, userNotFound: false }, deps)).toBe(false);
    await expect(issueCode(newSession, deps)).rejects.toThrow(
      'OTP_LOCKED: 인증 실패가 너무 많아 1분 후에 새 인증번호를 받을 수 있습니다. (Too many wrong codes: request a new code in 1 minute(s).)',
    );
  });

  it('never accepts a code issued before a cooldown, even after it ends', async () => {
    const { deps, store, challengeId, code, advance } = await issued();
    for (let i = 0; i < 5; i++)
      await verifyAnswer({ challengeId, answer: '000000', userNotFound: false }, deps);
    advance(60_000);
    expect(await verifyAnswer({ challengeId, answer: code, userNotFound: false }, deps)).toBe(false);
    // A dead code's answers are not counted: they cannot start the next cooldown.
    expect(store.phones.get(phoneKey(pepper, phone))!.state.failedAt).toHaveLength(5);
  });

  it('lets the owner in with a fresh code after the cooldown and forgets the wrong answers', async () => {
    const { deps, store, sent, codeIn, challengeId, advance } = await issued();
    for (let i = 0; i < 5; i++)
      await verifyAnswer({ challengeId, answer: '000000', userNotFound: false }, deps);
    advance(60_000);
    const fresh = await issueCode(newSession, deps);
    expect(fresh.smsSent).toBe(true);
    const answer = { challengeId: fresh.challengeId, answer: codeIn(sent[1]!.text), userNotFound: false };
    expect(await verifyAnswer(answer, deps)).toBe(true);
    expect(store.phones.get(phoneKey(pepper, phone))!.state).toMatchObject({ failedAt: [] });
  });

  it('counts wrong answers for an unknown number and cools it down the same way', async () => {
    const context = setup();
    const unknown = { ...newSession, userExists: false };
    const challenge = await issueCode(unknown, context.deps);
    for (let i = 0; i < 5; i++) {
      const answer = { challengeId: challenge.challengeId, answer: '000000', userNotFound: true };
      expect(await verifyAnswer(answer, context.deps)).toBe(false);
    }
    await expect(issueCode(unknown, context.deps)).rejects.toThrow(/^OTP_LOCKED: /);
  });

  it('never accepts an answer for an unknown number', async () => {
    const context = setup();
    const challenge = await issueCode({ ...newSession, userExists: false }, context.deps);
    const stored = context.store.challenges.get(challenge.challengeId)!;
    expect(stored.userExists).toBe(false);
    expect(
      await verifyAnswer(
        { challengeId: challenge.challengeId, answer: '111111', userNotFound: false },
        context.deps,
      ),
    ).toBe(false);
    expect(
      await verifyAnswer(
        { challengeId: challenge.challengeId, answer: '111111', userNotFound: true },
        context.deps,
      ),
    ).toBe(false);
  });

  it('refuses an answer without a challenge id', async () => {
    const { deps, code } = await issued();
    expect(await verifyAnswer({ challengeId: undefined, answer: code, userNotFound: false }, deps)).toBe(
      false,
    );
  });
});
