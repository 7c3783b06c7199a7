import { describe, expect, it } from 'vitest';
import {
  CONSENT_HISTORY_MAX,
  type ConsentChange,
  planConsents,
  validateConsentRequest,
  validateNickname,
  validateProfileChange,
  validateProfileImageKey,
  validateRegionCodes,
} from '../../../amplify/functions/device-register/profile-settings';
import type { Decision } from '../../../amplify/functions/shared/decision';
import { UserFacingError } from '../../../amplify/functions/shared/errors';

const ALICE = '5a1f3c2e-0000-4000-8000-00000000a11c';
const NOW = new Date('2026-03-14T03:00:00.000Z');
const EARLIER = '2026-01-02T00:00:00.000Z';

function accepted<T>(decision: Decision<T>): T {
  if (!decision.ok) throw decision.error;
  return decision.value;
}

function refusal(decision: Decision<unknown>): string {
  if (decision.ok) throw new Error('expected a refusal');
  expect(decision.error).toBeInstanceOf(UserFacingError);
  return decision.error.message;
}

describe('a nickname', () => {
  it('is trimmed, NFC and keeps one space between words', () => {
    expect(accepted(validateNickname('  대치동\u3000 불주먹  '))).toBe('대치동 불주먹');
    expect(accepted(validateNickname(`${'한'.normalize('NFD')}강`))).toBe('한강');
    expect(accepted(validateNickname('줄\n바꿈'))).toBe('줄 바꿈');
  });

  it('has 2 to 20 characters, counted as code points', () => {
    expect(accepted(validateNickname('민준'))).toBe('민준');
    expect(accepted(validateNickname('가'.repeat(20)))).toHaveLength(20);
    expect(accepted(validateNickname('🏠'.repeat(20)))).toHaveLength(40);
    expect(refusal(validateNickname('민'))).toMatch(/^NICKNAME_TOO_SHORT: 닉네임은 2–20자로.*\(.*has 1\.\)$/);
    expect(refusal(validateNickname('가'.repeat(21)))).toMatch(
      /^NICKNAME_TOO_LONG: .*현재 21자.*this one has 21/,
    );
    expect(refusal(validateNickname('가'.repeat(120_000)))).toMatch(/^NICKNAME_TOO_LONG: /);
  });

  it('is refused when it is blank or only invisible characters', () => {
    for (const nickname of ['', '   ', '\u3164\u3164\u3164', '\u200B\u200B', null, 42]) {
      expect(refusal(validateNickname(nickname))).toMatch(/^NICKNAME_REQUIRED: 닉네임을 입력해주세요\. \(/);
    }
  });

  it('is refused with control or invisible characters inside visible ones', () => {
    for (const nickname of ['민\u200B준', '관리자\u202E', '민준\u0007', '부\u3164톡', '\uE000사설']) {
      expect(refusal(validateNickname(nickname))).toMatch(/^NICKNAME_INVALID_CHARACTERS: .*\(.*invisible/);
    }
  });

  it('may carry an emoji with its variation selector', () => {
    expect(accepted(validateNickname('하트❤️'))).toBe('하트❤️');
  });
});

describe('region codes', () => {
  it('are 법정동 codes of 2, 5, 8 or 10 digits, duplicates dropped', () => {
    expect(accepted(validateRegionCodes(['11', '11680', '11680103', '1168010300', '11680']))).toEqual([
      '11',
      '11680',
      '11680103',
      '1168010300',
    ]);
  });

  it('are cleared by null or an empty list', () => {
    expect(accepted(validateRegionCodes(null))).toBeNull();
    expect(accepted(validateRegionCodes([]))).toBeNull();
  });

  it('are refused in any other form', () => {
    for (const codes of [['116'], ['강남구'], ['11680 '], [11680], '11680']) {
      expect(refusal(validateRegionCodes(codes))).toMatch(
        /^INVALID_REGION_CODES: .*법정동.*\(regionCodes must/,
      );
    }
  });

  it('are at most 20', () => {
    const codes = Array.from({ length: 21 }, (_, i) => String(11000 + i));
    expect(refusal(validateRegionCodes(codes))).toMatch(/^TOO_MANY_REGION_CODES: /);
    expect(accepted(validateRegionCodes(codes.slice(0, 20)))).toHaveLength(20);
  });
});

describe('a profile image key', () => {
  it("is an object under the caller's own profile folder", () => {
    expect(accepted(validateProfileImageKey(`profile/${ALICE}/avatar.jpg`, ALICE))).toBe(
      `profile/${ALICE}/avatar.jpg`,
    );
    expect(accepted(validateProfileImageKey(null, ALICE))).toBeNull();
  });

  it("is refused under someone else's folder, with traversal or too long", () => {
    for (const key of [
      'profile/bob-sub/avatar.jpg',
      `profile/${ALICE}/../bob/avatar.jpg`,
      `profile/${ALICE}/.hidden`,
      `profile/${ALICE}/${'a'.repeat(520)}`,
      `chat/${ALICE}/a.jpg`,
    ]) {
      expect(refusal(validateProfileImageKey(key, ALICE))).toMatch(/^INVALID_PROFILE_IMAGE_KEY: /);
    }
  });
});

describe('a profile change', () => {
  it('keeps what is omitted and clears what is null', () => {
    expect(accepted(validateProfileChange({ nickname: ' 민준 ', regionCodes: null }, ALICE))).toEqual({
      nickname: '민준',
      regionCodes: null,
    });
    expect(accepted(validateProfileChange({}, ALICE))).toEqual({});
  });

  it('refuses a null nickname: a profile always has one', () => {
    expect(refusal(validateProfileChange({ nickname: null }, ALICE))).toMatch(/^NICKNAME_REQUIRED: /);
  });
});

describe('a consent request', () => {
  it('needs both flags and the app version it comes from', () => {
    expect(
      accepted(validateConsentRequest({ marketing: true, nightPush: false, appVersion: '3.12.0' })),
    ).toEqual({
      marketing: true,
      nightPush: false,
      appVersion: '3.12.0',
    });
    expect(
      refusal(validateConsentRequest({ marketing: 'yes', nightPush: false, appVersion: '3.12.0' })),
    ).toMatch(/^INVALID_CONSENTS: /);
    for (const appVersion of [undefined, '', 'latest', '1'.repeat(40)]) {
      expect(refusal(validateConsentRequest({ marketing: true, nightPush: false, appVersion }))).toMatch(
        /^INVALID_APP_VERSION: /,
      );
    }
  });
});

describe('the consents after a request', () => {
  const request = { marketing: true, nightPush: false, appVersion: '3.12.0' };
  const before = { marketing: false, marketingAt: null, nightPush: false, nightPushAt: null };

  it('stamp the server time on the flag that changed and keep the other', () => {
    const plan = planConsents({ ...before, nightPushAt: EARLIER }, [], request, { userId: ALICE, now: NOW });
    expect(plan?.consents).toEqual({
      marketing: true,
      marketingAt: NOW.toISOString(),
      nightPush: false,
      nightPushAt: EARLIER,
    });
  });

  it('record who, what, when and from which app version', () => {
    const plan = planConsents(before, [], request, { userId: ALICE, now: NOW });
    expect(plan?.consentHistory).toEqual([
      { marketing: true, nightPush: false, at: NOW.toISOString(), by: ALICE, appVersion: '3.12.0' },
    ]);
  });

  it('change nothing when the request repeats what is stored, so a retry adds no history', () => {
    const stored = { marketing: true, marketingAt: EARLIER, nightPush: false, nightPushAt: null };
    expect(planConsents(stored, [], request, { userId: ALICE, now: NOW })).toBeUndefined();
  });

  it('count a flag never set as changed by either answer', () => {
    const plan = planConsents(null, null, { ...request, marketing: false }, { userId: ALICE, now: NOW });
    expect(plan?.consents).toEqual({
      marketing: false,
      marketingAt: NOW.toISOString(),
      nightPush: false,
      nightPushAt: NOW.toISOString(),
    });
  });

  it(`keep the latest ${CONSENT_HISTORY_MAX} changes, oldest first`, () => {
    const history: ConsentChange[] = Array.from({ length: CONSENT_HISTORY_MAX }, (_, i) => ({
      marketing: i % 2 === 0,
      nightPush: false,
      at: new Date(Date.parse(EARLIER) + i * 1000).toISOString(),
      by: ALICE,
      appVersion: '3.0.0',
    }));
    const plan = planConsents(before, history, request, { userId: ALICE, now: NOW });
    expect(plan?.consentHistory).toHaveLength(CONSENT_HISTORY_MAX);
    expect(plan?.consentHistory[0]).toEqual(history[1]);
    expect(plan?.consentHistory.at(-1)?.at).toBe(NOW.toISOString());
  });
});
