import { createTransport } from '@sentry/aws-serverless';
import type { Handler } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { UserFacingError } from '../../../amplify/functions/shared/errors';
import { initSentry, withSentry } from '../../../amplify/functions/shared/sentry';
import { lambdaContext } from '../../support/lambda-context';

type Captured = Record<string, unknown>;

/** A Sentry transport that keeps every event it is given, decoded from the serialized envelope. */
function capturingTransport() {
  const events: Captured[] = [];
  const transport = (options: Parameters<typeof createTransport>[0]) =>
    createTransport(options, async (request) => {
      const body = typeof request.body === 'string' ? request.body : new TextDecoder().decode(request.body);
      const lines = body.split('\n').filter((line) => line.length > 0);
      for (let i = 1; i < lines.length; i += 2) {
        const header = JSON.parse(lines[i]!) as { type?: string };
        if (header.type === 'event') events.push(JSON.parse(lines[i + 1]!) as Captured);
      }
      return { statusCode: 200 };
    });
  return { events, transport };
}

const jwt = 'eyJhbGciOiJFUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiJhdXRoLWNyZWF0ZS1jaGFsbGVuZ2UifQ.c2lnbmF0dXJl';

describe('withSentry', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('returns the handler unchanged and captures nothing when there is no DSN', async () => {
    const { events, transport } = capturingTransport();
    expect(initSentry({ dsn: '', transport })).toBe(false);
    const handler: Handler<{ n: number }, number> = async (event) => event.n * 2;
    const wrapped = withSentry(handler);
    expect(wrapped).toBe(handler);
    await expect(wrapped({ n: 21 }, lambdaContext(), () => undefined)).resolves.toBe(42);

    const failing = withSentry<unknown, never>(async () => {
      throw new Error('boom');
    });
    await expect(failing({}, lambdaContext(), () => undefined)).rejects.toThrow('boom');
    expect(events).toHaveLength(0);
  });

  it('reports a thrown error scrubbed, tagged with environment and release, and rethrows it', async () => {
    const { events, transport } = capturingTransport();
    // Silenced before Sentry wraps the console: the breadcrumb is still recorded, the number not printed.
    const consoleWarn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    initSentry({
      dsn: 'https://public@o1.ingest.sentry.io/1',
      environment: 'dev',
      release: 'bootalk-amplify@1.2.3',
      transport,
    });
    const failure = new Error(`인증번호 [482913] for 010-1234-5678 rejected with ${jwt}`);
    const wrapped = withSentry<Record<string, string>, string>(async () => {
      console.warn('calling legacy for +82 10-9876-5432');
      throw failure;
    });

    await expect(wrapped({ phone: '01012345678' }, lambdaContext(), () => undefined)).rejects.toBe(failure);

    expect(consoleWarn).toHaveBeenCalledWith('calling legacy for +82 10-9876-5432');
    expect(events).toHaveLength(1);
    const [event] = events;
    expect(event).toMatchObject({ environment: 'dev', release: 'bootalk-amplify@1.2.3' });
    const serialized = JSON.stringify(event);
    expect(serialized).not.toContain('482913');
    expect(serialized).not.toContain('1234-5678');
    expect(serialized).not.toContain('9876-5432');
    expect(serialized).not.toContain(jwt);
    const exception = (event?.exception as { values: { value: string }[] } | undefined)?.values[0];
    expect(exception?.value).toBe('인증번호 [[otp]] for +82******5678 rejected with [jwt]');
    const breadcrumbs = event?.breadcrumbs as { message?: string }[];
    expect(breadcrumbs.map((crumb) => crumb.message)).toContain('calling legacy for +82******5432');
  });

  it('passes a successful result through untouched when enabled', async () => {
    const { events, transport } = capturingTransport();
    initSentry({ dsn: 'https://public@o1.ingest.sentry.io/1', transport });
    const wrapped = withSentry<{ id: string }, { ok: boolean; id: string }>(async (event) => ({
      ok: true,
      id: event.id,
    }));
    await expect(wrapped({ id: 'a' }, lambdaContext(), () => undefined)).resolves.toEqual({
      ok: true,
      id: 'a',
    });
    expect(events).toHaveLength(0);
  });

  it('does not report an error meant for the user, but still rethrows it', async () => {
    const { events, transport } = capturingTransport();
    initSentry({ dsn: 'https://public@o1.ingest.sentry.io/1', transport });
    const refusal = new UserFacingError('BLOCKED_PHONE: 이 번호로는 가입할 수 없습니다.');
    const wrapped = withSentry<unknown, never>(async () => {
      throw refusal;
    });
    await expect(wrapped({}, lambdaContext(), () => undefined)).rejects.toBe(refusal);
    expect(events).toHaveLength(0);
  });
});

describe('initSentry', () => {
  it('registers no ESM loader hooks (a function is one bundle: nothing to instrument, no loader thread)', async () => {
    const { transport } = capturingTransport();
    const global = globalThis as { _sentryEsmLoaderHookRegistered?: boolean };
    delete global._sentryEsmLoaderHookRegistered;
    expect(initSentry({ dsn: 'https://public@o1.ingest.sentry.io/1', transport })).toBe(true);
    expect(global._sentryEsmLoaderHookRegistered).toBeUndefined();
  });
});
