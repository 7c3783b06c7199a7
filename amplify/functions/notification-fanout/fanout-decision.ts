import { InvalidConfigError } from '../shared/config';
import { NOTIFICATION_TYPES, type NotificationType } from '../shared/notifications/notification-create';

export { NOTIFICATION_TYPES, type NotificationType };

const isNotificationType = (name: string): name is NotificationType =>
  (NOTIFICATION_TYPES as readonly string[]).includes(name);

/** A promotion is advertising by definition: no configuration can make it informational. */
export const ALWAYS_ADVERTISING: NotificationType = 'MARKETING';

/**
 * The advertising types from their configured names (ADVERTISING_NOTIFICATION_TYPES). A name that
 * is not a notification type is refused: a typo must not quietly turn advertising informational.
 */
export function advertisingTypesFrom(names: readonly string[]): ReadonlySet<NotificationType> {
  const unknown = names.filter((name) => !isNotificationType(name));
  if (unknown.length > 0) {
    throw new InvalidConfigError(
      'ADVERTISING_NOTIFICATION_TYPES',
      `a comma-separated list of ${NOTIFICATION_TYPES.join(', ')} (unknown: ${unknown.join(', ')})`,
    );
  }
  return new Set<NotificationType>([ALWAYS_ADVERTISING, ...(names as NotificationType[])]);
}

/** Korea has one offset all year (no daylight saving). */
const KST_OFFSET_HOURS = 9;
/** 정보통신망법 제50조③: no advertising from 21:00 to 08:00 without separate consent. */
export const NIGHT_STARTS_AT_HOUR_KST = 21;
export const NIGHT_ENDS_AT_HOUR_KST = 8;

/** Whether `now` falls in the advertising night, 21:00:00 up to (not including) 08:00:00 KST. */
export function isAdvertisingNight(now: Date): boolean {
  const hour = (now.getUTCHours() + KST_OFFSET_HOURS) % 24;
  return hour >= NIGHT_STARTS_AT_HOUR_KST || hour < NIGHT_ENDS_AT_HOUR_KST;
}

/** UserProfile.consents; an absent or null flag is no consent. */
export interface Consents {
  marketing?: boolean | null;
  nightPush?: boolean | null;
}

export type FanoutReason =
  | 'informational'
  | 'advertising-consented'
  | 'advertising-at-night-consented'
  | 'no-marketing-consent'
  | 'night-without-night-consent'
  | 'no-profile'
  | 'deleted-user';

export interface FanoutDecision {
  /** false: inbox only (the row stays, nothing is pushed). */
  push: boolean;
  /** Whether the push counts as advertising: its title carries (광고). */
  advertising: boolean;
  reason: FanoutReason;
}

export interface FanoutInput {
  /** The row's type; a name outside the enum is treated as advertising, the stricter rule. */
  type: string;
  consents: Consents | null | undefined;
  now: Date;
  advertisingTypes: ReadonlySet<string>;
}

/**
 * Push, or inbox only: informational notifications always push; advertising ones need the
 * marketing consent, and from 21:00 to 08:00 KST the night-time consent as well.
 */
export function decideFanout(input: FanoutInput): FanoutDecision {
  const advertising = !isNotificationType(input.type) || input.advertisingTypes.has(input.type);
  if (!advertising) return { push: true, advertising, reason: 'informational' };
  if (input.consents?.marketing !== true) return { push: false, advertising, reason: 'no-marketing-consent' };
  if (!isAdvertisingNight(input.now)) return { push: true, advertising, reason: 'advertising-consented' };
  if (input.consents.nightPush !== true)
    return { push: false, advertising, reason: 'night-without-night-consent' };
  return { push: true, advertising, reason: 'advertising-at-night-consented' };
}

/** What the fan-out reads of the recipient's UserProfile. */
export interface RecipientProfile {
  consents?: Consents | null;
  deletedAt?: string | null;
}

/** The decision for a recipient: someone without a profile, or a deleted account, gets nothing. */
export function decideForRecipient(
  input: Omit<FanoutInput, 'consents'> & { profile: RecipientProfile | undefined },
): FanoutDecision {
  const { profile, ...rest } = input;
  const advertising = decideFanout({ ...rest, consents: undefined }).advertising;
  if (!profile) return { push: false, advertising, reason: 'no-profile' };
  if (profile.deletedAt) return { push: false, advertising, reason: 'deleted-user' };
  return decideFanout({ ...rest, consents: profile.consents });
}
