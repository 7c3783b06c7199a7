import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { importPKCS8, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createSampleData } from '../../local/legacy/sample-data';
import { seedSandbox, seedTargetsFrom } from '../../local/seed';
import { type AppUser, signedInUser } from './app-user';
import {
  type Conversation,
  eventually,
  messagesOf,
  notificationsOf,
  ok,
  outputs,
  putReference,
  type User,
} from './e2e-support';

// The REST API on the local sandbox: GET /v1/health without a token, GET /v1/me/badge with the
// user's ID token (the same badge as GraphQL), and POST /webhooks/legacy as the legacy backend
// calls it — refused without a good service token, each event type applied, each id once.

type Badge = { unreadChats: number; unreadNotifications: number; total: number };

const users: AppUser[] = [];
let restApiUrl: string;
let signingKey: string;
let buyer: User;
let brokerUser: User;

beforeAll(async () => {
  await seedSandbox(seedTargetsFrom(inject('outputsPath')));
  restApiUrl = outputs().custom.restApiUrl;
  // The local sandbox keeps the legacy side's webhook signing key beside the secrets it serves.
  const secrets = JSON.parse(readFileSync('.amplify/sandbox/secrets.json', 'utf8'));
  signingKey = secrets.LEGACY_WEBHOOK_SIGNING_KEY;
  buyer = await signedInUser();
  brokerUser = await signedInUser();
  users.push(buyer, brokerUser);
});

afterAll(() => {
  for (const user of users) user.close();
});

async function rest(path: string, init: RequestInit = {}) {
  const response = await fetch(`${restApiUrl}${path}`, init);
  const text = await response.text();
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, json, text };
}

interface TokenOptions {
  key?: string;
  audience?: string;
  issuer?: string;
  issuedAt?: number;
  expiresAt?: number;
}

async function legacyToken(options: TokenOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'ES256', kid: 'legacy-1' })
    .setIssuer(options.issuer ?? 'bootalk-legacy-api')
    .setAudience(options.audience ?? 'bootalk-amplify-sandbox')
    .setSubject('legacy-crm')
    .setIssuedAt(options.issuedAt ?? now)
    .setExpirationTime(options.expiresAt ?? now + 120)
    .setJti(randomUUID())
    .sign(await importPKCS8(options.key ?? signingKey, 'ES256'));
}

function event(type: string, payload: object, id = `evt-e2e-${randomUUID()}`) {
  return { id, type, occurredAt: new Date().toISOString(), version: 1, payload };
}

async function webhook(body: unknown, token?: string | null) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const bearer = token === undefined ? await legacyToken() : token;
  if (bearer !== null) headers.authorization = `Bearer ${bearer}`;
  return rest('/webhooks/legacy', {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('GET /v1/health', () => {
  it('answers without a token: the version and every dependency reachable', async () => {
    const health = await rest('/v1/health');
    expect(health.status).toBe(200);
    expect(health.json).toMatchObject({
      status: 'ok',
      stage: 'sandbox',
      version: expect.any(String),
      dependencies: {
        dynamodb: { ok: true },
        appsync: { ok: true },
        legacyApi: { ok: true },
      },
    });
  });
});

describe('GET /v1/me/badge', () => {
  it('needs a token from the user pool', async () => {
    expect((await rest('/v1/me/badge')).status).toBe(401);
    const forged = await rest('/v1/me/badge', { headers: { authorization: 'eyJhbGciOiJub25lIn0.e30.' } });
    expect(forged.status).toBe(401);
  });

  it('answers the same badge as the GraphQL query', async () => {
    const brokerId = createSampleData(Date.now()).brokers.filter((b) => !b.deleted)[0]!.id;
    const conversation = ok(
      await buyer.mutation<Conversation>('startConversation', {
        kind: 'LISTING_INQUIRY',
        brokerId,
        listingId: `LST-E2E-BADGE-${Date.now()}`,
      }),
    );
    const { idToken } = await buyer.call<{ idToken: string }>('idToken');
    // The welcome message is counted a moment later: compare when two GraphQL reads agree.
    const matched = await eventually('REST and GraphQL to agree', async () => {
      const before = ok(await buyer.query<Badge>('badge', {}));
      const response = await rest('/v1/me/badge', { headers: { authorization: idToken } });
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
      const after = ok(await buyer.query<Badge>('badge', {}));
      const same = JSON.stringify(before) === JSON.stringify(after);
      return same && JSON.stringify(response.json) === JSON.stringify(after) ? after : undefined;
    });
    expect(matched.total).toBe(matched.unreadChats + matched.unreadNotifications);
    expect(conversation.id).toBeTruthy();
  });
});

describe('POST /webhooks/legacy', () => {
  const notice = () =>
    event('notice.published', {
      version: 1,
      noticeId: `NTC-E2E-${Date.now()}`,
      title: '서비스 점검 안내',
      body: '오늘 새벽 2시부터 4시까지 점검합니다.',
      segment: 'ALL',
      publishedAt: new Date().toISOString(),
    });

  it('refuses a missing, expired, wrongly signed or misaddressed token with 401', async () => {
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    const now = Math.floor(Date.now() / 1000);
    const refusedTokens = {
      missing: null,
      garbage: 'not-a-jwt',
      expired: await legacyToken({ issuedAt: now - 300, expiresAt: now - 60 }),
      otherKey: await legacyToken({ key: other }),
      prodAudience: await legacyToken({ audience: 'bootalk-amplify' }),
      otherIssuer: await legacyToken({ issuer: 'bootalk-amplify' }),
      tooLong: await legacyToken({ expiresAt: now + 3600 }),
    };
    for (const [reason, token] of Object.entries(refusedTokens)) {
      const response = await webhook(notice(), token);
      expect(response.status, reason).toBe(401);
      expect(response.headers.get('www-authenticate'), reason).toMatch(/^Bearer error="invalid_token"/);
      expect(response.text, reason).not.toContain(signingKey.slice(30, 60));
    }
  });

  it('refuses a body that is not an event, naming the wrong field', async () => {
    expect((await webhook('{ not json')).status).toBe(400);
    const unknownType = await webhook(event('listing.deleted', { listingId: 'LST-20001' }));
    expect(unknownType.status).toBe(400);
    const missing = await webhook(event('broker.assigned', { brokerId: 'BRK-301' }));
    expect(missing.status).toBe(400);
    expect(missing.json).toMatchObject({ error: 'invalid_request', field: 'payload.conversationId' });
    const badStatus = await webhook(
      event('listing.status_changed', { listingId: 'LST-20001', status: 'GONE' }),
    );
    expect(badStatus.json).toMatchObject({ error: 'invalid_request', field: 'payload.status' });
  });

  it('accepts a notice once: it reaches the users, and the same id again is a duplicate', async () => {
    const published = notice();
    const first = await webhook(published);
    expect(first.status).toBe(202);
    expect(first.json).toEqual({ id: published.id, accepted: true });
    const again = await webhook(published);
    expect(again.status).toBe(200);
    expect(again.json).toEqual({ id: published.id, duplicate: true });

    await eventually(
      'the notice in the buyer inbox',
      async () => {
        const notices = (await notificationsOf(buyer)).filter(
          (row) => row.type === 'NOTICE' && row.title === '서비스 점검 안내',
        );
        return notices.length > 0 ? notices : undefined;
      },
      60_000,
    );
    const notices = (await notificationsOf(buyer)).filter((row) => row.title === '서비스 점검 안내');
    expect(notices).toHaveLength(1);
  });

  it('adds the assigned broker to the conversation (broker.assigned)', async () => {
    const brokerId = `BRK-E2E-WH-${Date.now()}`;
    await putReference('brokers', brokerId, {
      name: '웹훅',
      officeName: '웹훅공인중개사사무소',
      regionCodes: ['1174010100'],
      userId: brokerUser.sub,
    });
    // The broker reaches BrokerProfile through data-sync, as in production.
    await eventually('data-sync to copy the broker', async () => {
      const run = await fetch(`${inject('inboxUrl')}/api/functions/data-sync/invoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ feeds: ['brokers'] }),
      });
      expect(run.status).toBe(200);
      const profile = await brokerUser.model<{ id: string; userId: string } | null>('BrokerProfile', 'get', {
        id: brokerId,
      });
      return profile.data?.userId === brokerUser.sub ? profile.data : undefined;
    });
    const conversation = ok(
      await buyer.mutation<Conversation>('startConversation', {
        kind: 'SUPPORT',
      }),
    );
    const assigned = event('broker.assigned', { conversationId: conversation.id, brokerId });
    const response = await webhook(assigned);
    expect(response.status, response.text).toBe(202);

    const messages = await eventually('the broker to read the conversation', async () => {
      const list = await brokerUser.model<{ body: string | null; kind: string }[]>(
        'Message',
        'listMessagesByConversation',
        { conversationId: conversation.id },
      );
      return list.data?.some((message) => message.kind === 'SYSTEM' && /웹훅/.test(message.body ?? ''))
        ? list.data
        : undefined;
    });
    expect(messages.length).toBeGreaterThan(0);
    const unknown = await webhook(event('broker.assigned', { conversationId: randomUUID(), brokerId }));
    expect(unknown.status).toBe(422);
    expect(unknown.json?.error).toBe('unknown_conversation');
  });

  it('tells the conversations about a listing that it was sold (listing.status_changed)', async () => {
    const listingId = `LST-E2E-SOLD-${Date.now()}`;
    const brokerId = createSampleData(Date.now()).brokers.filter((b) => !b.deleted)[0]!.id;
    const conversation = ok(
      await buyer.mutation<Conversation>('startConversation', {
        kind: 'LISTING_INQUIRY',
        brokerId,
        listingId,
      }),
    );
    const sold = event('listing.status_changed', { listingId, status: 'SOLD', previousStatus: 'ACTIVE' });
    expect((await webhook(sold)).status).toBe(202);
    expect((await webhook(sold)).status).toBe(200);
    const notes = await eventually('the sold note', async () => {
      const found = (await messagesOf(buyer, conversation.id)).filter(
        (message) => message.kind === 'SYSTEM' && message.body === '이 매물은 거래가 완료되었습니다.',
      );
      return found.length > 0 ? found : undefined;
    });
    expect(notes).toHaveLength(1);
  });
});
