import { createHmac, randomBytes } from 'node:crypto';
import {
  type AuthenticationResult,
  signInTokens,
  type TokenServices,
  triggerAttributes,
} from './authentication-result';
import { CognitoError, invalidParameter, notAuthorized } from './errors';
import type { Uses } from './services';
import type { AuthSession, ChallengeStep } from './sessions';
import type { CallerContext } from './triggers';
import type { CognitoUser } from './user-store';

export type CustomAuthOutcome =
  | { AuthenticationResult: AuthenticationResult; ChallengeParameters: Record<string, string> }
  | { ChallengeName: string; Session: string; ChallengeParameters: Record<string, string> };

export interface CustomAuthStep {
  /** The session so far, without the challenge about to be created. */
  session: Pick<AuthSession, 'clientId' | 'username' | 'login' | 'userNotFound' | 'steps'>;
  /** Undefined when the user does not exist (PreventUserExistenceErrors). */
  user: CognitoUser | undefined;
  callerContext: CallerContext;
  clientMetadata?: Record<string, string>;
}

interface DefineResponse {
  challengeName?: string;
  issueTokens?: boolean;
  failAuthentication?: boolean;
}

interface CreateResponse {
  publicChallengeParameters?: Record<string, string>;
  privateChallengeParameters?: Record<string, string>;
  challengeMetadata?: string;
}

/** Asks the define trigger what comes next, then issues tokens, fails, or creates the next challenge. */
export async function continueCustomAuth(
  services: TokenServices & Uses<'sessions'>,
  step: CustomAuthStep,
): Promise<CustomAuthOutcome> {
  const { session, user } = step;
  const common = {
    userName: user?.username ?? session.login,
    callerContext: step.callerContext,
  };
  const metadata = step.clientMetadata && { clientMetadata: step.clientMetadata };
  const decision = await services.triggers.run<object, DefineResponse>('defineAuthChallenge', {
    ...common,
    triggerSource: 'DefineAuthChallenge_Authentication',
    request: {
      userAttributes: triggerAttributes(user),
      session: session.steps,
      ...metadata,
      userNotFound: session.userNotFound,
    },
    response: { challengeName: '', issueTokens: false, failAuthentication: false },
  });

  if (decision.failAuthentication === true) throw notAuthorized('Incorrect username or password.');
  if (decision.issueTokens === true) {
    if (!user) throw notAuthorized('Incorrect username or password.');
    const result = await signInTokens(services, user, {
      clientId: session.clientId,
      callerContext: step.callerContext,
      clientMetadata: step.clientMetadata,
    });
    return { AuthenticationResult: result, ChallengeParameters: {} };
  }
  const challengeName = decision.challengeName;
  if (!challengeName) {
    throw new CognitoError('InvalidLambdaResponseException', 'Unrecognizable lambda output');
  }
  if (challengeName !== 'CUSTOM_CHALLENGE') {
    throw invalidParameter(
      `DefineAuthChallenge asked for ${challengeName}; the local Cognito endpoint runs only CUSTOM_CHALLENGE.`,
    );
  }

  const created = await services.triggers.run<object, CreateResponse>('createAuthChallenge', {
    ...common,
    triggerSource: 'CreateAuthChallenge_Authentication',
    request: {
      userAttributes: triggerAttributes(user),
      challengeName,
      session: session.steps,
      ...metadata,
      userNotFound: session.userNotFound,
    },
    response: { publicChallengeParameters: {}, privateChallengeParameters: {}, challengeMetadata: '' },
  });
  const id = services.sessions.open({
    ...session,
    challengeName,
    privateChallengeParameters: created.privateChallengeParameters ?? {},
    challengeMetadata: created.challengeMetadata || undefined,
  });
  return {
    ChallengeName: challengeName,
    Session: id,
    ChallengeParameters: { ...created.publicChallengeParameters, USERNAME: session.username },
  };
}

/** Runs the verify trigger on an answer and returns the step the define trigger will see. */
export async function verifyAnswer(
  services: Uses<'triggers'>,
  session: AuthSession,
  user: CognitoUser | undefined,
  answer: string,
  context: { callerContext: CallerContext; clientMetadata?: Record<string, string> },
): Promise<ChallengeStep> {
  const verified = await services.triggers.run<object, { answerCorrect?: boolean }>(
    'verifyAuthChallengeResponse',
    {
      userName: user?.username ?? session.login,
      callerContext: context.callerContext,
      triggerSource: 'VerifyAuthChallengeResponse_Authentication',
      request: {
        userAttributes: triggerAttributes(user),
        privateChallengeParameters: session.privateChallengeParameters,
        challengeAnswer: answer,
        ...(context.clientMetadata && { clientMetadata: context.clientMetadata }),
        userNotFound: session.userNotFound,
      },
      response: { answerCorrect: false },
    },
  );
  return {
    challengeName: session.challengeName,
    challengeResult: verified.answerCorrect === true,
    ...(session.challengeMetadata && { challengeMetadata: session.challengeMetadata }),
  };
}

const unknownUserKey = randomBytes(32);

/**
 * The USERNAME an unknown phone number is answered with: shaped like a real one (a UUID) and
 * stable for the same number, so the answer does not tell whether the account exists.
 */
export function standInUsername(login: string): string {
  const hex = createHmac('sha256', unknownUserKey).update(login).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
