import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { RedriveError } from '../../scripts/redrive/failure-stores';
import type { CaptureLog } from '../contracts';
import { ReferenceChangeError } from '../legacy/reference-control';
import { liveFlows } from './flows';
import { parseLegacyFaults } from './legacy-faults';
import { parseLogQuery, selectEntries } from './log-query';
import { InboxRequestError, invalidField } from './request-errors';
import { scheduledEvent } from './scheduled-event';
import { latestCode } from './sms-code';
import type { InboxSources } from './sources';

/**
 * The dev inbox: its page (page.html), the live event-flow map (flows.html at /flows) and the
 * JSON API under /api that tests, the e2e sign-in and the pages read. Everything it shows comes
 * from the injected sources.
 */

export interface InboxOptions {
  /** 0 picks a free port. */
  port: number;
  sources: InboxSources;
}

export interface Inbox {
  /** `http://127.0.0.1:<port>` */
  url: string;
  stop(): Promise<void>;
}

type Reply = { status: number; body?: unknown };
type Route = {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: RegExp;
  handle(request: ParsedRequest): Reply | Promise<Reply>;
};
interface ParsedRequest {
  params: string[];
  query: URLSearchParams;
  readJson(): Promise<unknown>;
}

const MAX_BODY_BYTES = 1024 * 1024;

/** The logs the API lists and clears, by their path under /api. */
function captureLogs(sources: InboxSources): Record<string, CaptureLog<unknown>> {
  return {
    sms: sources.sms,
    push: sources.push,
    'legacy-calls': sources.legacyCalls,
    'dead-letters': sources.deadLetters,
    errors: sources.errors,
    invocations: sources.invocations,
  };
}

function routes(sources: InboxSources): Route[] {
  const logs = captureLogs(sources);
  const logPath = new RegExp(`^/api/(${Object.keys(logs).join('|')})$`);
  const log = (name: string | undefined) => logs[name ?? ''] as CaptureLog<unknown>;
  return [
    { method: 'GET', path: /^\/api\/info$/, handle: () => ({ status: 200, body: sources.info() }) },
    {
      method: 'GET',
      path: /^\/api\/sms\/latest$/,
      handle: ({ query }) => {
        const phone = query.get('phone') ?? undefined;
        const newestFirst = selectEntries(sources.sms.list(), { ...parseLogQuery(query), limit: undefined });
        const found = latestCode(newestFirst, phone);
        if (!found) {
          throw new InboxRequestError(
            404,
            'NoCode',
            phone ? `No SMS with a code has been sent to ${phone}` : 'No SMS with a code has been sent',
          );
        }
        return { status: 200, body: { ...found.sms, code: found.code } };
      },
    },
    {
      method: 'GET',
      path: logPath,
      handle: ({ params, query }) => ({
        status: 200,
        body: selectEntries(log(params[0]).list(), parseLogQuery(query)),
      }),
    },
    {
      method: 'DELETE',
      path: logPath,
      handle: ({ params }) => {
        log(params[0]).clear();
        return { status: 204 };
      },
    },
    {
      method: 'GET',
      path: /^\/api\/queues$/,
      handle: () => ({
        status: 200,
        body: (sources.queues?.names() ?? []).sort().map((name) => {
          const messages = sources.queues!.messages(name);
          const count = (state: string) => messages.filter((message) => message.state === state).length;
          return { name, visible: count('visible'), inFlight: count('in-flight'), delayed: count('delayed') };
        }),
      }),
    },
    {
      method: 'GET',
      path: /^\/api\/queues\/([^/]+)$/,
      handle: ({ params }) => {
        const name = decodeURIComponent(params[0] ?? '');
        if (!sources.queues?.names().includes(name)) {
          throw new InboxRequestError(404, 'QueueNotFound', `No queue named "${name}"`);
        }
        // Oldest first, each body parsed when it is JSON (the queues carry JSON envelopes).
        const messages = sources.queues.messages(name).map(({ body, ...message }) => {
          try {
            return { ...message, body: JSON.parse(body) as unknown };
          } catch {
            return { ...message, body };
          }
        });
        return { status: 200, body: messages };
      },
    },
    {
      method: 'GET',
      path: /^\/api\/flows$/,
      handle: () => {
        const map = sources.flows?.();
        if (!map)
          throw new InboxRequestError(404, 'NotFound', 'No event-flow map: the sandbox did not give one');
        return { status: 200, body: liveFlows(map, sources.invocations.list(), sources.queues) };
      },
    },
    {
      method: 'GET',
      path: /^\/api\/failure-stores$/,
      handle: () => ({ status: 200, body: sources.failureStores?.list() ?? [] }),
    },
    {
      method: 'POST',
      path: /^\/api\/failure-stores\/([^/]+)\/redrive$/,
      handle: async ({ params, readJson }) => {
        const base = decodeURIComponent(params[0] ?? '');
        const stores = sources.failureStores;
        if (!stores?.list().some((store) => store.base === base)) {
          throw new InboxRequestError(
            404,
            'FailureStoreNotFound',
            `No failure store named "${base}" (see GET /api/failure-stores)`,
          );
        }
        const body = (await readJson()) ?? {};
        const dryRun = (body as { dryRun?: unknown }).dryRun ?? false;
        if (typeof body !== 'object' || Array.isArray(body) || typeof dryRun !== 'boolean') {
          throw invalidField('dryRun', 'must be true or false');
        }
        try {
          return { status: 200, body: await stores.redrive(base, { dryRun }) };
        } catch (error) {
          if (error instanceof RedriveError)
            throw new InboxRequestError(409, 'RedriveRefused', error.message);
          throw error;
        }
      },
    },
    { method: 'GET', path: /^\/api\/users$/, handle: () => ({ status: 200, body: sources.users?.() ?? [] }) },
    {
      method: 'GET',
      path: /^\/api\/functions$/,
      handle: () => {
        const schedules = new Map(sources.functions.scheduled().map((schedule) => [schedule.name, schedule]));
        const names = [...sources.functions.names()].sort();
        return {
          status: 200,
          body: names.map((name) => {
            const schedule = schedules.get(name);
            if (!schedule) return { name };
            const { expression, timezone, nextRunAt } = schedule;
            return { name, schedule: { expression, timezone, nextRunAt } };
          }),
        };
      },
    },
    {
      method: 'POST',
      path: /^\/api\/functions\/([^/]+)\/invoke$/,
      handle: async ({ params, readJson }) => {
        const name = decodeURIComponent(params[0] ?? '');
        if (!sources.functions.names().includes(name)) {
          throw new InboxRequestError(404, 'FunctionNotFound', `No function named "${name}"`);
        }
        const body = await readJson();
        const isScheduled = sources.functions.scheduled().some((schedule) => schedule.name === name);
        const event = body !== undefined ? body : isScheduled ? scheduledEvent() : {};
        return { status: 200, body: await sources.functions.invoke(name, event) };
      },
    },
    {
      method: 'GET',
      path: /^\/api\/legacy\/faults$/,
      handle: () => ({ status: 200, body: { faults: sources.legacy.faults() ?? null } }),
    },
    {
      method: 'POST',
      path: /^\/api\/legacy\/faults$/,
      handle: async ({ readJson }) => {
        sources.legacy.setFaults(parseLegacyFaults(await readJson()));
        return { status: 200, body: { faults: sources.legacy.faults() ?? null } };
      },
    },
    {
      method: 'PUT',
      path: /^\/api\/legacy\/reference\/([^/]+)\/([^/]+)$/,
      handle: async ({ params, readJson }) => {
        const put = sources.legacy.putReferenceItem;
        if (!put) throw new InboxRequestError(404, 'NotFound', 'The Legacy API stand-in is not running');
        const body = await readJson();
        try {
          const item = put(decodeURIComponent(params[0] ?? ''), decodeURIComponent(params[1] ?? ''), body);
          return { status: 200, body: { item } };
        } catch (error) {
          if (error instanceof ReferenceChangeError)
            throw new InboxRequestError(400, 'InvalidParameter', error.message);
          throw error;
        }
      },
    },
    {
      method: 'DELETE',
      path: /^\/api\/legacy\/faults$/,
      handle: () => {
        sources.legacy.clearFaults();
        return { status: 200, body: { faults: sources.legacy.faults() ?? null } };
      },
    },
  ];
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new InboxRequestError(413, 'PayloadTooLarge', `The body is over ${MAX_BODY_BYTES} bytes`));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** `undefined` for an empty body. */
async function readJson(request: IncomingMessage): Promise<unknown> {
  const text = await readBody(request);
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw invalidField('body', `is not valid JSON (${(error as Error).message})`);
  }
}

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * The inbox can run functions and inject faults, so a web page elsewhere must not drive it:
 * refuse foreign Host headers (DNS rebinding) and cross-origin writes.
 */
function isForeign(request: IncomingMessage): boolean {
  const host = request.headers.host;
  if (host && !LOCAL_HOSTS.has(host.replace(/:\d+$/, ''))) return true;
  const origin = request.headers.origin;
  if (request.method !== 'GET' && origin && origin !== 'null') {
    try {
      return new URL(origin).host !== host;
    } catch {
      return true;
    }
  }
  return false;
}

function sendJson(response: ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) {
    response.writeHead(status, { 'cache-control': 'no-store' }).end();
    return;
  }
  response
    .writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' })
    .end(JSON.stringify(body));
}

/** A page, with a Content-Security-Policy that lets only its own inline script run. */
async function loadPage(file: string): Promise<{ html: string; csp: string }> {
  const html = await readFile(join(import.meta.dirname, file), 'utf8');
  const script = /<script type="module">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
  const hash = createHash('sha256').update(script).digest('base64');
  const csp = [
    "default-src 'none'",
    `script-src 'sha256-${hash}'`,
    "style-src 'unsafe-inline'",
    "connect-src 'self'",
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  return { html, csp };
}

export async function startInbox({ port, sources }: InboxOptions): Promise<Inbox> {
  // The inbox (page.html) and the live event-flow map (flows.html, GET /flows).
  const pages: Record<string, { html: string; csp: string }> = {
    '/': await loadPage('page.html'),
    '/index.html': await loadPage('page.html'),
    '/flows': await loadPage('flows.html'),
  };
  const table = routes(sources);

  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    try {
      if (isForeign(request)) {
        throw new InboxRequestError(403, 'Forbidden', 'The dev inbox only answers pages served by itself');
      }
      const page = pages[url.pathname];
      if (page) {
        if (request.method !== 'GET' && request.method !== 'HEAD') {
          throw new InboxRequestError(405, 'MethodNotAllowed', `${request.method} / is not supported`);
        }
        response
          .writeHead(200, {
            'content-type': 'text/html; charset=utf-8',
            'content-security-policy': page.csp,
            'x-content-type-options': 'nosniff',
            'cache-control': 'no-store',
          })
          .end(request.method === 'HEAD' ? undefined : page.html);
        return;
      }
      const matching = table.filter((route) => route.path.test(url.pathname));
      const route = matching.find((candidate) => candidate.method === request.method);
      if (!route) {
        if (matching.length === 0) {
          throw new InboxRequestError(404, 'NotFound', `Nothing at ${url.pathname}`);
        }
        response.setHeader('allow', matching.map((candidate) => candidate.method).join(', '));
        throw new InboxRequestError(
          405,
          'MethodNotAllowed',
          `${request.method} ${url.pathname} is not supported; use ${matching.map((c) => c.method).join(' or ')}`,
        );
      }
      const reply = await route.handle({
        params: (route.path.exec(url.pathname) ?? []).slice(1),
        query: url.searchParams,
        readJson: () => readJson(request),
      });
      sendJson(response, reply.status, reply.body);
    } catch (error) {
      if (error instanceof InboxRequestError) {
        sendJson(response, error.status, { error: error.error, message: error.message });
      } else {
        console.error('[inbox]', error);
        sendJson(response, 500, {
          error: 'InternalError',
          message: (error as Error)?.message ?? String(error),
        });
      }
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port: boundPort } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${boundPort}`,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
