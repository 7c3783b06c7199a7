import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { config, InvalidConfigError, MissingConfigError } from '../../../amplify/functions/shared/config';

describe('config', () => {
  let saved: NodeJS.ProcessEnv;
  beforeEach(() => {
    saved = { ...process.env };
  });
  afterEach(() => {
    process.env = saved;
  });

  it('names the missing variable when a required one is absent or empty', () => {
    delete process.env.IDEMPOTENCY_TABLE_NAME;
    expect(() => config.idempotencyTableName()).toThrow(MissingConfigError);
    expect(() => config.idempotencyTableName()).toThrow(/IDEMPOTENCY_TABLE_NAME/);
    process.env.LEGACY_API_URL = '  ';
    expect(() => config.legacyApiUrl()).toThrow(/LEGACY_API_URL/);
  });

  it('reads values when they are called, not when the module loads', () => {
    process.env.LEGACY_API_URL = 'https://api-dev.bootalk.co.kr';
    expect(config.legacyApiUrl()).toBe('https://api-dev.bootalk.co.kr');
    process.env.LEGACY_API_URL = 'http://localhost:4010';
    expect(config.legacyApiUrl()).toBe('http://localhost:4010');
  });

  it('refuses an unknown stage', () => {
    process.env.STAGE = 'production';
    expect(() => config.stage()).toThrow(InvalidConfigError);
    process.env.STAGE = 'prod';
    expect(config.stage()).toBe('prod');
  });

  it('applies the documented defaults', () => {
    delete process.env.SERVICE_TOKEN_ISSUER;
    delete process.env.LEGACY_API_AUDIENCE;
    delete process.env.NAME_PREFIX;
    delete process.env.SENTRY_DSN;
    process.env.LOG_LEVEL = 'chatty';
    expect(config.serviceTokenIssuer()).toBe('bootalk-amplify');
    expect(config.legacyApiAudience()).toBe('bootalk-legacy-api');
    expect(config.namePrefix()).toBe('');
    expect(config.sentryDsn()).toBeUndefined();
    expect(config.logLevel()).toBe('INFO');
  });

  it('ignores a Sentry DSN that is not a URL, such as an unresolved secret placeholder', () => {
    process.env.SENTRY_DSN = '<value will be resolved during runtime>';
    expect(config.sentryDsn()).toBeUndefined();
    process.env.SENTRY_DSN = 'https://public@o1.ingest.sentry.io/2';
    expect(config.sentryDsn()).toBe('https://public@o1.ingest.sentry.io/2');
    delete process.env.SENTRY_DSN;
  });

  it("reads the deployment's share-link base URL, ending it with a slash so a token appends", () => {
    process.env.SHARE_LINK_BASE_URL = 'https://dev.bootalk.co.kr/s';
    expect(config.shareLinkBaseUrl()).toBe('https://dev.bootalk.co.kr/s/');
    process.env.SHARE_LINK_BASE_URL = 'http://localhost:3000/s/';
    expect(config.shareLinkBaseUrl()).toBe('http://localhost:3000/s/');
  });

  it('refuses a share-link base that is missing or not a plain http(s) URL', () => {
    delete process.env.SHARE_LINK_BASE_URL;
    expect(() => config.shareLinkBaseUrl()).toThrow(MissingConfigError);
    for (const value of ['bootalk.co.kr/s/', 'javascript:alert(1)', 'https://bootalk.co.kr/s/?t=']) {
      process.env.SHARE_LINK_BASE_URL = value;
      expect(() => config.shareLinkBaseUrl(), value).toThrow(InvalidConfigError);
    }
  });

  it('takes the service name from POWERTOOLS_SERVICE_NAME, then the function name', () => {
    delete process.env.POWERTOOLS_SERVICE_NAME;
    process.env.AWS_LAMBDA_FUNCTION_NAME = 'dev-message-push';
    expect(config.serviceName()).toBe('dev-message-push');
    process.env.POWERTOOLS_SERVICE_NAME = 'message-push';
    expect(config.serviceName()).toBe('message-push');
  });
});
