import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInUser } from './app-user';
import { type Message, ok, refused, type User } from './e2e-support';

// Issue 18 with the real client: what one user may see and write of another's profile, consents
// that only the server stamps, and the input limits. Every user and conversation here is this
// file's own.

type Profile = {
  id: string;
  nickname: string | null;
  role: string | null;
  profileImageKey: string | null;
  phone?: string | null;
  consents?: { marketing: boolean | null; marketingAt: string | null } | null;
  consentHistory?:
    | { marketing: boolean; nightPush: boolean; at: string; by: string; appVersion: string }[]
    | null;
};
type Consents = {
  marketing: boolean;
  marketingAt: string | null;
  nightPush: boolean;
  nightPushAt: string | null;
};

const PUBLIC_PROFILE = ['id', 'nickname', 'role', 'profileImageKey'];

let alice: User;
let bob: User;

beforeAll(async () => {
  alice = await signedInUser();
  bob = await signedInUser();
});

afterAll(() => {
  alice?.close();
  bob?.close();
});

describe("another user's profile", () => {
  it('reads with the public selection, without errors', async () => {
    const card = ok(
      await bob.model<Profile>('UserProfile', 'get', { id: alice.sub }, { selectionSet: PUBLIC_PROFILE }),
    );
    expect(card).toEqual({
      id: alice.sub,
      nickname: expect.stringMatching(/^부톡회원/),
      role: 'USER',
      profileImageKey: null,
    });
  });

  it('never shows the phone, consents, consent history or regions', async () => {
    for (const field of ['phone', 'consents', 'consentHistory', 'regionCodes', 'deletedAt']) {
      const selectionSet = field.startsWith('consent') ? [`${field}.*`] : [field];
      const read = await bob.model<Record<string, unknown> | null>(
        'UserProfile',
        'get',
        { id: alice.sub },
        { selectionSet: ['id', ...selectionSet] },
      );
      expect(
        read.errors?.map((error) => error.errorType),
        field,
      ).toContain('Unauthorized');
      expect(read.data?.[field] ?? null, field).toBeNull();
    }
    const everything = await bob.model('UserProfile', 'get', { id: alice.sub });
    expect(JSON.stringify(everything)).not.toContain(alice.phone);
  });

  it('cannot be listed: a list shows the caller their own profile only', async () => {
    const listed = ok(
      // list(options): the options are its only argument.
      await bob.model<Profile[]>('UserProfile', 'list', { selectionSet: PUBLIC_PROFILE, limit: 1000 }),
    );
    expect(listed.map((profile) => profile.id)).toEqual([bob.sub]);
    const filtered = await bob.model<Profile[]>('UserProfile', 'list', {
      filter: { id: { eq: alice.sub } },
    });
    expect(filtered.data ?? []).toEqual([]);
  });

  it('cannot be written by someone else', async () => {
    const update = await bob.model('UserProfile', 'update', { id: alice.sub, nickname: '해커' });
    expect(update.errors?.[0]?.errorType).toBe('Unauthorized');
  });
});

describe('consents', () => {
  it('cannot be written directly, even by their owner', async () => {
    const forged = await alice.model('UserProfile', 'update', {
      id: alice.sub,
      consents: { marketing: true, marketingAt: '2020-01-01T00:00:00.000Z' },
    });
    expect(forged.errors?.[0]?.errorType).toBe('Unauthorized');
    const own = ok(
      await alice.model<Profile>(
        'UserProfile',
        'get',
        { id: alice.sub },
        { selectionSet: ['id', 'consents.*'] },
      ),
    );
    expect(own.consents).toMatchObject({ marketing: false });
  });

  it('change through updateConsents, stamped with server time and kept in the history with the app version', async () => {
    const before = Date.now();
    const consents = ok(
      await alice.mutation<Consents>('updateConsents', {
        marketing: true,
        nightPush: false,
        appVersion: '3.12.0',
      }),
    );
    const after = Date.now();
    expect(consents).toMatchObject({ marketing: true, nightPush: false });
    const at = Date.parse(consents.marketingAt!);
    expect(at).toBeGreaterThanOrEqual(before - 1000);
    expect(at).toBeLessThanOrEqual(after + 1000);

    const own = ok(
      await alice.model<Profile>(
        'UserProfile',
        'get',
        { id: alice.sub },
        { selectionSet: ['id', 'consents.*', 'consentHistory.*'] },
      ),
    );
    expect(own.consents).toMatchObject({ marketing: true, marketingAt: consents.marketingAt });
    expect(own.consentHistory).toEqual([
      { marketing: true, nightPush: false, at: consents.marketingAt, by: alice.sub, appVersion: '3.12.0' },
    ]);
  });

  it('refuse a request without a valid app version, changing nothing', async () => {
    refused(
      await bob.mutation('updateConsents', { marketing: true, nightPush: true, appVersion: 'latest' }),
      /^INVALID_APP_VERSION: /,
    );
    const own = ok(
      await bob.model<Profile>('UserProfile', 'get', { id: bob.sub }, { selectionSet: ['id', 'consents.*'] }),
    );
    expect(own.consents).toMatchObject({ marketing: false });
  });
});

describe('profile input limits', () => {
  it('refuse a nickname over 20 characters, or of invisible characters only, and keep the old one', async () => {
    refused(await alice.mutation('updateProfile', { nickname: '가'.repeat(21) }), /^NICKNAME_TOO_LONG: .*\(/);
    refused(await alice.mutation('updateProfile', { nickname: '가'.repeat(40_000) }), /^NICKNAME_TOO_LONG: /);
    refused(
      await alice.mutation('updateProfile', { nickname: '\u3164\u200B\u3164' }),
      /^NICKNAME_REQUIRED: /,
    );
    const card = ok(
      await bob.model<Profile>('UserProfile', 'get', { id: alice.sub }, { selectionSet: PUBLIC_PROFILE }),
    );
    expect(card.nickname).toMatch(/^부톡회원/);
  });

  it('store a valid nickname trimmed, which a chat partner then reads', async () => {
    const updated = ok(
      await alice.mutation<Profile>('updateProfile', {
        nickname: '  대치동 불주먹 ',
        regionCodes: ['11680'],
      }),
    );
    expect(updated).toMatchObject({ id: alice.sub, nickname: '대치동 불주먹' });
    const card = ok(
      await bob.model<Profile>('UserProfile', 'get', { id: alice.sub }, { selectionSet: PUBLIC_PROFILE }),
    );
    expect(card.nickname).toBe('대치동 불주먹');
  });

  it('refuse region codes that are not 법정동 codes', async () => {
    refused(await alice.mutation('updateProfile', { regionCodes: ['강남구'] }), /^INVALID_REGION_CODES: /);
  });

  it('are the only way to write a profile: the model update is refused to its owner', async () => {
    const direct = await alice.model('UserProfile', 'update', { id: alice.sub, nickname: '가'.repeat(200) });
    expect(direct.errors?.[0]?.errorType).toBe('Unauthorized');
  });
});

describe('message input', () => {
  let conversationId: string;

  beforeAll(async () => {
    // The caller's own SUPPORT conversation: one per user, no broker or seed data needed.
    const conversation = ok(await alice.mutation<{ id: string }>('startConversation', { kind: 'SUPPORT' }));
    conversationId = conversation.id;
  });

  const send = (body: string, clientMessageId: string) =>
    alice.mutation<Message>('sendMessage', { conversationId, kind: 'TEXT', body, clientMessageId });

  it('refuses a body of only invisible characters', async () => {
    refused(await send('\u200B\u200B\u200B', 'privacy-blank-1'), /^BODY_REQUIRED: /);
    refused(await send(' \u3164\uFEFF ', 'privacy-blank-2'), /^BODY_REQUIRED: /);
  });

  it('answers a retried send with the original message, and a reused clientMessageId with other text with CLIENT_MESSAGE_ID_REUSED', async () => {
    const first = ok(await send('오늘 방문 가능할까요?', 'privacy-reuse-1'));
    const retried = ok(await send('오늘 방문 가능할까요?', 'privacy-reuse-1'));
    expect(retried.id).toBe(first.id);
    refused(
      await send('다른 내용', 'privacy-reuse-1'),
      /^CLIENT_MESSAGE_ID_REUSED: 이미 다른 메시지에 쓰인 clientMessageId입니다\. \(/,
    );
  });
});
