/** The settings only user-delete-cascade reads (set by its wiring.ts). No CDK here. */
export const DELETION_ENV = {
  ALERT_SUBSCRIPTION_TABLE_NAME: 'ALERT_SUBSCRIPTION_TABLE_NAME',
  NOTIFICATION_TABLE_NAME: 'NOTIFICATION_TABLE_NAME',
  DELETED_USER_MESSAGE_BODY: 'DELETED_USER_MESSAGE_BODY',
} as const;
