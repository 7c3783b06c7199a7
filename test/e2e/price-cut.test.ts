import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInUser } from './app-user';
import { invoke, ok, putReference, type User } from './e2e-support';

// A price cut made on the Legacy stand-in (the inbox's PUT /api/legacy/reference/listings/<id>)
// reaches a LOWEST_PRICE subscriber through the real alert-lowest-price run. The complex, the
// listing and the subscriber are this file's own.

type Notification = { type: string; title: string; body: string; subjectId: string | null };

const suffix = randomUUID().slice(0, 8);
const COMPLEX = `CPX-E2E-CUT-${suffix}`;
const LISTING = `LST-E2E-CUT-${suffix}`;
let subscriber: User;

async function lowestPriceNotifications(): Promise<Notification[]> {
  const page = await subscriber.model<Notification[]>(
    'Notification',
    'listNotificationsByUser',
    { userId: subscriber.sub },
    { limit: 1000 },
  );
  return ok(page).filter((row) => row.type === 'LOWEST_PRICE' && row.subjectId === LISTING);
}

beforeAll(async () => {
  await putReference('complexes', COMPLEX, { name: '컷테스트', regionCode: '1168010600', jibun: '1' });
  await putReference('listings', LISTING, { complexId: COMPLEX, priceWon: 2_600_000_000, floor: 9 });
  subscriber = await signedInUser();
  ok(
    await subscriber.mutation('addAlertSubscription', {
      kind: 'LOWEST_PRICE',
      target: COMPLEX,
      thresholdWon: 2_550_000_000,
    }),
  );
});

afterAll(() => subscriber?.close());

describe('a price cut on the Legacy stand-in', () => {
  it('tells the LOWEST_PRICE subscriber once the cut brings the listing under their threshold', async () => {
    // Listed above the threshold: the run sees it and tells no one.
    await invoke('alert-lowest-price');
    expect(await lowestPriceNotifications()).toEqual([]);

    await putReference('listings', LISTING, { priceWon: 2_530_000_000 });
    await invoke('alert-lowest-price');

    const told = await lowestPriceNotifications();
    expect(told).toHaveLength(1);
    expect(told[0]!.title).toContain('25억 3천만원');
    expect(told[0]!.body).toContain('7천만원 내린 가격이에요');
  });
});
