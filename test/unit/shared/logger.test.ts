import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../../amplify/functions/shared/logger';

/** Powertools writes INFO to stdout and WARN/ERROR to stderr: capture both, in order. */
function captureOutput(): { lines: () => Record<string, unknown>[]; restore: () => void } {
  const chunks: string[] = [];
  const write = (chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  };
  const spies = [
    vi.spyOn(process.stdout, 'write').mockImplementation(write),
    vi.spyOn(process.stderr, 'write').mockImplementation(write),
  ];
  return {
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line.trim().startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    restore: () => {
      for (const spy of spies) spy.mockRestore();
    },
  };
}

describe('logger', () => {
  const jwt = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXBhcnQ';
  let output: ReturnType<typeof captureOutput> | undefined;
  afterEach(() => output?.restore());

  it('writes a phone number, a JWT and an authorization header scrubbed', () => {
    output = captureOutput();
    const logger = createLogger({ serviceName: 'test-service', logLevel: 'INFO' });
    logger.info(`sending OTP to 010-1234-5678 with ${jwt}`, {
      headers: { authorization: `Bearer ${jwt}`, 'content-type': 'application/json' },
      user: { phone: '+821012345678' },
    });
    const [line] = output.lines();
    const raw = JSON.stringify(line);
    expect(raw).not.toContain('1234-5678');
    expect(raw).not.toContain('821012345678');
    expect(raw).not.toContain(jwt);
    expect(line).toMatchObject({
      level: 'INFO',
      service: 'test-service',
      message: 'sending OTP to +82******5678 with [jwt]',
      headers: { authorization: '[redacted]', 'content-type': 'application/json' },
      user: { phone: '+82******5678' },
    });
  });

  it('scrubs the message of a logged error', () => {
    output = captureOutput();
    const logger = createLogger({ serviceName: 'test-service', logLevel: 'INFO' });
    logger.error('send failed', new Error('SNS refused 01098765432'));
    const [line] = output.lines();
    expect(line?.error).toMatchObject({ name: 'Error', message: 'SNS refused +82******5432' });
    expect(JSON.stringify(line)).not.toContain('01098765432');
  });

  it('does not write below its log level', () => {
    output = captureOutput();
    const logger = createLogger({ serviceName: 'test-service', logLevel: 'WARN' });
    logger.info('quiet');
    logger.warn('loud');
    expect(output.lines().map((line) => line.message)).toEqual(['loud']);
  });
});
