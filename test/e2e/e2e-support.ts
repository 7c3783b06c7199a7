import { readFileSync } from 'node:fs';
import { expect, inject } from 'vitest';
import { type AppUser, inbox } from './app-user';

/** What the new e2e files share: GraphQL results, the dev inbox, the REST API, the outputs. */

export type User = AppUser & { sub: string };
export type GraphQLError = { message: string; errorType?: string };
export type Conversation = {
  id: string;
  kind: string;
  status: string;
  memberIds: string[];
  buyerId: string | null;
  brokerId: string | null;
  listingId: string | null;
};
export type Message = {
  id: string;
  conversationId: string;
  createdAt: string;
  senderId: string;
  senderLabel: string | null;
  memberIds: string[];
  kind: string;
  body: string | null;
  notify: boolean | null;
};
export type Notification = {
  id: string;
  userId: string;
  type: string;
  title: string;
  body: string;
  deepLink: string | null;
};
export type LegacyCall = {
  id: string;
  at: string;
  method: string;
  path: string;
  query: string;
  status: number;
  authorized: boolean;
  subject?: string;
  body?: unknown;
};
/** A push End User Messaging (the local capture) was asked to deliver to one device. */
export type CapturedPush = {
  token: string;
  title?: string;
  body?: string;
  badge?: number;
  data?: Record<string, string>;
};

export function ok<T>(result: { data: T; errors?: GraphQLError[] }): T {
  expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
  return result.data;
}

/** A refused call: no data, and the first error says `code`. */
export function refused(result: { data: unknown; errors?: GraphQLError[] }, code: RegExp | string) {
  expect(result.data ?? null).toBeNull();
  expect(result.errors?.[0]?.message, JSON.stringify(result.errors)).toMatch(code);
}

type Invoked<T> = { ok: boolean; result?: T; error?: { errorType: string; errorMessage: string } };

/** Runs a function now through the dev inbox (what its "run now" button does). */
export async function invoke<T>(name: string, event?: unknown): Promise<T> {
  const invoked = await inbox<Invoked<T>>(`/api/functions/${name}/invoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    ...(event === undefined ? {} : { body: JSON.stringify(event) }),
  });
  expect(invoked, JSON.stringify(invoked.error)).toMatchObject({ ok: true });
  return invoked.result as T;
}

export function outputs(): {
  custom: { restApiUrl: string; localSandbox: { legacyApiUrl: string; awsEndpointUrl: string } };
} {
  return JSON.parse(readFileSync(inject('outputsPath'), 'utf8'));
}

/** What the Legacy stand-in received since `since` (ISO time), newest first. */
export const legacyCalls = (since?: string) =>
  inbox<LegacyCall[]>(`/api/legacy-calls?limit=1000${since ? `&since=${encodeURIComponent(since)}` : ''}`);

/** Changes the Legacy stand-in's reference data (stamped now: the next data-sync picks it up). */
export async function putReference(kind: 'brokers' | 'listings' | 'complexes', id: string, body: object) {
  const response = await fetch(`${inject('inboxUrl')}/api/legacy/reference/${kind}/${id}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status, await response.clone().text()).toBe(200);
}

/** Every message of a conversation the user may read, oldest first. */
export async function messagesOf(user: AppUser, conversationId: string): Promise<Message[]> {
  const all: Message[] = [];
  let nextToken: string | null | undefined;
  do {
    const page = await user.model<Message[]>(
      'Message',
      'listMessagesByConversation',
      { conversationId },
      { limit: 200, ...(nextToken ? { nextToken } : {}) },
    );
    all.push(...ok(page));
    nextToken = page.nextToken;
  } while (nextToken);
  return all.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

export async function notificationsOf(user: User): Promise<Notification[]> {
  const page = await user.model<Notification[]>(
    'Notification',
    'listNotificationsByUser',
    { userId: user.sub },
    { limit: 1000 },
  );
  return ok(page);
}

export async function conversationOf(user: AppUser, id: string): Promise<Conversation | null> {
  return ok(await user.model<Conversation | null>('Conversation', 'get', { id }));
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns something other than undefined (or fails after `timeoutMs`). */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}
