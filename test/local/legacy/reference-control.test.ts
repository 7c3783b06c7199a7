import { afterEach, describe, expect, it } from 'vitest';
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
