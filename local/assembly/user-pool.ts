import type { Templates } from './templates';

export interface UserPoolSpec {
  userPoolId: string;
  clientId: string;
  groups: string[];
  /** Cognito trigger (preSignUp, defineAuthChallenge, …) → function name. */
  triggers: Record<string, string>;
  explicitAuthFlows: string[];
  preventUserExistenceErrors: boolean;
  authSessionValidityMinutes: number;
  accessTokenValidityMinutes: number;
  idTokenValidityMinutes: number;
  refreshTokenValidityDays: number;
}

/** Cognito: the user pool, its app client, groups and trigger functions. */
export function readUserPool({ resolver, ofType, functionNameOf }: Templates): UserPoolSpec | undefined {
  const [pool] = ofType('AWS::Cognito::UserPool');
  const [client] = ofType('AWS::Cognito::UserPoolClient');
  if (!pool || !client) return undefined;
  const poolProps = resolver.resolve(pool.stack, pool.resource.Properties ?? {}) as Record<string, unknown>;
  const clientProps = resolver.resolve(client.stack, client.resource.Properties ?? {}) as Record<
    string,
    unknown
  >;
  const lambdaConfig = (poolProps.LambdaConfig ?? {}) as Record<string, unknown>;
  const triggerKeys: Record<string, string> = {
    PreSignUp: 'preSignUp',
    DefineAuthChallenge: 'defineAuthChallenge',
    CreateAuthChallenge: 'createAuthChallenge',
    VerifyAuthChallengeResponse: 'verifyAuthChallengeResponse',
    PostConfirmation: 'postConfirmation',
    PreAuthentication: 'preAuthentication',
    PostAuthentication: 'postAuthentication',
    PreTokenGeneration: 'preTokenGeneration',
  };
  const triggers: Record<string, string> = {};
  for (const [key, trigger] of Object.entries(triggerKeys)) {
    if (lambdaConfig[key]) triggers[trigger] = functionNameOf(lambdaConfig[key]);
  }
  const units = (clientProps.TokenValidityUnits ?? {}) as Record<string, string>;
  const toMinutes = (value: unknown, unit: string | undefined, fallbackMinutes: number) => {
    if (value === undefined) return fallbackMinutes;
    const factor = { seconds: 1 / 60, minutes: 1, hours: 60, days: 1440 }[unit ?? 'hours'] ?? 60;
    return Number(value) * factor;
  };
  return {
    userPoolId: String(resolver.ref(pool.stack, pool.logicalId)),
    clientId: String(resolver.ref(client.stack, client.logicalId)),
    groups: ofType('AWS::Cognito::UserPoolGroup').map((group) =>
      String(resolver.resolve(group.stack, group.resource.Properties?.GroupName)),
    ),
    triggers,
    explicitAuthFlows: (clientProps.ExplicitAuthFlows as string[] | undefined) ?? [],
    preventUserExistenceErrors: clientProps.PreventUserExistenceErrors === 'ENABLED',
    authSessionValidityMinutes: Number(clientProps.AuthSessionValidity ?? 3),
    accessTokenValidityMinutes: toMinutes(clientProps.AccessTokenValidity, units.AccessToken, 60),
    idTokenValidityMinutes: toMinutes(clientProps.IdTokenValidity, units.IdToken, 60),
    refreshTokenValidityDays:
      toMinutes(clientProps.RefreshTokenValidity, units.RefreshToken ?? 'days', 30 * 1440) / 1440,
  };
}
