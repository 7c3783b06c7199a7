import {
  type AlertDefinition,
  isPositive,
  isText,
  optionalText,
  parseFeedItems,
} from '../shared/alerts/alert-plan';
import { formatAreaM2, formatFloor, formatWon } from '../shared/alerts/korean-format';

/** A listing from `GET /v1/alerts/lowest-price`: new, or its asking price lowered, since the last run. */
export interface LowestPriceListing {
  id: string;
  complexId: string;
  complexName?: string;
  priceWon: number;
  exclusiveAreaM2: number;
  floor: number;
  listedAt: string;
  /** Present when the asking price was lowered. */
  previousPriceWon?: number;
  priceChangedAt?: string;
}

function parseListing(raw: Record<string, unknown>): LowestPriceListing | undefined {
  const { id, complexId, priceWon, exclusiveAreaM2, floor, listedAt, previousPriceWon, priceChangedAt } = raw;
  if (!isText(id) || !isText(complexId) || !isText(listedAt)) return undefined;
  if (!isPositive(priceWon) || !isPositive(exclusiveAreaM2) || !Number.isInteger(floor)) return undefined;
  const complexName = optionalText(raw.complexName);
  return {
    id,
    complexId,
    ...(complexName ? { complexName } : {}),
    priceWon,
    exclusiveAreaM2,
    floor: floor as number,
    listedAt,
    ...(isPositive(previousPriceWon) ? { previousPriceWon } : {}),
    ...(isText(priceChangedAt) ? { priceChangedAt } : {}),
  };
}

/** LOWEST_PRICE (최저가 알림): a listing in a subscribed complex at or under the subscriber's threshold. */
export const lowestPriceAlert: AlertDefinition<LowestPriceListing> = {
  kind: 'LOWEST_PRICE',
  feedPath: (targets, since) =>
    `/v1/alerts/lowest-price?complexIds=${targets.map(encodeURIComponent).join(',')}` +
    `&since=${encodeURIComponent(since)}`,
  parseFeed: (body) => parseFeedItems(body, 'lowest-price', parseListing),
  isAbout: (listing, target) => listing.complexId === target,
  // A subscription without a threshold (made before validation) wants nothing.
  wants: (listing, subscription) =>
    isPositive(subscription.thresholdWon) && listing.priceWon <= subscription.thresholdWon,
  subjectId: (listing) => listing.id,
  message(listing, subscription) {
    const complex = listing.complexName ?? optionalText(subscription.label) ?? '관심 단지';
    const threshold = formatWon(subscription.thresholdWon ?? listing.priceWon);
    const lowered =
      listing.previousPriceWon !== undefined && listing.previousPriceWon > listing.priceWon
        ? listing.previousPriceWon - listing.priceWon
        : undefined;
    const what =
      lowered === undefined
        ? `알림 기준 ${threshold} 이하 매물이 새로 나왔어요.`
        : `${formatWon(lowered)} 내린 가격이에요. 알림 기준 ${threshold} 이하 매물입니다.`;
    return {
      title: `${complex} ${formatAreaM2(listing.exclusiveAreaM2)} ${formatWon(listing.priceWon)} 최저가 매물`,
      body: `${formatFloor(listing.floor)} · ${what}`,
      deepLink: `bootalk://listing/${encodeURIComponent(listing.id)}`,
    };
  },
};
