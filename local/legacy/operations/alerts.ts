import { type LegacyOperation, listQuery, parseInstant, requiredQuery } from '../operation';
import { asAlertTransaction } from '../store';

const byTime =
  <T>(time: (item: T) => string) =>
  (a: T, b: T) =>
    Date.parse(time(a)) - Date.parse(time(b));

/**
 * `GET /v1/alerts/lowest-price`: active listings in the complexes that were listed, or had their
 * asking price lowered, at or after `since`, with the complex's name for the notification.
 */
export const getLowestPriceAlerts: LegacyOperation = (request, store) => {
  const complexIds = new Set(listQuery(request.query, 'complexIds'));
  const sinceMs = parseInstant(requiredQuery(request.query, 'since'), 'since');
  const changedAt = (listing: { listedAt: string; priceChangedAt?: string }) =>
    listing.priceChangedAt ?? listing.listedAt;
  const items = store.data.listings
    .filter((listing) => listing.status === 'ACTIVE' && complexIds.has(listing.complexId))
    .filter((listing) => Date.parse(changedAt(listing)) >= sinceMs)
    .sort(byTime(changedAt))
    .map((listing) => ({
      id: listing.id,
      complexId: listing.complexId,
      complexName: listing.complexName,
      priceWon: listing.priceWon,
      exclusiveAreaM2: listing.exclusiveAreaM2,
      floor: listing.floor,
      listedAt: listing.listedAt,
      ...(listing.previousPriceWon !== undefined
        ? { previousPriceWon: listing.previousPriceWon, priceChangedAt: listing.priceChangedAt }
        : {}),
    }));
  return { status: 200, body: { items } };
};

/**
 * `GET /v1/alerts/presales`: 분양 (pre-sale) announcements made at or after `since` in the regions.
 * A region code matches by prefix: `11680` (a 시군구) covers every 법정동 of 강남구.
 */
export const getPresaleAlerts: LegacyOperation = (request, store) => {
  const regionCodes = listQuery(request.query, 'regionCodes');
  const sinceMs = parseInstant(requiredQuery(request.query, 'since'), 'since');
  const items = store.data.presales
    .filter((presale) => regionCodes.some((code) => presale.regionCode.startsWith(code)))
    .filter((presale) => Date.parse(presale.announcedAt) >= sinceMs)
    .sort(byTime((presale) => presale.announcedAt));
  return { status: 200, body: { items } };
};

/**
 * `GET /v1/alerts/real-transactions`: 실거래 (registered transactions) registered at or after `since`,
 * with the complex's name for the notification.
 */
export const getRealTransactionAlerts: LegacyOperation = (request, store) => {
  const complexIds = new Set(listQuery(request.query, 'complexIds'));
  const sinceMs = parseInstant(requiredQuery(request.query, 'since'), 'since');
  const complexNames = new Map(store.data.complexes.map((complex) => [complex.id, complex.name]));
  // An unknown complex has no name to give: JSON leaves the undefined field out.
  const sample = store.data.realTransactions.map((transaction) => ({
    ...transaction,
    complexName: complexNames.get(transaction.complexId),
  }));
  const saved = [...store.savedRealTransactions.values()].flatMap((row) => {
    const transaction = asAlertTransaction(row);
    return transaction ? [{ ...transaction, complexName: row.complexName }] : [];
  });
  const items = [...sample, ...saved]
    .filter((transaction) => complexIds.has(transaction.complexId))
    .filter((transaction) => Date.parse(transaction.registeredAt) >= sinceMs)
    .sort(byTime((transaction) => transaction.registeredAt));
  return { status: 200, body: { items } };
};
