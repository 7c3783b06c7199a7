/**
 * Every environment variable the shared runtime reads, in one place, named by env-names.ts
 * (set by amplify/environment.ts, each function's resource.ts and its wiring.ts).
 * Read lazily on each call so tests can set process.env before using a module.
 */

import { ENV } from './env-names';

export type Stage = 'sandbox' | 'dev' | 'staging' | 'prod';
export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

const STAGES: readonly Stage[] = ['sandbox', 'dev', 'staging', 'prod'];
const LOG_LEVELS: readonly LogLevel[] = ['DEBUG', 'INFO', 'WARN', 'ERROR'];

export class MissingConfigError extends Error {
  constructor(readonly variable: string) {
    super(`Environment variable ${variable} is not set; check the function's resource.ts and wiring.ts.`);
    this.name = 'MissingConfigError';
  }
}

export class InvalidConfigError extends Error {
  constructor(
    readonly variable: string,
    expected: string,
  ) {
    super(`Environment variable ${variable} is invalid: expected ${expected}.`);
    this.name = 'InvalidConfigError';
  }
}

function optional(name: string): string | undefined {
  const value = process.env[name];
  return value === undefined || value.trim() === '' ? undefined : value;
}

function required(name: string): string {
  const value = optional(name);
  if (value === undefined) throw new MissingConfigError(name);
  return value;
}

/** A function's own setting, read the same way (MissingConfigError naming it when unset or blank). */
export const requiredSetting = required;

export const config = {
  stage(): Stage {
    const value = required(ENV.STAGE);
    if (!STAGES.includes(value as Stage)) throw new InvalidConfigError(ENV.STAGE, STAGES.join(' | '));
    return value as Stage;
  },
  legacyApiUrl: (): string => required(ENV.LEGACY_API_URL),
  ssmPrefix: (): string => required(ENV.SSM_PREFIX),
  /** Empty in prod by design, so absence and emptiness both mean "no prefix". */
  namePrefix: (): string => process.env[ENV.NAME_PREFIX] ?? '',
  logLevel(): LogLevel {
    const value = (optional(ENV.LOG_LEVEL) ?? 'INFO').toUpperCase();
    return LOG_LEVELS.includes(value as LogLevel) ? (value as LogLevel) : 'INFO';
  },
  /** Only a URL counts: an unset Amplify secret arrives as a placeholder sentence. */
  sentryDsn: (): string | undefined => {
    const dsn = optional(ENV.SENTRY_DSN);
    return dsn && /^https?:\/\//.test(dsn) ? dsn : undefined;
  },
  sentryEnvironment: (): string | undefined => optional(ENV.SENTRY_ENVIRONMENT) ?? optional(ENV.STAGE),
  release: (): string | undefined => optional(ENV.RELEASE),
  functionName: (): string | undefined => optional(ENV.AWS_LAMBDA_FUNCTION_NAME),
  serviceName: (): string =>
    optional(ENV.POWERTOOLS_SERVICE_NAME) ?? optional(ENV.AWS_LAMBDA_FUNCTION_NAME) ?? 'bootalk',
  serviceTokenKey: (): string => required(ENV.SERVICE_TOKEN_KEY),
  serviceTokenKid: (): string => required(ENV.SERVICE_TOKEN_KID),
  serviceTokenIssuer: (): string => optional(ENV.SERVICE_TOKEN_ISSUER) ?? 'bootalk-amplify',
  legacyApiAudience: (): string => optional(ENV.LEGACY_API_AUDIENCE) ?? 'bootalk-legacy-api',
  idempotencyTableName: (): string => required(ENV.IDEMPOTENCY_TABLE_NAME),
  userEventsTopicArn: (): string => required(ENV.USER_EVENTS_TOPIC_ARN),
  chatEventsTopicArn: (): string => required(ENV.CHAT_EVENTS_TOPIC_ARN),
  userProfileTableParameter: (): string => required(ENV.USER_PROFILE_TABLE_PARAMETER),
  pushApplicationId: (): string => required(ENV.PUSH_APPLICATION_ID),
  pushQueueUrl: (): string => required(ENV.PUSH_QUEUE_URL),
  /** The `legacy-relay` queue, where commands for the Legacy API wait for legacy-event-relay. */
  legacyRelayQueueUrl: (): string => required(ENV.LEGACY_RELAY_QUEUE_URL),
  /** A queue consumer's own dead-letter queue, where it parks what can never succeed (shared/batch.ts). */
  deadLetterQueueUrl: (): string | undefined => optional(ENV.DEAD_LETTER_QUEUE_URL),
  /** stream-failures, where a stream consumer parks a record (set by amplify/data/stream-binding.ts). */
  streamFailuresQueueUrl: (): string | undefined => optional(ENV.STREAM_FAILURES_QUEUE_URL),
  /**
   * Notification types that are advertising (광고성 정보) under 정보통신망법, comma-separated;
   * notification-fanout validates the names. Unset: MARKETING only (docs/notifications.md).
   */
  advertisingNotificationTypes: (): string[] =>
    (optional(ENV.ADVERTISING_NOTIFICATION_TYPES) ?? 'MARKETING')
      .split(',')
      .map((name) => name.trim().toUpperCase())
      .filter((name) => name !== ''),
  /** The ConversationMember model table, for the unread counter's atomic increments. */
  conversationMemberTableName: (): string => required(ENV.CONVERSATION_MEMBER_TABLE_NAME),
  /** The UserProfile model table, which notice-broadcast scans for a notice's audience. */
  userProfileTableName: (): string => required(ENV.USER_PROFILE_TABLE_NAME),
  /** The `notice` queue, where notice-broadcast queues the continuation of a long broadcast. */
  noticeQueueUrl: (): string => required(ENV.NOTICE_QUEUE_URL),
  /** chat-reminder: how long a message stays unread before its reminder (hours, 1–720; default 24). */
  chatReminderAfterHours(): number {
    const value = optional(ENV.CHAT_REMINDER_AFTER_HOURS);
    if (value === undefined) return 24;
    const hours = Number(value);
    if (!Number.isInteger(hours) || hours < 1 || hours > 720)
      throw new InvalidConfigError(ENV.CHAT_REMINDER_AFTER_HOURS, 'a whole number of hours from 1 to 720');
    return hours;
  },
  /** The Device model table, for functions that read or remove devices without AppSync. */
  deviceTableName: (): string => required(ENV.DEVICE_TABLE_NAME),
  /** Model tables read or written directly (no subscriber needs the change), set by each function's wiring.ts. */
  brokerProfileTableName: (): string => required(ENV.BROKER_PROFILE_TABLE_NAME),
  complexTableName: (): string => required(ENV.COMPLEX_TABLE_NAME),
  listingTableName: (): string => required(ENV.LISTING_TABLE_NAME),
  messageTableName: (): string => required(ENV.MESSAGE_TABLE_NAME),
  conversationTableName: (): string => required(ENV.CONVERSATION_TABLE_NAME),
  /** The Cognito user pool, for the admin calls of account deletion. */
  userPoolId: (): string => required(ENV.USER_POOL_ID),
  /** HMAC key of share links (at least 32 bytes). */
  shareLinkSecret: (): string => required(ENV.SHARE_LINK_SECRET),
  /** Where share links open (the deployment's own web host), always ending in `/` so a token appends. */
  shareLinkBaseUrl(): string {
    const value = required(ENV.SHARE_LINK_BASE_URL).trim();
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new InvalidConfigError(ENV.SHARE_LINK_BASE_URL, 'an http(s) URL');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new InvalidConfigError(ENV.SHARE_LINK_BASE_URL, 'an http(s) URL');
    }
    if (url.search || url.hash) {
      throw new InvalidConfigError(ENV.SHARE_LINK_BASE_URL, 'a URL without a query or fragment');
    }
    return url.href.endsWith('/') ? url.href : `${url.href}/`;
  },
  smsSenderId: (): string | undefined => optional(ENV.SMS_SENDER_ID),
};
