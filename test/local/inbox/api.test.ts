import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { CaptureLog } from '../../../local/contracts';
import { type Inbox, startInbox } from '../../../local/inbox/server';
import { extractCode } from '../../../local/inbox/sms-code';
import { SqsService } from '../../../local/sqs/sqs-service';
import { type FakeSources, fakeSources, sms } from './fake-sources';

const PHONE = '+821012345678';
const SIGN_IN_SMS = '[부톡] 인증번호 [123456]을 입력해주세요.';

let inbox: Inbox | undefined;
afterEach(async () => {
  await inbox?.stop();
  inbox = undefined;
});

async function start(sources: FakeSources = fakeSources()) {
  inbox = await startInbox({ port: 0, sources });
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${inbox!.url}${path}`, {
      method,
      ...(body === undefined
        ? {}
        : {
            headers: { 'content-type': 'application/json' },
            body: typeof body === 'string' ? body : JSON.stringify(body),
          }),
    });
    const text = await response.text();
    // biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON came back
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as any };
  };
  return { sources, call, url: inbox.url };
}

/** Two entries of each log's type, one minute apart; the first is the older. */
const LOGS: {
  path: string;
  log: (sources: FakeSources) => CaptureLog<unknown>;
  entry: (id: string, at: string) => unknown;
}[] = [
  { path: 'sms', log: (s) => s.sms, entry: (id, at) => ({ id, at, phoneNumber: PHONE, message: id }) },
  {
    path: 'push',
    log: (s) => s.push,
    entry: (id, at) => ({
      id,
      at,
      applicationId: 'app',
      token: 'tok',
      channelType: 'GCM',
      status: 'SUCCESSFUL',
    }),
  },
  {
    path: 'legacy-calls',
    log: (s) => s.legacyCalls,
    entry: (id, at) => ({ id, at, method: 'POST', path: '/v1/chat', status: 200, authorized: true }),
  },
  {
    path: 'dead-letters',
    log: (s) => s.deadLetters,
    entry: (id, at) => ({ id, at, source: 'dev-push-queue', reason: 'maxReceiveCount 3', body: '{}' }),
  },
  { path: 'errors', log: (s) => s.errors, entry: (id, at) => ({ id, at, message: `failed ${id}` }) },
  {
    path: 'invocations',
    log: (s) => s.invocations,
    entry: (id, startedAt) => ({
      id,
      functionName: 'message-push',
      startedAt,
      durationMs: 5,
      coldStart: false,
      ok: true,
    }),
  },
];

describe('GET /api/<log>', () => {
  it.each(LOGS)('lists /api/$path newest first', async ({ path, log, entry }) => {
    const { sources, call } = await start();
    log(sources).add(entry('older', '2026-03-01T10:00:00.000Z'));
    log(sources).add(entry('newer', '2026-03-01T10:01:00.000Z'));

    const { status, body } = await call('GET', `/api/${path}`);

    expect(status).toBe(200);
    expect(body.map((item: { id: string }) => item.id)).toEqual(['newer', 'older']);
  });

  it('orders by time even when a capture was added late, and by arrival among equal times', async () => {
    const { sources, call } = await start();
    sources.sms.add(sms(PHONE, 'b', '2026-03-01T10:01:00.000Z'));
    sources.sms.add(sms(PHONE, 'a', '2026-03-01T10:00:00.000Z'));
    sources.sms.add(sms(PHONE, 'c', '2026-03-01T10:01:00.000Z'));

    const { body } = await call('GET', '/api/sms');

    expect(body.map((item: { message: string }) => item.message)).toEqual(['c', 'b', 'a']);
  });

  it('keeps only entries at or after ?since= and at most ?limit= of them', async () => {
    const { sources, call } = await start();
    for (const minute of ['00', '01', '02', '03']) {
      sources.errors.add({ id: minute, at: `2026-03-01T10:${minute}:00.000Z`, message: minute, raw: {} });
    }

    const since = await call('GET', '/api/errors?since=2026-03-01T10:01:00.000Z');
    const limited = await call('GET', '/api/errors?since=2026-03-01T10:01:00.000Z&limit=2');

    expect(since.body.map((item: { id: string }) => item.id)).toEqual(['03', '02', '01']);
    expect(limited.body.map((item: { id: string }) => item.id)).toEqual(['03', '02']);
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=ten', 'limit'],
    ['since=yesterday', 'since'],
  ])('answers 400 naming the parameter for ?%s', async (query, field) => {
    const { call } = await start();

    const { status, body } = await call('GET', `/api/push?${query}`);

    expect(status).toBe(400);
    expect(body).toEqual({
      error: 'InvalidParameter',
      message: expect.stringMatching(new RegExp(`^${field}:`)),
    });
  });

  it('DELETE /api/<log> empties that log and no other', async () => {
    const { sources, call } = await start();
    sources.sms.add(sms(PHONE, SIGN_IN_SMS, '2026-03-01T10:00:00.000Z'));
    sources.errors.add({ id: 'e1', at: '2026-03-01T10:00:00.000Z', message: 'kept', raw: {} });

    const cleared = await call('DELETE', '/api/sms');

    expect(cleared.status).toBe(204);
    expect((await call('GET', '/api/sms')).body).toEqual([]);
    expect((await call('GET', '/api/errors')).body).toHaveLength(1);
  });
});

describe('GET /api/sms/latest', () => {
  it('returns the newest code-bearing SMS to the phone with its 6-digit code', async () => {
    const { sources, call } = await start();
    sources.sms.add(sms(PHONE, '[부톡] 인증번호 [111111]을 입력해주세요.', '2026-03-01T10:00:00.000Z'));
    sources.sms.add(sms(PHONE, SIGN_IN_SMS, '2026-03-01T10:01:00.000Z'));
    sources.sms.add(sms(PHONE, '[부톡] 관심 단지에 새 매물이 있어요.', '2026-03-01T10:02:00.000Z'));
    sources.sms.add(
      sms('+821099998888', '[부톡] 인증번호 [999999]을 입력해주세요.', '2026-03-01T10:03:00.000Z'),
    );

    const { status, body } = await call('GET', `/api/sms/latest?phone=${encodeURIComponent(PHONE)}`);

    expect(status).toBe(200);
    expect(body).toMatchObject({ code: '123456', phoneNumber: PHONE, message: SIGN_IN_SMS });
  });

  it.each([
    ['an unencoded + (read back as a space)', '+821012345678'],
    ['a domestic number with dashes', '010-1234-5678'],
  ])('finds the phone written as %s', async (_, phone) => {
    const { sources, call } = await start();
    sources.sms.add(sms(PHONE, SIGN_IN_SMS, '2026-03-01T10:01:00.000Z'));

    const { status, body } = await call('GET', `/api/sms/latest?phone=${phone}`);

    expect(status).toBe(200);
    expect(body.code).toBe('123456');
  });

  it('answers 404 as JSON when no SMS with a code reached the phone', async () => {
    const { sources, call } = await start();
    sources.sms.add(sms('+821099998888', SIGN_IN_SMS, '2026-03-01T10:01:00.000Z'));
    sources.sms.add(sms(PHONE, '[부톡] 안내 문자입니다.', '2026-03-01T10:02:00.000Z'));

    const { status, body } = await call('GET', `/api/sms/latest?phone=${encodeURIComponent(PHONE)}`);

    expect(status).toBe(404);
    expect(body).toEqual({ error: 'NoCode', message: expect.stringContaining(PHONE) });
  });

  it('ignores codes sent before ?since=', async () => {
    const { sources, call } = await start();
    sources.sms.add(sms(PHONE, SIGN_IN_SMS, '2026-03-01T10:01:00.000Z'));

    const { status } = await call(
      'GET',
      `/api/sms/latest?phone=${encodeURIComponent(PHONE)}&since=2026-03-01T10:02:00.000Z`,
    );

    expect(status).toBe(404);
  });
});

describe('extractCode', () => {
  it('reads the code from the sign-in SMS', () => {
    expect(extractCode(SIGN_IN_SMS)).toBe('123456');
  });

  it('prefers the digits after 인증번호 over other 6-digit runs and ignores longer numbers', () => {
    expect(extractCode('[부톡] 주문 102030 확인, 인증번호: 654321')).toBe('654321');
    expect(extractCode('문의 01012345678')).toBeUndefined();
  });
});

describe('functions', () => {
  it('lists the functions with the schedule of the scheduled ones', async () => {
    const { call } = await start();

    const { body } = await call('GET', '/api/functions');

    expect(body).toEqual([
      {
        name: 'alert-lowest-price',
        schedule: {
          expression: 'cron(0 9 * * ? *)',
          timezone: 'Asia/Seoul',
          nextRunAt: '2026-03-02T00:00:00.000Z',
        },
      },
      { name: 'auth-verify-challenge' },
      { name: 'message-push' },
    ]);
  });

  it('invokes a function with the posted event, returns its result and records the invocation', async () => {
    const { sources, call } = await start();
    const event = { Records: [{ eventName: 'INSERT' }] };

    const { status, body } = await call('POST', '/api/functions/message-push/invoke', event);

    expect(status).toBe(200);
    expect(body).toEqual({ ok: true, result: { handled: 'message-push' }, durationMs: 12 });
    expect(sources.invokedWith).toEqual([{ name: 'message-push', event }]);
    const invocations = await call('GET', '/api/invocations');
    expect(invocations.body).toEqual([expect.objectContaining({ functionName: 'message-push', ok: true })]);
  });

  it('runs a scheduled function with an EventBridge scheduled event when no body is posted', async () => {
    const { sources, call } = await start();

    await call('POST', '/api/functions/alert-lowest-price/invoke');

    expect(sources.invokedWith[0]?.event).toEqual({
      version: '0',
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      'detail-type': 'Scheduled Event',
      source: 'aws.scheduler',
      account: '123456789012',
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      region: 'ap-northeast-2',
      resources: [],
      detail: {},
    });
  });

  it('invokes an unscheduled function with {} when no body is posted', async () => {
    const { sources, call } = await start();

    await call('POST', '/api/functions/message-push/invoke', '');

    expect(sources.invokedWith).toEqual([{ name: 'message-push', event: {} }]);
  });

  it('passes a failed invocation back as a 200 with the InvokeResult error', async () => {
    const { call } = await start();

    const { status, body } = await call('POST', '/api/functions/auth-verify-challenge/invoke', {});

    expect(status).toBe(200);
    expect(body).toMatchObject({ ok: false, error: { errorType: 'Error', errorMessage: 'boom' } });
  });

  it('answers 404 as JSON for an unknown function and invokes nothing', async () => {
    const { sources, call } = await start();

    const { status, body } = await call('POST', '/api/functions/no-such-function/invoke', {});

    expect(status).toBe(404);
    expect(body).toEqual({ error: 'FunctionNotFound', message: expect.stringContaining('no-such-function') });
    expect(sources.invokedWith).toEqual([]);
  });

  it('answers 400 naming the body when the event is not JSON', async () => {
    const { sources, call } = await start();

    const { status, body } = await call('POST', '/api/functions/message-push/invoke', '{not json');

    expect(status).toBe(400);
    expect(body.message).toMatch(/^body:/);
    expect(sources.invokedWith).toEqual([]);
  });
});

describe('Legacy API faults', () => {
  it('hands valid faults to the Legacy API stand-in, shows them and clears them', async () => {
    const { sources, call } = await start();

    const set = await call('POST', '/api/legacy/faults', { status: 500, rate: 0.3 });
    const shown = await call('GET', '/api/legacy/faults');
    const cleared = await call('DELETE', '/api/legacy/faults');

    expect(set).toEqual({ status: 200, body: { faults: { status: 500, rate: 0.3 } } });
    expect(shown.body).toEqual({ faults: { status: 500, rate: 0.3 } });
    expect(cleared.body).toEqual({ faults: null });
    expect(sources.currentFaults).toBeNull();
  });

  it('accepts a delay on its own', async () => {
    const { sources, call } = await start();

    const { status } = await call('POST', '/api/legacy/faults', { delayMs: 2000 });

    expect(status).toBe(200);
    expect(sources.currentFaults).toEqual({ delayMs: 2000 });
  });

  it('passes the paths and count settings docs/legacy-api.md documents through to the stand-in', async () => {
    const { sources, call } = await start();

    const set = await call('POST', '/api/legacy/faults', { status: 404, paths: '^/v1/crm/', count: 3 });

    expect(set.status).toBe(200);
    expect(sources.currentFaults).toEqual({ status: 404, paths: '^/v1/crm/', count: 3 });
  });

  it.each([
    [{ status: 500, paths: '' }, 'paths'],
    [{ status: 500, paths: 42 }, 'paths'],
    [{ status: 500, paths: '([' }, 'paths'],
    [{ status: 500, count: 0 }, 'count'],
    [{ status: 500, count: 1.5 }, 'count'],
    [{ paths: '/v1/events', count: 2 }, 'status'],
    [{ status: 99 }, 'status'],
    [{ status: 600 }, 'status'],
    [{ status: 500.5 }, 'status'],
    [{ status: '500' }, 'status'],
    [{ status: 500, rate: 1.5 }, 'rate'],
    [{ status: 500, rate: -0.1 }, 'rate'],
    [{ delayMs: -1 }, 'delayMs'],
    [{ delayMs: 60_001 }, 'delayMs'],
    [{ status: 500, delay: 100 }, 'delay'],
    [{ rate: 0.5 }, 'status'],
    [[500], 'body'],
  ])('answers 400 for %j naming %s, and changes nothing', async (faults, field) => {
    const { sources, call } = await start();

    const { status, body } = await call('POST', '/api/legacy/faults', faults);

    expect(status).toBe(400);
    expect(body).toEqual({
      error: 'InvalidParameter',
      message: expect.stringMatching(new RegExp(`^${field}:`)),
    });
    expect(sources.currentFaults).toBeNull();
  });
});

describe('the rest of the API', () => {
  it('describes the sandbox at /api/info', async () => {
    const { call } = await start();

    const { body } = await call('GET', '/api/info');

    expect(body).toMatchObject({ stage: 'sandbox', version: '0.1.0', startedAt: '2026-03-01T00:00:00.000Z' });
  });

  it('lists users when the sandbox provides them, and none otherwise', async () => {
    const user = {
      username: 'u-1',
      phoneMasked: '+82 10-****-5678',
      groups: ['USERS'],
      createdAt: '2026-03-01',
    };
    const { call } = await start(fakeSources({ users: [user] }));
    expect((await call('GET', '/api/users')).body).toEqual([user]);
    await inbox?.stop();

    const { call: callWithout } = await start(fakeSources());
    expect((await callWithout('GET', '/api/users')).body).toEqual([]);
  });

  it('shows what waits on a local queue without receiving it', async () => {
    const sqs = new SqsService();
    sqs.createQueue('push');
    sqs.createQueue('notice');
    sqs.send('push', JSON.stringify({ pushId: 'chat:m1:u2' }));
    sqs.send('push', 'not json');
    const received = await sqs.receive('push', { maxMessages: 1 });
    const sources = fakeSources();
    sources.queues = { names: () => sqs.queueNames(), messages: (name) => sqs.listMessages(name) };
    const { call } = await start(sources);

    expect((await call('GET', '/api/queues')).body).toEqual([
      { name: 'notice', visible: 0, inFlight: 0, delayed: 0 },
      { name: 'push', visible: 1, inFlight: 1, delayed: 0 },
    ]);
    const listed = await call('GET', '/api/queues/push');
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual([
      expect.objectContaining({ body: { pushId: 'chat:m1:u2' }, state: 'in-flight', receiveCount: 1 }),
      expect.objectContaining({ body: 'not json', state: 'visible', receiveCount: 0 }),
    ]);
    expect(received).toHaveLength(1);
    // Looking changed nothing: the visible message is still there for a consumer.
    expect(await sqs.receive('push', { maxMessages: 10 })).toHaveLength(1);
    expect(await call('GET', '/api/queues/nothing')).toEqual({
      status: 404,
      body: { error: 'QueueNotFound', message: 'No queue named "nothing"' },
    });
  });

  it('answers unknown paths with a 404 and unsupported methods with a 405, as JSON errors', async () => {
    const { call } = await start();

    const missing = await call('GET', '/api/nothing');
    const wrongMethod = await call('PUT', '/api/sms');

    expect(missing).toEqual({ status: 404, body: { error: 'NotFound', message: expect.any(String) } });
    expect(wrongMethod).toEqual({
      status: 405,
      body: { error: 'MethodNotAllowed', message: expect.any(String) },
    });
  });

  it('serves the page with a policy that only lets its own script run', async () => {
    const { url } = await start();

    const response = await fetch(url);

    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('content-security-policy')).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(await response.text()).toContain('부톡 Dev Inbox');
  });

  it('listens on 127.0.0.1 and stops listening when stopped', async () => {
    const { url } = await start();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    await inbox?.stop();
    inbox = undefined;

    await expect(fetch(`${url}/api/info`)).rejects.toThrow();
  });

  it('refuses a foreign Host header and a cross-origin write', async () => {
    const { url } = await start();
    const send = (method: string, headers: Record<string, string>) =>
      new Promise<number>((resolve, reject) => {
        const { port } = new URL(url);
        const outgoing = request(
          { host: '127.0.0.1', port, method, path: '/api/legacy/faults', headers },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        outgoing.on('error', reject);
        outgoing.end(method === 'POST' ? JSON.stringify({ status: 500 }) : undefined);
      });
    const host = new URL(url).host;

    expect(await send('GET', { host: 'evil.example:80' })).toBe(403);
    expect(await send('POST', { host, origin: 'http://evil.example' })).toBe(403);
    expect(await send('POST', { host, origin: url })).toBe(200);
  });
});

describe('Legacy API reference data', () => {
  it('changes a broker of the stand-in and refuses a bad field with 400 naming it', async () => {
    const { putReferenceItem } = await import('../../../local/legacy/reference-control');
    const { createLegacyStore } = await import('../../../local/legacy/store');
    const { createSampleData } = await import('../../../local/legacy/sample-data');
    const store = createLegacyStore(createSampleData(Date.parse('2026-03-01T00:00:00Z')));
    const sources = fakeSources();
    sources.legacy.putReferenceItem = (kind, id, body) =>
      putReferenceItem(store, kind, id, body, Date.parse('2026-03-02T00:00:00Z'));
    const { call } = await start(sources);

    const changed = await call('PUT', '/api/legacy/reference/brokers/BRK-301', { active: false });
    const refused = await call('PUT', '/api/legacy/reference/brokers/BRK-301', { regionCodes: 'x' });

    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({
      item: { id: 'BRK-301', active: false, updatedAt: '2026-03-02T00:00:00.000Z' },
    });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toMatch(/regionCodes:/);
    expect(store.data.brokers.find((broker) => broker.id === 'BRK-301')!.regionCodes).toEqual(['1168010600']);
  });
});
