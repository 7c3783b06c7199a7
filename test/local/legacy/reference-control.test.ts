import { afterEach, describe, expect, it } from 'vitest';
import { lowestPriceAlert } from '../../../amplify/functions/alert-lowest-price/lowest-price-alert';
import { call, NOW, startTestLegacyApi, stopAll } from './legacy-fixture';

afterEach(stopAll);

const iso = (ms: number) => new Date(ms).toISOString();

describe('Legacy API stand-in: changing reference data while it runs', () => {
  it('adds a broker linked to an app user, stamped now, so the next sync sees it', async () => {
    const api = await startTestLegacyApi();
    api.putReferenceItem('brokers', 'BRK-900', {
      name: '테스트',
      officeName: '테스트공인중개사사무소',
      regionCodes: ['1168010600'],
      userId: 'sub-1',
    });
    const response = await call(api, 'GET', `/v1/brokers?updatedSince=${iso(NOW)}`);
    expect(response.json.items).toEqual([
      {
        id: 'BRK-900',
        name: '테스트',
        officeName: '테스트공인중개사사무소',
        regionCodes: ['1168010600'],
        active: true,
        userId: 'sub-1',
        updatedAt: iso(NOW),
      },
    ]);
  });

  it('changes an existing broker and keeps the fields it does not name', async () => {
    const api = await startTestLegacyApi();
    api.putReferenceItem('brokers', 'BRK-301', { active: false });
    const broker = api.store.data.brokers.find((item) => item.id === 'BRK-301')!;
    expect(broker).toMatchObject({ name: '김민준', active: false, updatedAt: iso(NOW) });
  });

  it('adds a listing in a known complex with the complex filled in', async () => {
    const api = await startTestLegacyApi();
    api.putReferenceItem('listings', 'LST-90001', { complexId: 'CPX-1001', priceWon: 2_000_000_000 });
    const response = await call(api, 'GET', `/v1/listings?updatedSince=${iso(NOW)}`);
    expect(response.json.items).toEqual([
      expect.objectContaining({
        id: 'LST-90001',
        complexId: 'CPX-1001',
        complexName: '은마',
        regionCode: '1168010600',
        priceWon: 2_000_000_000,
        status: 'ACTIVE',
      }),
    ]);
  });

  it('records a price cut as the Legacy API does, so the lowest-price feed and alert report the cut', async () => {
    let now = NOW;
    const api = await startTestLegacyApi({ now: () => now });
    api.putReferenceItem('listings', 'LST-90002', {
      complexId: 'CPX-1001',
      priceWon: 2_600_000_000,
      floor: 9,
    });
    expect(api.store.data.listings.find((item) => item.id === 'LST-90002')).not.toHaveProperty(
      'previousPriceWon',
      expect.anything(),
    );

    now = NOW + 60_000;
    api.putReferenceItem('listings', 'LST-90002', { priceWon: 2_530_000_000 });

    const feed = await call(
      api,
      'GET',
      `/v1/alerts/lowest-price?complexIds=CPX-1001&since=${encodeURIComponent(iso(NOW + 1000))}`,
    );
    const cut = feed.json.items.find((item: { id: string }) => item.id === 'LST-90002');
    expect(cut).toMatchObject({
      priceWon: 2_530_000_000,
      previousPriceWon: 2_600_000_000,
      priceChangedAt: iso(now),
    });
    // What alert-lowest-price makes of it for a subscriber whose threshold the cut crossed.
    const [listing] = lowestPriceAlert.parseFeed({ items: [cut] }).items;
    const message = lowestPriceAlert.message(listing!, { thresholdWon: 2_550_000_000 } as never);
    expect(lowestPriceAlert.wants(listing!, { thresholdWon: 2_550_000_000 } as never)).toBe(true);
    expect(message.body).toContain('7천만원 내린 가격이에요');
  });

  it('keeps a cut when the price is restated unchanged and clears it when the price goes up', async () => {
    let now = NOW;
    const api = await startTestLegacyApi({ now: () => now });
    api.putReferenceItem('listings', 'LST-90003', { complexId: 'CPX-1001', priceWon: 2_600_000_000 });
    now += 60_000;
    api.putReferenceItem('listings', 'LST-90003', { priceWon: 2_500_000_000 });
    const cutAt = iso(now);
    now += 60_000;
    api.putReferenceItem('listings', 'LST-90003', { priceWon: 2_500_000_000, floor: 3 });
    const listing = () => api.store.data.listings.find((item) => item.id === 'LST-90003')!;
    expect(listing()).toMatchObject({ previousPriceWon: 2_600_000_000, priceChangedAt: cutAt, floor: 3 });

    now += 60_000;
    api.putReferenceItem('listings', 'LST-90003', { priceWon: 2_700_000_000 });
    expect(listing().previousPriceWon).toBeUndefined();
    expect(listing().priceChangedAt).toBeUndefined();
  });

  it('refuses unknown kinds, unknown fields, bad region codes and incomplete new items, naming the field', async () => {
    const api = await startTestLegacyApi();
    expect(() => api.putReferenceItem('presales', 'X', {})).toThrow(/^kind:/);
    expect(() => api.putReferenceItem('brokers', 'BRK-301', { phone: '010' })).toThrow(/^phone:/);
    expect(() => api.putReferenceItem('brokers', 'BRK-301', { regionCodes: ['116'] })).toThrow(
      /^regionCodes:/,
    );
    expect(() => api.putReferenceItem('brokers', 'BRK-999', { name: '새' })).toThrow(/^body:/);
    expect(() => api.putReferenceItem('listings', 'LST-1', { complexId: 'CPX-0' })).toThrow(/^complexId:/);
    expect(() => api.putReferenceItem('listings', 'LST-1', { status: 'GONE' })).toThrow(/^status:/);
    expect(() => api.putReferenceItem('brokers', 'bad id!', { active: true })).toThrow(/^id:/);
    expect(api.store.data.brokers.find((item) => item.id === 'BRK-999')).toBeUndefined();
  });
});
