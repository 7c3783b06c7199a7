import { createHash } from 'node:crypto';
import {
  ALERT_KINDS,
  type AlertKind,
  type AlertSubscriptionRow,
  canonicalAlertTarget,
  isAlertKind,
} from '../shared/alerts/alert-plan';
import { accept, type Decision, type Refusal, refuse } from '../shared/decision';

/**
 * What an owner may do with their AlertSubscriptions (addAlertSubscription,
 * editAlertSubscription, removeAlertSubscription): the kind, the target's shape for the kind, a
 * positive whole threshold for LOWEST_PRICE only, a short label, and a bounded number per user.
 */

export const MAX_SUBSCRIPTIONS_PER_USER = 30;
export const MAX_LABEL_LENGTH = 50;
/** 1조원: far above any home, low enough to stay an exact integer in a GraphQL Float. */
export const MAX_THRESHOLD_WON = 1_000_000_000_000;

/** An AlertSubscription row as AppSync returns it. */
export type AlertSubscriptionItem = AlertSubscriptionRow & { createdAt: string; updatedAt: string };

/** The row to create (AppSync adds createdAt and updatedAt). */
export type NewAlertSubscription = AlertSubscriptionRow;

/**
 * One subscription per user, kind and target: the id is derived from them, so a second add of the
 * same alert (a retry, or two devices at once) meets the first row instead of making another.
 */
export function subscriptionIdFor(userId: string, kind: AlertKind, target: string): string {
  return createHash('sha256').update(`alert-subscription:${userId}:${kind}:${target}`, 'utf8').digest('hex');
}

function invalidTarget(kind: AlertKind): Refusal {
  return kind === 'PRESALE'
    ? refuse(
        'INVALID_ALERT_TARGET',
        '분양 알림 지역은 5자리 시군구 코드 또는 10자리 법정동 코드로 지정해주세요.',
        'A PRESALE target is a 5-digit 시군구 code or a 10-digit 법정동 code (a whole 시도 is too broad).',
      )
    : refuse(
        'INVALID_ALERT_TARGET',
        '단지 ID 형식이 올바르지 않습니다.',
        `A ${kind} target is a complex id, e.g. CPX-1001.`,
      );
}

/** LOWEST_PRICE needs a threshold; the other kinds take none (null). */
export function validateThreshold(kind: AlertKind, value: unknown): Decision<number | null> {
  if (kind !== 'LOWEST_PRICE') {
    return value === undefined || value === null
      ? accept(null)
      : refuse(
          'THRESHOLD_NOT_ALLOWED',
          '이 알림에는 희망 가격을 설정할 수 없습니다.',
          'Only LOWEST_PRICE alerts take a thresholdWon.',
        );
  }
  if (value === undefined || value === null) {
    return refuse(
      'THRESHOLD_REQUIRED',
      '최저가 알림에는 희망 가격(원)이 필요합니다.',
      'A LOWEST_PRICE alert needs a thresholdWon.',
    );
  }
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0 || value > MAX_THRESHOLD_WON) {
    return refuse(
      'INVALID_THRESHOLD',
      '희망 가격은 1원 이상 1조원 이하의 정수(원 단위)로 입력해주세요.',
      `thresholdWon must be a whole number of won from 1 to ${MAX_THRESHOLD_WON}.`,
    );
  }
  return accept(value);
}

/** An optional name for the alert; blank is none. */
export function validateLabel(value: unknown): Decision<string | null> {
  if (value === undefined || value === null) return accept(null);
  if (typeof value !== 'string' || /\p{Cc}/u.test(value)) {
    return refuse(
      'INVALID_LABEL',
      '알림 이름에 사용할 수 없는 문자가 있습니다.',
      'label must be text without control characters.',
    );
  }
  const label = value.trim();
  if (label === '') return accept(null);
  // Counted in characters, not UTF-16 units: 50 Korean syllables or emoji are 50.
  if ([...label].length > MAX_LABEL_LENGTH) {
    return refuse(
      'LABEL_TOO_LONG',
      `알림 이름은 ${MAX_LABEL_LENGTH}자 이내로 입력해주세요.`,
      `label must be at most ${MAX_LABEL_LENGTH} characters.`,
    );
  }
  return accept(label);
}

export interface AddRequest {
  callerId: string;
  /** As the client sent them. */
  kind: unknown;
  target: unknown;
  thresholdWon: unknown;
  label: unknown;
}

/** The subscription an add asks for, validated, with its id; nothing is read yet. */
export function validateAdd(request: AddRequest): Decision<NewAlertSubscription> {
  const { kind } = request;
  if (!isAlertKind(kind)) {
    const shown = String(kind).slice(0, 40);
    return refuse(
      'UNSUPPORTED_ALERT_KIND',
      `지원하지 않는 알림 종류입니다: ${shown}`,
      `Unsupported alert kind ${shown}; use ${ALERT_KINDS.join(', ')}.`,
    );
  }
  const target = typeof request.target === 'string' ? canonicalAlertTarget(kind, request.target) : undefined;
  if (target === undefined) return invalidTarget(kind);
  const thresholdWon = validateThreshold(kind, request.thresholdWon);
  if (!thresholdWon.ok) return thresholdWon;
  const label = validateLabel(request.label);
  if (!label.ok) return label;
  return accept({
    id: subscriptionIdFor(request.callerId, kind, target),
    userId: request.callerId,
    kind,
    target,
    ...(thresholdWon.value === null ? {} : { thresholdWon: thresholdWon.value }),
    ...(label.value === null ? {} : { label: label.value }),
  });
}

const sameSettings = (a: AlertSubscriptionRow, b: AlertSubscriptionRow) =>
  (a.thresholdWon ?? null) === (b.thresholdWon ?? null) && (a.label ?? null) === (b.label ?? null);

export type AddDecision =
  | { action: 'create'; subscription: NewAlertSubscription }
  | { action: 'return-existing'; subscription: AlertSubscriptionItem };

/**
 * Whether to create the planned row, given the row already under its id and how many the caller
 * has. The same add again returns the row it made; the same alert with other settings is refused
 * (edit it instead); a new one past the limit is refused.
 */
export function decideAdd(
  planned: NewAlertSubscription,
  existing: AlertSubscriptionItem | undefined,
  ownedCount: number,
): Decision<AddDecision> {
  if (existing) {
    if (sameSettings(existing, planned)) return accept({ action: 'return-existing', subscription: existing });
    return refuse(
      'ALERT_ALREADY_SUBSCRIBED',
      '이미 등록된 알림입니다. 기존 알림을 수정해주세요.',
      'You already have this alert; edit it instead.',
    );
  }
  if (ownedCount >= MAX_SUBSCRIPTIONS_PER_USER) {
    return refuse(
      'TOO_MANY_ALERT_SUBSCRIPTIONS',
      `알림은 최대 ${MAX_SUBSCRIPTIONS_PER_USER}개까지 등록할 수 있습니다. 사용하지 않는 알림을 삭제해주세요.`,
      `You have ${MAX_SUBSCRIPTIONS_PER_USER} alerts, the most allowed; remove one first.`,
    );
  }
  return accept({ action: 'create', subscription: planned });
}

/** Someone else's subscription reads the same as one that doesn't exist. */
export function subscriptionNotFound(): Refusal {
  return refuse('ALERT_SUBSCRIPTION_NOT_FOUND', '알림을 찾을 수 없습니다.', 'Alert subscription not found.');
}

export interface SubscriptionChange {
  id: string;
  thresholdWon?: number | null;
  label?: string | null;
}

export interface EditRequest {
  callerId: string;
  /** undefined: keep; null: clear (refused where the kind requires it). */
  thresholdWon: unknown;
  label: unknown;
}

/** The owner changes the threshold and/or label; kind and target are the subscription's identity. */
export function planEdit(
  row: AlertSubscriptionItem | undefined,
  request: EditRequest,
): Decision<{ subscription: AlertSubscriptionItem; change?: SubscriptionChange }> {
  if (!row || row.userId !== request.callerId) return subscriptionNotFound();
  const change: SubscriptionChange = { id: row.id };
  if (request.thresholdWon !== undefined) {
    const thresholdWon = validateThreshold(row.kind, request.thresholdWon);
    if (!thresholdWon.ok) return thresholdWon;
    if (thresholdWon.value !== (row.thresholdWon ?? null)) change.thresholdWon = thresholdWon.value;
  }
  if (request.label !== undefined) {
    const label = validateLabel(request.label);
    if (!label.ok) return label;
    if (label.value !== (row.label ?? null)) change.label = label.value;
  }
  // Nothing changed: no write, so subscribers see no update that isn't one.
  if (Object.keys(change).length === 1) return accept({ subscription: row });
  return accept({ subscription: row, change });
}

export function checkRemove(
  row: AlertSubscriptionItem | undefined,
  callerId: string,
): Decision<AlertSubscriptionItem> {
  return row && row.userId === callerId ? accept(row) : subscriptionNotFound();
}
