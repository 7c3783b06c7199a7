import { generateKeyPairSync } from 'node:crypto';
import { createServiceTokenProvider } from '../../../amplify/functions/shared/service-token';
import { type LegacyApi, type LegacyApiOptions, startLegacyApi } from '../../../local/legacy/server';

export const ISSUER = 'bootalk-amplify';
export const AUDIENCE = 'bootalk-legacy-api';
/** 2025-03-14 12:00 KST. */
export const NOW = Date.parse('2025-03-14T03:00:00Z');

export function ecKeyPair() {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

export const keys = ecKeyPair();

/** Tokens exactly as a function mints them (the shared runtime's provider). */
export function tokensFor(
  options: { key?: string; audience?: string; issuer?: string; subject?: string; now?: () => number } = {},
) {
  return createServiceTokenProvider({
    key: options.key ?? keys.privatePem,
    kid: 'local-1',
    issuer: options.issuer ?? ISSUER,
    audience: options.audience ?? AUDIENCE,
    subject: options.subject ?? 'legacy-event-relay',
    now: options.now ?? (() => NOW),
  });
}

const running: LegacyApi[] = [];

export async function startTestLegacyApi(options: Partial<LegacyApiOptions> = {}): Promise<LegacyApi> {
  const api = await startLegacyApi({
    port: 0,
    verification: { key: keys.publicPem, issuer: ISSUER, audience: AUDIENCE },
    now: () => NOW,
    ...options,
  });
  running.push(api);
  return api;
}

export async function stopAll(): Promise<void> {
  await Promise.all(running.splice(0).map((api) => api.stop()));
}

/** A request with a valid service token unless `token` says otherwise (null: no header). */
export async function call(
  api: LegacyApi,
  method: string,
  path: string,
  options: { body?: unknown; token?: string | null; idempotencyKey?: string; rawBody?: string } = {},
) {
  const token = options.token === undefined ? await tokensFor().token() : options.token;
  const headers: Record<string, string> = {};
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
  const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${api.url}${path}`, { method, headers, body });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    // biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON the API answered
    json: (text ? JSON.parse(text) : undefined) as any,
  };
}
