import type { Schema } from '../../data/resource';
import { accept, type Decision, refuse } from '../shared/decision';
import { codePointLength, hasHiddenCharacters, isBlank, STORAGE_KEY_SEGMENT } from '../shared/user-text';
import { validAppVersion } from './device-registration';

/**
 * updateProfile's and updateConsents' decisions: what a nickname, a profile image key and region
 * codes may be, and the consents and history row after a change. Issue 18: profiles and
 * consents were written by the client as is (a 120 KB nickname, consent times the app chose).
 */

/** Code points, after trimming: the length Korean apps commonly allow for a 닉네임. */
export const NICKNAME_MIN = 2;
export const NICKNAME_MAX = 20;
export const REGION_CODES_MAX = 20;
export const PROFILE_IMAGE_KEY_MAX_LENGTH = 512;
/** consentHistory keeps the latest changes; older ones drop off (docs/notifications.md). */
export const CONSENT_HISTORY_MAX = 100;

// 법정동 codes: 시도 (2), 시군구 (5), 읍면동 (8) or 리 (10) digits, as notice segments use them.
const REGION_CODE = /^(?:\d{2}|\d{5}|\d{8}|\d{10})$/;

export type Consents = Schema['Consents']['type'];
export type ConsentChange = Schema['ConsentChange']['type'];

export interface UpdateProfileArguments {
  nickname?: unknown;
  profileImageKey?: unknown;
  regionCodes?: unknown;
}

export interface UpdateConsentsArguments {
  marketing?: unknown;
  nightPush?: unknown;
  appVersion?: unknown;
}

/** The fields to write: absent means keep, null means clear. */
export interface ProfileChange {
  nickname?: string;
  profileImageKey?: string | null;
  regionCodes?: string[] | null;
}

/**
 * A nickname: NFC, trimmed, inner whitespace as one space; 2–20 code points; no control or
 * invisible characters (zero-width, bidi controls, Hangul fillers), which could fake a blank or
 * someone else's name.
 */
export function validateNickname(value: unknown): Decision<string> {
  if (typeof value !== 'string' || isBlank(value)) {
    return refuse(
      'NICKNAME_REQUIRED',
      '닉네임을 입력해주세요.',
      `A nickname needs ${NICKNAME_MIN}–${NICKNAME_MAX} visible characters.`,
    );
  }
  const nickname = value.normalize('NFC').trim().replace(/\s+/gu, ' ');
  if (hasHiddenCharacters(nickname)) {
    return refuse(
      'NICKNAME_INVALID_CHARACTERS',
      '닉네임에 쓸 수 없는 문자가 있습니다 (제어 문자, 보이지 않는 문자).',
      'The nickname contains control or invisible characters.',
    );
  }
  const length = codePointLength(nickname);
  if (length < NICKNAME_MIN || length > NICKNAME_MAX) {
    return refuse(
      length < NICKNAME_MIN ? 'NICKNAME_TOO_SHORT' : 'NICKNAME_TOO_LONG',
      `닉네임은 ${NICKNAME_MIN}–${NICKNAME_MAX}자로 입력해주세요 (현재 ${length}자).`,
      `A nickname has ${NICKNAME_MIN}–${NICKNAME_MAX} characters; this one has ${length}.`,
    );
  }
  return accept(nickname);
}

/** 법정동 codes, at most 20, duplicates dropped; an empty list or null clears them. */
export function validateRegionCodes(value: unknown): Decision<string[] | null> {
  if (value === null) return accept(null);
  if (!Array.isArray(value) || !value.every((code) => typeof code === 'string' && REGION_CODE.test(code))) {
    return refuse(
      'INVALID_REGION_CODES',
      '지역 코드는 2, 5, 8 또는 10자리 숫자(법정동 코드)여야 합니다.',
      'regionCodes must be 법정동 codes of 2, 5, 8 or 10 digits.',
    );
  }
  const codes = [...new Set(value as string[])];
  if (codes.length > REGION_CODES_MAX) {
    return refuse(
      'TOO_MANY_REGION_CODES',
      `관심 지역은 ${REGION_CODES_MAX}개까지 설정할 수 있습니다.`,
      `At most ${REGION_CODES_MAX} region codes.`,
    );
  }
  return accept(codes.length === 0 ? null : codes);
}

/** An upload under the caller's own folder (`profile/<sub>/…`): no traversal, no one else's file. */
export function validateProfileImageKey(value: unknown, userId: string): Decision<string | null> {
  if (value === null) return accept(null);
  const prefix = `profile/${userId}/`;
  const rest = typeof value === 'string' && value.startsWith(prefix) ? value.slice(prefix.length) : undefined;
  if (
    rest === undefined ||
    (value as string).length > PROFILE_IMAGE_KEY_MAX_LENGTH ||
    !rest.split('/').every((segment) => STORAGE_KEY_SEGMENT.test(segment) && !segment.includes('..'))
  ) {
    return refuse(
      'INVALID_PROFILE_IMAGE_KEY',
      '프로필 사진 경로가 올바르지 않습니다.',
      `profileImageKey must be an uploaded object under ${prefix}.`,
    );
  }
  return accept(value as string);
}

export function validateProfileChange(args: UpdateProfileArguments, userId: string): Decision<ProfileChange> {
  const change: ProfileChange = {};
  if (args.nickname !== undefined) {
    const nickname = validateNickname(args.nickname);
    if (!nickname.ok) return nickname;
    change.nickname = nickname.value;
  }
  if (args.profileImageKey !== undefined) {
    const key = validateProfileImageKey(args.profileImageKey, userId);
    if (!key.ok) return key;
    change.profileImageKey = key.value;
  }
  if (args.regionCodes !== undefined) {
    const codes = validateRegionCodes(args.regionCodes);
    if (!codes.ok) return codes;
    change.regionCodes = codes.value;
  }
  return accept(change);
}

export interface ConsentRequest {
  marketing: boolean;
  nightPush: boolean;
  appVersion: string;
}

export function validateConsentRequest(args: UpdateConsentsArguments): Decision<ConsentRequest> {
  const { marketing, nightPush, appVersion } = args;
  if (typeof marketing !== 'boolean' || typeof nightPush !== 'boolean') {
    return refuse(
      'INVALID_CONSENTS',
      '수신 동의 값은 true 또는 false여야 합니다.',
      'marketing and nightPush must be true or false.',
    );
  }
  if (!validAppVersion(appVersion)) {
    return refuse(
      'INVALID_APP_VERSION',
      '앱 버전 형식이 올바르지 않습니다.',
      'appVersion must look like 3.12.0 (optionally -beta.1 or +456), at most 32 characters.',
    );
  }
  return accept({ marketing, nightPush, appVersion });
}

export interface ConsentPlan {
  consents: Required<Consents>;
  consentHistory: ConsentChange[];
}

/**
 * The consents after a request: a flag that changes gets the server's time, one that does not
 * keeps its time; a request that changes nothing is no change (undefined), so a retry adds no
 * history. A flag never set (null) becomes set by either answer.
 */
export function planConsents(
  current: Consents | null | undefined,
  history: readonly ConsentChange[] | null | undefined,
  request: ConsentRequest,
  context: { userId: string; now: Date },
): ConsentPlan | undefined {
  const at = context.now.toISOString();
  const marketingChanged = current?.marketing !== request.marketing;
  const nightPushChanged = current?.nightPush !== request.nightPush;
  if (!marketingChanged && !nightPushChanged) return undefined;
  const change: ConsentChange = {
    marketing: request.marketing,
    nightPush: request.nightPush,
    at,
    by: context.userId,
    appVersion: request.appVersion,
  };
  return {
    consents: {
      marketing: request.marketing,
      marketingAt: marketingChanged ? at : (current?.marketingAt ?? null),
      nightPush: request.nightPush,
      nightPushAt: nightPushChanged ? at : (current?.nightPushAt ?? null),
    },
    consentHistory: [...(history ?? []), change].slice(-CONSENT_HISTORY_MAX),
  };
}
