import type { AppSyncResolverEvent } from 'aws-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import { deviceStore } from '../../../amplify/functions/device-register/device-store';
import { createHandler } from '../../../amplify/functions/device-register/handler';
import type {
  ConsentChange,
  Consents,
  ProfileChange,
} from '../../../amplify/functions/device-register/profile-settings';
import type { ProfileRow, ProfileStore } from '../../../amplify/functions/device-register/profile-store';
import { UserFacingError } from '../../../amplify/functions/shared/errors';

const ALICE = 'alice-sub';
const NOW = new Date('2026-03-14T03:00:00.000Z');
const EARLIER = '2026-01-02T00:00:00.000Z';

/** The UserProfile table as the AppSync update resolver treats it: updatedAt moves on every write. */
class FakeProfiles implements ProfileStore {
  readonly rows = new Map<string, ProfileRow>();
  writes = 0;
  /** Runs before a consent write lands: a test can change the row as another device would. */
  beforeConsentWrite: (() => void) | undefined;
  private clock = 0;

  private stamp() {
    this.clock += 1;
    return new Date(NOW.getTime() + this.clock).toISOString();
  }

  async profile(userId: string) {
    const row = this.rows.get(userId);
    return row ? structuredClone(row) : undefined;
  }

  async update(userId: string, change: ProfileChange) {
    const row = this.rows.get(userId);
    if (!row) return undefined;
    this.writes += 1;
    const updated = { ...row, ...change, updatedAt: this.stamp() };
    this.rows.set(userId, updated);
    return structuredClone(updated);
  }

  async updateConsents(
    userId: string,
    updatedAt: string,
    consents: Required<Consents>,
    consentHistory: ConsentChange[],
  ) {
    const hook = this.beforeConsentWrite;
    this.beforeConsentWrite = undefined;
    hook?.();
    const row = this.rows.get(userId);
    if (!row || row.updatedAt !== updatedAt) return undefined;
    this.writes += 1;
    const updated = { ...row, consents, consentHistory, updatedAt: this.stamp() };
    this.rows.set(userId, updated);
    return structuredClone(updated);
  }
}

let profiles: FakeProfiles;

function call(fieldName: string, args: Record<string, unknown>) {
  const handler = createHandler({
    store: deviceStore(() => {
      throw new Error('profile calls touch no device');
    }),
    profiles,
    now: () => NOW,
  });
  return handler({
    typeName: 'Mutation',
    fieldName,
    arguments: args,
    identity: { sub: ALICE },
  } as unknown as AppSyncResolverEvent<Record<string, unknown>>);
}

beforeEach(() => {
  profiles = new FakeProfiles();
  profiles.rows.set(ALICE, {
    id: ALICE,
    nickname: '부톡회원A1B2C3',
    role: 'USER',
    phone: '+821012345678',
    consents: { marketing: false, nightPush: false },
    createdAt: EARLIER,
    updatedAt: EARLIER,
  });
});

describe('updateConsents', () => {
  it('stamps server time and records the change with the app version', async () => {
    const consents = await call('updateConsents', {
      marketing: true,
      nightPush: false,
      appVersion: '3.12.0',
    });
    expect(consents).toEqual({
      marketing: true,
      marketingAt: NOW.toISOString(),
      nightPush: false,
      nightPushAt: null,
    });
    expect(profiles.rows.get(ALICE)?.consentHistory).toEqual([
      { marketing: true, nightPush: false, at: NOW.toISOString(), by: ALICE, appVersion: '3.12.0' },
    ]);
  });

  it('writes nothing when the consents are already so', async () => {
    await call('updateConsents', { marketing: false, nightPush: false, appVersion: '3.12.0' });
    expect(profiles.writes).toBe(0);
  });

  it('keeps both changes when another device changed the consents between the read and the write', async () => {
    profiles.beforeConsentWrite = () => {
      const row = profiles.rows.get(ALICE)!;
      const other = { marketing: true, nightPush: true, at: EARLIER, by: ALICE, appVersion: '3.11.0' };
      profiles.rows.set(ALICE, {
        ...row,
        consents: { marketing: true, marketingAt: EARLIER, nightPush: true, nightPushAt: EARLIER },
        consentHistory: [other],
        updatedAt: '2026-03-14T02:59:59.000Z',
      });
    };
    await call('updateConsents', { marketing: true, nightPush: false, appVersion: '3.12.0' });
    const row = profiles.rows.get(ALICE)!;
    expect(row.consentHistory?.map((change) => change.appVersion)).toEqual(['3.11.0', '3.12.0']);
    // marketing did not change against what the other device wrote: its time stays.
    expect(row.consents).toEqual({
      marketing: true,
      marketingAt: EARLIER,
      nightPush: false,
      nightPushAt: NOW.toISOString(),
    });
  });

  it('refuses a deleted account and an invalid app version, writing nothing', async () => {
    await expect(
      call('updateConsents', { marketing: true, nightPush: false, appVersion: 'x' }),
    ).rejects.toThrow(/^INVALID_APP_VERSION: /);
    profiles.rows.delete(ALICE);
    await expect(
      call('updateConsents', { marketing: true, nightPush: false, appVersion: '3.12.0' }),
    ).rejects.toBeInstanceOf(UserFacingError);
    expect(profiles.writes).toBe(0);
  });
});

describe('updateProfile', () => {
  it('writes the validated nickname and keeps what was left out', async () => {
    const profile = (await call('updateProfile', { nickname: '  대치동 불주먹 ' })) as ProfileRow;
    expect(profile).toMatchObject({ nickname: '대치동 불주먹', phone: '+821012345678', role: 'USER' });
  });

  it('refuses a 120 KB nickname and changes nothing', async () => {
    await expect(call('updateProfile', { nickname: '가'.repeat(120_000) })).rejects.toThrow(
      /^NICKNAME_TOO_LONG: /,
    );
    expect(profiles.writes).toBe(0);
    expect(profiles.rows.get(ALICE)?.nickname).toBe('부톡회원A1B2C3');
  });

  it('answers the profile as it is when given nothing to change', async () => {
    expect(await call('updateProfile', {})).toMatchObject({ id: ALICE, nickname: '부톡회원A1B2C3' });
    expect(profiles.writes).toBe(0);
  });
});
