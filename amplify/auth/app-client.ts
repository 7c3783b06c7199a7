import type { CfnUserPoolClient } from 'aws-cdk-lib/aws-cognito';

/**
 * The app client the mobile and web apps sign in with. defineAuth has no options for these,
 * so backend.ts applies them to the synthesized client.
 */
export const APP_CLIENT = {
  // SMS-code sign-in only: no SRP, no passwords, no admin flows from the apps.
  explicitAuthFlows: ['ALLOW_CUSTOM_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
  preventUserExistenceErrors: 'ENABLED',
  // A sign-in session lives as long as its code: 3 minutes.
  authSessionValidityMinutes: 3,
  accessTokenValidityHours: 1,
  idTokenValidityHours: 1,
  // 90 days: a Bootalk user re-verifies by SMS at most once a quarter. Shorter costs SMS and
  // sign-ins for people who open the app weekly; longer leaves a lost phone signed in longer
  // (GlobalSignOut and account deletion revoke it at once in any case).
  refreshTokenValidityDays: 90,
} as const;

export function configureAppClient(client: CfnUserPoolClient): void {
  client.explicitAuthFlows = [...APP_CLIENT.explicitAuthFlows];
  client.preventUserExistenceErrors = APP_CLIENT.preventUserExistenceErrors;
  client.authSessionValidity = APP_CLIENT.authSessionValidityMinutes;
  client.accessTokenValidity = APP_CLIENT.accessTokenValidityHours;
  client.idTokenValidity = APP_CLIENT.idTokenValidityHours;
  client.refreshTokenValidity = APP_CLIENT.refreshTokenValidityDays;
  client.tokenValidityUnits = { accessToken: 'hours', idToken: 'hours', refreshToken: 'days' };
  client.enableTokenRevocation = true;
}
