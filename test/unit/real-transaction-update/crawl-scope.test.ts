import { afterEach, describe, expect, it } from 'vitest';
import {
  contractMonths,
  crawlScope,
  InvalidCrawlRequestError,
} from '../../../amplify/functions/real-transaction-update/crawl-scope';
import {
  crawlerConfig,
  parseLawdCodes,
} from '../../../amplify/functions/real-transaction-update/crawler-config';
import { InvalidConfigError, MissingConfigError } from '../../../amplify/functions/shared/config';
import { isUserFacingError } from '../../../amplify/functions/shared/errors';

const NOW = new Date('2026-03-14T03:00:00Z');
const defaults = () => ['11680', '11650'];

describe('contractMonths', () => {
  it('is the previous and the current month in Korea', () => {
    expect(contractMonths(NOW)).toEqual(['202602', '202603']);
  });

  it('is already March at 00:30 KST on 1 March, while it is still 28 February in UTC', () => {
    expect(contractMonths(new Date('2026-02-28T15:30:00Z'))).toEqual(['202602', '202603']);
  });

  it('is still February at 23:59 KST on 28 February', () => {
    expect(contractMonths(new Date('2026-02-28T14:59:59Z'))).toEqual(['202601', '202602']);
  });

  it('reaches back into the previous year in January', () => {
    expect(contractMonths(new Date('2025-12-31T15:00:00Z'))).toEqual(['202512', '202601']);
    expect(contractMonths(new Date('2025-12-31T14:59:59Z'))).toEqual(['202511', '202512']);
  });
});

describe('crawlScope', () => {
  it('crawls every configured 시군구 over both months for the scheduled event', () => {
    const scheduled = { source: 'aws.scheduler', 'detail-type': 'Scheduled Event', detail: {} };
    expect(crawlScope(scheduled, NOW, defaults)).toEqual({
      lawdCodes: ['11680', '11650'],
      months: ['202602', '202603'],
    });
    expect(crawlScope(undefined, NOW, defaults)).toEqual(crawlScope({}, NOW, defaults));
  });

  it('takes an operator’s 시군구 and months instead of the defaults', () => {
    expect(crawlScope({ lawdCodes: ['11680'], months: ['202603'] }, NOW, defaults)).toEqual({
      lawdCodes: ['11680'],
      months: ['202603'],
    });
  });

  it('keeps the default for the list an operator leaves out, and drops repeats', () => {
    expect(crawlScope({ months: ['202601', '202512', '202601'] }, NOW, defaults)).toEqual({
      lawdCodes: ['11680', '11650'],
      months: ['202512', '202601'],
    });
    expect(crawlScope({ lawdCodes: ['41135', '41135'] }, NOW, defaults)).toEqual({
      lawdCodes: ['41135'],
      months: ['202602', '202603'],
    });
  });

  it.each([
    ['a 시군구 code that is not 5 digits', { lawdCodes: ['1168'] }, /lawdCodes\.0: must be a 5-digit/],
    ['a number for a code', { lawdCodes: [11680] }, /lawdCodes\.0/],
    ['an empty list', { lawdCodes: [] }, /lawdCodes/],
    ['a month 13', { months: ['202613'] }, /months\.0: must be a contract month YYYYMM/],
    ['a date instead of a month', { months: ['2026-03'] }, /months\.0/],
    ['a month after this one', { months: ['202604'] }, /after the current month 202603 .*202604/],
    ['a string instead of a list', { months: '202603' }, /months/],
  ])('refuses %s with a clear error and crawls nothing', (_case, event, message) => {
    let thrown: unknown;
    try {
      crawlScope(event, NOW, defaults);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidCrawlRequestError);
    expect((thrown as Error).message).toMatch(message);
    // An operator's typo is an answer, not a defect for Sentry.
    expect(isUserFacingError(thrown)).toBe(true);
  });
});

describe('crawlerConfig', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('reads the 시군구 codes as a trimmed, de-duplicated list', () => {
    process.env.REAL_TRANSACTION_LAWD_CODES = ' 11680, 11650 ,11680,';
    expect(crawlerConfig.lawdCodes()).toEqual(['11680', '11650']);
  });

  it.each(['11680,seoul', '1168', ' , '])('refuses the code list %j', (value) => {
    expect(() => parseLawdCodes(value)).toThrow(InvalidConfigError);
  });

  it('names the missing variable', () => {
    delete process.env.PUBLIC_DATA_SERVICE_KEY;
    expect(() => crawlerConfig.publicDataServiceKey()).toThrow(MissingConfigError);
    delete process.env.COMPLEX_TABLE_NAME;
    expect(() => crawlerConfig.complexTableName()).toThrow(/COMPLEX_TABLE_NAME/);
  });

  it('accepts only an http(s) source URL', () => {
    process.env.PUBLIC_DATA_REAL_TRANSACTION_URL =
      'https://apis.data.go.kr/1613000/RTMSDataSvcAptTrade/getRTMSDataSvcAptTrade';
    expect(crawlerConfig.publicDataUrl()).toBe(process.env.PUBLIC_DATA_REAL_TRANSACTION_URL);
    process.env.PUBLIC_DATA_REAL_TRANSACTION_URL = 'apis.data.go.kr/1613000';
    expect(() => crawlerConfig.publicDataUrl()).toThrow(InvalidConfigError);
  });
});
