import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { useGateway } from '../gateway/gateway-fixture';

const gateway = useGateway();
const run = promisify(execFile);

/** Inits the real Sentry SDK with the gateway's DSN in its own process, as a function would. */
const captureInChild = `
import * as Sentry from '@sentry/aws-serverless';
Sentry.init({ dsn: process.env.SENTRY_DSN, environment: 'sandbox', release: 'bootalk@test', tracesSampleRate: 0 });
Sentry.setTag('function', 'auth-create-challenge');
Sentry.captureException(new TypeError('legacy API answered 503'));
const flushed = await Sentry.flush(5000);
if (!flushed) process.exit(3);
`;

describe('Sentry-compatible endpoint', () => {
  it('keeps an exception the real Sentry SDK sends to the local DSN', async () => {
    expect(gateway().sentryDsn).toBe(`http://public@127.0.0.1:${gateway().port}/1`);
    await run(process.execPath, ['--input-type=module', '-e', captureInChild], {
      cwd: process.cwd(),
      env: { ...process.env, SENTRY_DSN: gateway().sentryDsn },
      timeout: 30_000,
    });
    const captured = gateway().captures.errors.list();
    expect(captured).toEqual([
      expect.objectContaining({
        id: expect.stringMatching(/^[0-9a-f]{32}$/),
        exceptionType: 'TypeError',
        exceptionValue: 'legacy API answered 503',
        message: 'TypeError: legacy API answered 503',
        environment: 'sandbox',
        release: 'bootalk@test',
        functionName: 'auth-create-challenge',
        tags: expect.objectContaining({ function: 'auth-create-challenge' }),
      }),
    ]);
  });

  it('reads gzip-compressed envelopes with length-prefixed and line-delimited items', async () => {
    gateway().captures.errors.clear();
    const event = JSON.stringify({ event_id: 'a'.repeat(32), message: '두 줄\n메시지', level: 'error' });
    const envelope = [
      JSON.stringify({ event_id: 'a'.repeat(32), dsn: gateway().sentryDsn }),
      JSON.stringify({ type: 'event', length: Buffer.byteLength(event) }),
      event,
      JSON.stringify({ type: 'client_report' }),
      JSON.stringify({ discarded_events: [] }),
    ].join('\n');
    const response = await fetch(`${gateway().url}/api/1/envelope/?sentry_key=public`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-sentry-envelope', 'content-encoding': 'gzip' },
      body: gzipSync(envelope),
    });
    expect(response.status).toBe(200);
    expect(gateway().captures.errors.list()).toEqual([
      expect.objectContaining({ id: 'a'.repeat(32), message: '두 줄\n메시지' }),
    ]);
  });

  it('accepts the older store endpoint', async () => {
    gateway().captures.errors.clear();
    const response = await fetch(`${gateway().url}/api/1/store/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        event_id: 'b'.repeat(32),
        exception: { values: [{ type: 'RangeError', value: 'too far' }] },
        tags: [['stage', 'sandbox']],
      }),
    });
    expect(await response.json()).toEqual({ id: 'b'.repeat(32) });
    expect(gateway().captures.errors.list()[0]).toMatchObject({
      exceptionType: 'RangeError',
      tags: { stage: 'sandbox' },
    });
  });
});
