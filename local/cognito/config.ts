/** The Cognito triggers the local endpoint runs, by their Amplify `triggers` key. */
export type TriggerName =
  | 'preSignUp'
  | 'defineAuthChallenge'
  | 'createAuthChallenge'
  | 'verifyAuthChallengeResponse'
  | 'postConfirmation'
  | 'preTokenGeneration';

/** One user pool with one app client, as the synthesized template describes it. */
export interface UserPoolConfig {
  userPoolId: string;
  clientId: string;
  region: string;
  /** The `iss` claim; the AppSync simulator and the REST authorizer are told to accept it. */
  issuer: string;
  /** The app client's ExplicitAuthFlows (`ALLOW_CUSTOM_AUTH`, `ALLOW_REFRESH_TOKEN_AUTH`, …). */
  explicitAuthFlows: string[];
  preventUserExistenceErrors: boolean;
  authSessionValidityMinutes: number;
  accessTokenValidityMinutes: number;
  idTokenValidityMinutes: number;
  refreshTokenValidityDays: number;
  /** Group names; precedence follows the order, as Amplify's defineAuth assigns it. */
  groups: string[];
  /** Trigger → the local function name that runs it. */
  triggers: Partial<Record<TriggerName, string>>;
}

export type UserPoolConfigInput = Pick<UserPoolConfig, 'userPoolId' | 'clientId'> & Partial<UserPoolConfig>;

/** Amplify Gen 2's app client defaults, with the custom-auth flow this app signs in with. */
export const DEFAULT_EXPLICIT_AUTH_FLOWS = [
  'ALLOW_CUSTOM_AUTH',
  'ALLOW_REFRESH_TOKEN_AUTH',
  'ALLOW_USER_SRP_AUTH',
];

export function resolveUserPoolConfig(input: UserPoolConfigInput): UserPoolConfig {
  const region = input.region ?? regionOfUserPool(input.userPoolId);
  return {
    region,
    issuer: `https://cognito-idp.${region}.amazonaws.com/${input.userPoolId}`,
    explicitAuthFlows: DEFAULT_EXPLICIT_AUTH_FLOWS,
    preventUserExistenceErrors: true,
    authSessionValidityMinutes: 3,
    accessTokenValidityMinutes: 60,
    idTokenValidityMinutes: 60,
    refreshTokenValidityDays: 90,
    groups: [],
    triggers: {},
    ...withoutUndefined(input),
    userPoolId: input.userPoolId,
    clientId: input.clientId,
  };
}

function regionOfUserPool(userPoolId: string): string {
  const [region, id] = userPoolId.split('_');
  if (!region || !id) throw new Error(`"${userPoolId}" is not a user pool id (<region>_<id>)`);
  return region;
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
