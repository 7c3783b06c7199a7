import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createSampleData } from '../../local/legacy/sample-data';
import { SEED_USERS, seedSandbox, seedTargetsFrom } from '../../local/seed';
import { type AppUser, signedInUser } from './app-user';

// Linking a conversation to legacy listing ids and sharing the listing, on the local sandbox
// with the real client: members link and share, anyone signed in resolves a link, and the link
// never opens the conversation to someone else.

type Conversation = { id: string; kind: string; listingId: string | null; complexId: string | null };
type ShareLink = { token: string; url: string; listingId: string; expiresAt: string };
type Resolved = Record<string, unknown>;

const users: AppUser[] = [];
let buyer: AppUser & { sub: string };
let broker: AppUser & { sub: string };
let stranger: AppUser & { sub: string };
let conversation: Conversation;

beforeAll(async () => {
  await seedSandbox(seedTargetsFrom(inject('outputsPath')));
  const brokerId = createSampleData(Date.now()).brokers.filter((b) => !b.deleted)[0]!.id;
  buyer = await signedInUser();
  broker = await signedInUser(SEED_USERS[3].phone);
  stranger = await signedInUser();
  users.push(buyer, broker, stranger);
  const started = await buyer.mutation<Conversation>('startConversation', { kind: 'DIRECT', brokerId });
  expect(started.errors, JSON.stringify(started.errors)).toBeUndefined();
  conversation = started.data;
});

afterAll(() => {
  for (const user of users) user.close();
});

describe('linking and sharing a conversation', () => {
  it('refuses a share link while no listing is linked', async () => {
    const result = await buyer.mutation<ShareLink>('createShareLink', { conversationId: conversation.id });
    expect(result.data).toBeNull();
    expect(result.errors?.[0]?.message).toMatch(/LISTING_NOT_LINKED/);
  });

  it('lets a member link the listing; the other member sees it live; an outsider may not', async () => {
    const buyerUpdates = await buyer.subscribe('Conversation', 'onUpdate');
    const linked = await broker.mutation<Conversation>('linkConversation', {
      conversationId: conversation.id,
      listingId: 'LST-E2E-LINK',
      complexId: 'CPX-1001',
    });
    expect(linked.errors, JSON.stringify(linked.errors)).toBeUndefined();
    expect(linked.data).toMatchObject({
      id: conversation.id,
      listingId: 'LST-E2E-LINK',
      complexId: 'CPX-1001',
    });
    await expect
      // Other updates of the row (the welcome message's preview) may arrive too; the newest counts.
      .poll(
        () => (buyerUpdates as Conversation[]).filter((row) => row.id === conversation.id).at(-1)?.listingId,
        { timeout: 10_000 },
      )
      .toBe('LST-E2E-LINK');

    const refused = await stranger.mutation<Conversation>('linkConversation', {
      conversationId: conversation.id,
      listingId: 'LST-HIJACK',
    });
    expect(refused.data).toBeNull();
    expect(refused.errors?.[0]?.message).toMatch(/CONVERSATION_NOT_FOUND/);
    const invalid = await buyer.mutation<Conversation>('linkConversation', {
      conversationId: conversation.id,
      listingId: 'not a listing id; DROP',
    });
    expect(invalid.errors?.[0]?.message).toMatch(/INVALID_ID/);
  });

  it("shares the listing with a signed link that anyone signed in resolves, without the conversation's id", async () => {
    const shared = await buyer.mutation<ShareLink>('createShareLink', { conversationId: conversation.id });
    expect(shared.errors, JSON.stringify(shared.errors)).toBeUndefined();
    expect(shared.data.listingId).toBe('LST-E2E-LINK');
    expect(shared.data.url.endsWith(shared.data.token)).toBe(true);
    expect(Date.parse(shared.data.expiresAt)).toBeGreaterThan(Date.now());

    const resolved = await stranger.query<Resolved>('resolveShareLink', { token: shared.data.token });
    expect(resolved.errors, JSON.stringify(resolved.errors)).toBeUndefined();
    expect(resolved.data).toMatchObject({ listingId: 'LST-E2E-LINK', complexId: 'CPX-1001' });
    expect(JSON.stringify(resolved.data)).not.toContain(conversation.id);

    // The link opens nothing of the conversation itself.
    const peek = await stranger.model<Conversation | null>('Conversation', 'get', { id: conversation.id });
    expect(peek.data ?? null).toBeNull();

    const token = shared.data.token;
    const last = token.at(-1) === 'A' ? 'B' : 'A';
    const tampered = await stranger.query<Resolved>('resolveShareLink', {
      token: `${token.slice(0, -1)}${last}`,
    });
    expect(tampered.data).toBeNull();
    expect(tampered.errors?.[0]?.message).toMatch(/INVALID_SHARE_LINK/);
    const garbage = await stranger.query<Resolved>('resolveShareLink', { token: 'x'.repeat(5000) });
    expect(garbage.errors?.[0]?.message).toMatch(/INVALID_SHARE_LINK/);
  });

  it('refuses a share link to an outsider', async () => {
    const result = await stranger.mutation<ShareLink>('createShareLink', { conversationId: conversation.id });
    expect(result.data).toBeNull();
    expect(result.errors?.[0]?.message).toMatch(/CONVERSATION_NOT_FOUND/);
  });
});
