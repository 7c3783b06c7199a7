import { config, InvalidConfigError, requiredSetting as required } from '../shared/config';

/**
 * The settings only user-delete-cascade reads (the lead sets them in backend.ts), read lazily so
 * tests can set process.env first. Shared ones (idempotency table, user-events topic, UserProfile,
 * Device and ConversationMember tables) come from shared/config.ts.
 */

/** What happens to the text of a deleted user's messages: kept (default) or cleared. */
export type MessageBodyPolicy = 'KEEP' | 'CLEAR';

export const deletionSettings = {
  userPoolId: config.userPoolId,
  alertSubscriptionTableName: (): string => required('ALERT_SUBSCRIPTION_TABLE_NAME'),
  notificationTableName: (): string => required('NOTIFICATION_TABLE_NAME'),
  brokerProfileTableName: config.brokerProfileTableName,
  messageTableName: (): string => required('MESSAGE_TABLE_NAME'),
  messageBodyPolicy(): MessageBodyPolicy {
    const value = (process.env.DELETED_USER_MESSAGE_BODY?.trim() || 'KEEP').toUpperCase();
    if (value !== 'KEEP' && value !== 'CLEAR')
      throw new InvalidConfigError('DELETED_USER_MESSAGE_BODY', 'KEEP | CLEAR');
    return value;
  },
};
