import { config, InvalidConfigError, requiredSetting as required } from '../shared/config';
import { DELETION_ENV } from './env-names';

/**
 * The settings only user-delete-cascade reads (set by its wiring.ts), read lazily so
 * tests can set process.env first. Shared ones (idempotency table, user-events topic, UserProfile,
 * Device and ConversationMember tables) come from shared/config.ts.
 */

/** What happens to the text of a deleted user's messages: kept (default) or cleared. */
export type MessageBodyPolicy = 'KEEP' | 'CLEAR';

export const deletionSettings = {
  userPoolId: config.userPoolId,
  alertSubscriptionTableName: (): string => required(DELETION_ENV.ALERT_SUBSCRIPTION_TABLE_NAME),
  notificationTableName: (): string => required(DELETION_ENV.NOTIFICATION_TABLE_NAME),
  brokerProfileTableName: config.brokerProfileTableName,
  messageTableName: config.messageTableName,
  messageBodyPolicy(): MessageBodyPolicy {
    const value = (process.env[DELETION_ENV.DELETED_USER_MESSAGE_BODY]?.trim() || 'KEEP').toUpperCase();
    if (value !== 'KEEP' && value !== 'CLEAR')
      throw new InvalidConfigError(DELETION_ENV.DELETED_USER_MESSAGE_BODY, 'KEEP | CLEAR');
    return value;
  },
};
