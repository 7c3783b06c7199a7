import { refreshedTokens } from '../authentication-result';
import { continueCustomAuth, standInUsername } from '../custom-auth';
import { CognitoError, invalidParameter, notAuthorized, userNotFound } from '../errors';
import { callerContext, requireClient, requireString, type Target, type Uses } from '../services';

interface InitiateAuthRequest {
  ClientId?: string;
  AuthFlow?: string;
  AuthParameters?: Record<string, string>;
  ClientMetadata?: Record<string, string>;
}

/** Each AuthFlow InitiateAuth accepts, with the ExplicitAuthFlows entry that enables it. */
const FLOWS: Record<string, string | undefined> = {
  USER_SRP_AUTH: 'ALLOW_USER_SRP_AUTH',
  REFRESH_TOKEN_AUTH: 'ALLOW_REFRESH_TOKEN_AUTH',
  REFRESH_TOKEN: 'ALLOW_REFRESH_TOKEN_AUTH',
  CUSTOM_AUTH: 'ALLOW_CUSTOM_AUTH',
  USER_PASSWORD_AUTH: 'ALLOW_USER_PASSWORD_AUTH',
  USER_AUTH: 'ALLOW_USER_AUTH',
  ADMIN_NO_SRP_AUTH: undefined,
  ADMIN_USER_PASSWORD_AUTH: undefined,
};

export const initiateAuth: Target<
  'config' | 'now' | 'refreshTokens' | 'sessions' | 'tokens' | 'triggers' | 'users'
> = (services) => async (request: InitiateAuthRequest, context) => {
  const clientId = requireClient(services, request);
  const flow = requireString(request as Record<string, unknown>, 'AuthFlow');
  if (!(flow in FLOWS)) {
    throw invalidParameter(
      `1 validation error detected: Value '${flow}' at 'authFlow' failed to satisfy constraint: ` +
        `Member must satisfy enum value set: [${Object.keys(FLOWS).join(', ')}]`,
    );
  }
  const allowedBy = FLOWS[flow];
  if (!allowedBy) throw invalidParameter('Initiate Auth method not supported.');
  if (!services.config.explicitAuthFlows.includes(allowedBy)) {
    throw invalidParameter(`${flow} flow not enabled for this client`);
  }
  const caller = callerContext(context, clientId);
  const parameters = request.AuthParameters ?? {};

  if (flow === 'CUSTOM_AUTH') {
    return startCustomAuth(services, authParameter(parameters, 'USERNAME'), {
      clientId,
      caller,
      clientMetadata: request.ClientMetadata,
    });
  }
  if (flow === 'REFRESH_TOKEN_AUTH' || flow === 'REFRESH_TOKEN') {
    const result = await refreshedTokens(services, authParameter(parameters, 'REFRESH_TOKEN'), {
      clientId,
      callerContext: caller,
      clientMetadata: request.ClientMetadata,
    });
    return { AuthenticationResult: result, ChallengeParameters: {} };
  }
  throw invalidParameter(
    `${flow} is enabled for the client, but the local Cognito endpoint implements only CUSTOM_AUTH ` +
      `and REFRESH_TOKEN_AUTH: sign in with authFlowType 'CUSTOM_WITHOUT_SRP'.`,
  );
};

async function startCustomAuth(
  services: Uses<'config' | 'now' | 'refreshTokens' | 'sessions' | 'tokens' | 'triggers' | 'users'>,
  login: string,
  options: {
    clientId: string;
    caller: ReturnType<typeof callerContext>;
    clientMetadata?: Record<string, string>;
  },
) {
  const { triggers, config } = services;
  if (!triggers.has('defineAuthChallenge') || !triggers.has('createAuthChallenge')) {
    throw invalidParameter('Custom auth lambda trigger is not configured for the user pool.');
  }
  const user = services.users.findByLogin(login);
  if (!user && !config.preventUserExistenceErrors) throw userNotFound();
  if (user && !user.enabled) throw notAuthorized('User is disabled.');
  if (user?.status === 'UNCONFIRMED')
    throw new CognitoError('UserNotConfirmedException', 'User is not confirmed.');
  return continueCustomAuth(services, {
    session: {
      clientId: options.clientId,
      username: user?.username ?? standInUsername(login),
      login,
      userNotFound: !user,
      steps: [],
    },
    user,
    callerContext: options.caller,
    clientMetadata: options.clientMetadata,
  });
}

function authParameter(parameters: Record<string, string>, name: string): string {
  const value = parameters[name];
  if (!value) throw invalidParameter(`Missing required parameter ${name}`);
  return value;
}
