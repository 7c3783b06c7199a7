/** The settings only rest-app-api reads (set in its resource.ts). No CDK here. */
export const APP_API_ENV = {
  WEB_ORIGINS: 'WEB_ORIGINS',
  BACKEND_VERSION: 'BACKEND_VERSION',
} as const;
