import { describe, expect, it } from 'vitest';
import {
  type LowestPriceListing,
  lowestPriceAlert,
} from '../../../../amplify/functions/alert-lowest-price/lowest-price-alert';
import {
  type PresaleAnnouncement,
  presaleAlert,
} from '../../../../amplify/functions/alert-presale/presale-alert';
import {
  type RealTransaction,
  realTransactionAlert,
} from '../../../../amplify/functions/alert-real-transaction/real-transaction-alert';
import { subscription } from '../../../support/alert-fixtures';

const SINCE = '2025-03-13T02:50:00.000Z';

describe('LOWEST_PRICE (최저가 알림)', () => {
  const listing: LowestPriceListing = {
    id: 'LST-20002',
    complexId: 'CPX-1001',
    complexName: '은마',
    priceWon: 2_530_000_000,
    exclusiveAreaM2: 84.43,
    floor: 9,
    listedAt: '2025-03-03T01:00:00.000Z',
  };
  const subscriber = (thresholdWon: number | null, label: string | null = null) =>
    subscription({ userId: 'u1', kind: 'LOWEST_PRICE', target: 'CPX-1001', thresholdWon, label });

  it('asks the feed for the complexes since a time, encoded', () => {
    expect(lowestPriceAlert.feedPath(['CPX-1001', 'CPX 9/9'], SINCE)).toBe(
      '/v1/alerts/lowest-price?complexIds=CPX-1001,CPX%209%2F9&since=2025-03-13T02%3A50%3A00.000Z',
    );
  });

  it('keeps well-formed listings and counts the rest', () => {
    const { items, malformed } = lowestPriceAlert.parseFeed({
      items: [
        { ...listing, previousPriceWon: 2_580_000_000, priceChangedAt: '2025-03-13T01:00:00.000Z' },
        { ...listing, complexName: undefined },
        { ...listing, priceWon: 0 },
        { ...listing, priceWon: '25억' },
        { ...listing, id: '' },
        { ...listing, floor: 9.5 },
        { ...listing, exclusiveAreaM2: null },
      ],
    });
    expect(items).toEqual([
      { ...listing, previousPriceWon: 2_580_000_000, priceChangedAt: '2025-03-13T01:00:00.000Z' },
      {
        id: 'LST-20002',
        complexId: 'CPX-1001',
        priceWon: 2_530_000_000,
        exclusiveAreaM2: 84.43,
        floor: 9,
        listedAt: '2025-03-03T01:00:00.000Z',
      },
    ]);
    expect(malformed).toBe(5);
  });

  it('wants a listing at or under the threshold, never one above it, nothing without a threshold', () => {
    expect(lowestPriceAlert.wants(listing, subscriber(2_530_000_000))).toBe(true);
    expect(lowestPriceAlert.wants(listing, subscriber(3_000_000_000))).toBe(true);
    expect(lowestPriceAlert.wants(listing, subscriber(2_529_990_000))).toBe(false);
    expect(lowestPriceAlert.wants(listing, subscriber(null))).toBe(false);
  });

  it('is about its own complex only', () => {
    expect(lowestPriceAlert.isAbout(listing, 'CPX-1001')).toBe(true);
    expect(lowestPriceAlert.isAbout(listing, 'CPX-100')).toBe(false);
  });

  it('names the complex, the type, the price and the threshold in Korean', () => {
    expect(lowestPriceAlert.message(listing, subscriber(2_550_000_000))).toEqual({
      title: '은마 84㎡ 25억 3천만원 최저가 매물',
      body: '9층 · 알림 기준 25억 5천만원 이하 매물이 새로 나왔어요.',
      deepLink: 'bootalk://listing/LST-20002',
    });
  });

  it('says how much a lowered price came down', () => {
    const lowered = { ...listing, previousPriceWon: 2_580_000_000, floor: -1 };
    expect(lowestPriceAlert.message(lowered, subscriber(2_550_000_000)).body).toBe(
      '지하 1층 · 5천만원 내린 가격이에요. 알림 기준 25억 5천만원 이하 매물입니다.',
    );
  });

  it('falls back to the label, then to 관심 단지, when the feed gives no complex name', () => {
    const { complexName: _name, ...unnamed } = listing;
    expect(lowestPriceAlert.message(unnamed, subscriber(3_000_000_000, '우리 아파트')).title).toBe(
      '우리 아파트 84㎡ 25억 3천만원 최저가 매물',
    );
    expect(lowestPriceAlert.message(unnamed, subscriber(3_000_000_000)).title).toBe(
      '관심 단지 84㎡ 25억 3천만원 최저가 매물',
    );
  });
});

describe('PRESALE (분양 알림)', () => {
  const presale: PresaleAnnouncement = {
    id: 'PRS-501',
    regionCode: '1165010100',
    name: '래미안 원페를라',
    supplyHouseholds: 465,
    applicationStart: '2025-03-24',
    applicationEnd: '2025-03-26',
    announcedAt: '2025-03-13T19:48:00.000Z',
  };
  const subscriber = (label: string | null = null) =>
    subscription({ userId: 'u1', kind: 'PRESALE', target: '11650', label });

  it('asks the feed for the region codes', () => {
    expect(presaleAlert.feedPath(['11650', '1168010600'], SINCE)).toBe(
      '/v1/alerts/presales?regionCodes=11650,1168010600&since=2025-03-13T02%3A50%3A00.000Z',
    );
  });

  it('matches a region by prefix: a 시군구 covers its 법정동, a 법정동 only itself', () => {
    expect(presaleAlert.isAbout(presale, '11650')).toBe(true);
    expect(presaleAlert.isAbout(presale, '1165010100')).toBe(true);
    expect(presaleAlert.isAbout(presale, '1165010200')).toBe(false);
    expect(presaleAlert.isAbout(presale, '11680')).toBe(false);
  });

  it('keeps announcements with an id, a name and a 10-digit region code', () => {
    const { items, malformed } = presaleAlert.parseFeed({
      items: [
        presale,
        { ...presale, supplyHouseholds: -3, applicationEnd: '' },
        { ...presale, regionCode: '11650' },
        { ...presale, name: null },
      ],
    });
    expect(items).toEqual([
      presale,
      {
        id: 'PRS-501',
        regionCode: '1165010100',
        name: '래미안 원페를라',
        applicationStart: '2025-03-24',
        announcedAt: '2025-03-13T19:48:00.000Z',
      },
    ]);
    expect(malformed).toBe(2);
  });

  it('gives the name, the households and the application days', () => {
    expect(presaleAlert.message(presale, subscriber())).toEqual({
      title: '래미안 원페를라 분양 공고',
      body: '465세대 · 청약 3월 24일~3월 26일',
      deepLink: 'bootalk://presale/PRS-501',
    });
    expect(presaleAlert.message(presale, subscriber('반포 관심')).body).toBe(
      '반포 관심 · 465세대 · 청약 3월 24일~3월 26일',
    );
  });

  it('still says something when the announcement has no details', () => {
    const bare = { id: 'PRS-9', regionCode: '1165010100', name: '새 단지', announcedAt: presale.announcedAt };
    expect(presaleAlert.message(bare, subscriber()).body).toBe('관심 지역에 새 분양 공고가 나왔어요.');
    expect(presaleAlert.message({ ...bare, applicationStart: '2025-04-01' }, subscriber()).body).toBe(
      '청약 4월 1일',
    );
  });
});

describe('REAL_TRANSACTION (실거래 알림)', () => {
  const transaction: RealTransaction = {
    id: 'RTX-70001',
    complexId: 'CPX-1001',
    complexName: '은마',
    priceWon: 2_230_000_000,
    exclusiveAreaM2: 76.79,
    floor: 23,
    contractDate: '2025-03-09',
    registeredAt: '2025-03-14T02:00:00.000Z',
  };
  const subscriber = subscription({ userId: 'u1', kind: 'REAL_TRANSACTION', target: 'CPX-1001' });

  it('asks the feed for the complexes', () => {
    expect(realTransactionAlert.feedPath(['CPX-1001'], SINCE)).toBe(
      '/v1/alerts/real-transactions?complexIds=CPX-1001&since=2025-03-13T02%3A50%3A00.000Z',
    );
  });

  it('keeps well-formed transactions and counts the rest', () => {
    const { items, malformed } = realTransactionAlert.parseFeed({
      items: [transaction, { ...transaction, contractDate: undefined }, { ...transaction, priceWon: -1 }],
    });
    expect(items).toEqual([transaction]);
    expect(malformed).toBe(2);
  });

  it('tells every subscriber of the complex, whatever the price', () => {
    expect(realTransactionAlert.wants(transaction, subscriber)).toBe(true);
    expect(realTransactionAlert.isAbout(transaction, 'CPX-1001')).toBe(true);
    expect(realTransactionAlert.isAbout(transaction, 'CPX-1002')).toBe(false);
  });

  it('gives the complex, the type, the price, the floor and the contract day', () => {
    expect(realTransactionAlert.message(transaction, subscriber)).toEqual({
      title: '은마 76㎡ 22억 3천만원 실거래',
      body: '23층 · 3월 9일 계약된 거래가 등록됐어요.',
      deepLink: 'bootalk://complex/CPX-1001/real-transactions/RTX-70001',
    });
  });
});
