/** The settings only rest-legacy-webhook reads (set in its resource.ts). No CDK here. */
export const WEBHOOK_ENV = {
  LEGACY_WEBHOOK_KEY: 'LEGACY_WEBHOOK_KEY',
  LEGACY_WEBHOOK_ISSUER: 'LEGACY_WEBHOOK_ISSUER',
  LEGACY_WEBHOOK_AUDIENCE: 'LEGACY_WEBHOOK_AUDIENCE',
} as const;
