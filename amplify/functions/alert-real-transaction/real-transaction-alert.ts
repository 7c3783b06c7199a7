import {
  type AlertDefinition,
  isPositive,
  isText,
  optionalText,
  parseFeedItems,
} from '../shared/alerts/alert-plan';
import { formatAreaM2, formatFloor, formatKoreanDate, formatWon } from '../shared/alerts/korean-format';

/** A 실거래 (registered real transaction) from `GET /v1/alerts/real-transactions`. */
export interface RealTransaction {
  id: string;
  complexId: string;
  complexName?: string;
  priceWon: number;
  exclusiveAreaM2: number;
  floor: number;
  /** YYYY-MM-DD, KST. */
  contractDate: string;
  registeredAt: string;
}

function parseTransaction(raw: Record<string, unknown>): RealTransaction | undefined {
  const { id, complexId, priceWon, exclusiveAreaM2, floor, contractDate, registeredAt } = raw;
  if (!isText(id) || !isText(complexId) || !isText(contractDate) || !isText(registeredAt)) return undefined;
  if (!isPositive(priceWon) || !isPositive(exclusiveAreaM2) || !Number.isInteger(floor)) return undefined;
  const complexName = optionalText(raw.complexName);
  return {
    id,
    complexId,
    ...(complexName ? { complexName } : {}),
    priceWon,
    exclusiveAreaM2,
    floor: floor as number,
    contractDate,
    registeredAt,
  };
}

/** REAL_TRANSACTION (실거래 알림): a newly registered transaction in a subscribed complex. */
export const realTransactionAlert: AlertDefinition<RealTransaction> = {
  kind: 'REAL_TRANSACTION',
  feedPath: (targets, since) =>
    `/v1/alerts/real-transactions?complexIds=${targets.map(encodeURIComponent).join(',')}` +
    `&since=${encodeURIComponent(since)}`,
  parseFeed: (body) => parseFeedItems(body, 'real-transactions', parseTransaction),
  isAbout: (transaction, target) => transaction.complexId === target,
  wants: () => true,
  subjectId: (transaction) => transaction.id,
  message(transaction, subscription) {
    const complex = transaction.complexName ?? optionalText(subscription.label) ?? '관심 단지';
    return {
      title: `${complex} ${formatAreaM2(transaction.exclusiveAreaM2)} ${formatWon(transaction.priceWon)} 실거래`,
      body: `${formatFloor(transaction.floor)} · ${formatKoreanDate(transaction.contractDate)} 계약된 거래가 등록됐어요.`,
      deepLink:
        `bootalk://complex/${encodeURIComponent(transaction.complexId)}` +
        `/real-transactions/${encodeURIComponent(transaction.id)}`,
    };
  },
};
