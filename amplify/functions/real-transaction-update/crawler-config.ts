import { config, InvalidConfigError, requiredSetting as required } from '../shared/config';
import { CRAWLER_ENV } from './env-names';

/**
 * real-transaction-update's own settings (only this function reads them): the data.go.kr source,
 * its key, the 시군구 (district) codes to crawl, and the tables it reads and writes directly.
 * Read on each call so tests can set process.env first.
 */

/** `11680,11650` → ['11680', '11650']; every entry a 5-digit 시군구 code, no repeats. */
export function parseLawdCodes(
  value: string,
  variable: string = CRAWLER_ENV.REAL_TRANSACTION_LAWD_CODES,
): string[] {
  const codes = value
    .split(',')
    .map((code) => code.trim())
    .filter((code) => code !== '');
  if (codes.length === 0 || codes.some((code) => !/^\d{5}$/.test(code))) {
    throw new InvalidConfigError(variable, 'comma-separated 5-digit 시군구 codes, e.g. 11680,11650');
  }
  return [...new Set(codes)];
}

export const crawlerConfig = {
  /** 국토교통부 아파트 매매 실거래가 (data.go.kr); locally the Legacy stand-in's imitation. */
  publicDataUrl(): string {
    const value = required(CRAWLER_ENV.PUBLIC_DATA_REAL_TRANSACTION_URL).trim();
    try {
      const url = new URL(value);
      if (url.protocol === 'https:' || url.protocol === 'http:') return url.href;
    } catch {
      // Reported below with the variable's name.
    }
    throw new InvalidConfigError(CRAWLER_ENV.PUBLIC_DATA_REAL_TRANSACTION_URL, 'an http(s) URL');
  },
  /** The data.go.kr serviceKey as issued (its "Decoding" form: URLSearchParams encodes it once). */
  publicDataServiceKey: (): string => required(CRAWLER_ENV.PUBLIC_DATA_SERVICE_KEY).trim(),
  lawdCodes: (): string[] => parseLawdCodes(required(CRAWLER_ENV.REAL_TRANSACTION_LAWD_CODES)),
  complexTableName: config.complexTableName,
};
