import { continueCustomAuth, verifyAnswer } from '../custom-auth';
import { invalidParameter, notAuthorized } from '../errors';
import { callerContext, requireClient, requireString, type Target } from '../services';

interface RespondToAuthChallengeRequest {
  ClientId?: string;
  ChallengeName?: string;
  Session?: string;
  ChallengeResponses?: Record<string, string>;
  ClientMetadata?: Record<string, string>;
}

/** One answer to a CUSTOM_CHALLENGE: verify it, then let the define trigger decide what follows. */
export const respondToAuthChallenge: Target<
  'config' | 'now' | 'refreshTokens' | 'sessions' | 'tokens' | 'triggers' | 'users'
> = (services) => async (request: RespondToAuthChallengeRequest, context) => {
  const clientId = requireClient(services, request);
  const challengeName = requireString(request as Record<string, unknown>, 'ChallengeName');
  if (!request.Session) throw notAuthorized('Invalid session for the user.');
  const session = services.sessions.take(request.Session);
  if (session.clientId !== clientId) throw notAuthorized('Invalid session for the user.');
  if (challengeName !== session.challengeName) {
    throw invalidParameter(
      `The session expects an answer to ${session.challengeName}, not ${challengeName}.`,
    );
  }
  const responses = request.ChallengeResponses ?? {};
  const login = responses.USERNAME;
  if (!login) throw invalidParameter('Missing required parameter USERNAME');
  const answer = responses.ANSWER;
  if (answer === undefined) throw invalidParameter('Missing required parameter ANSWER');

  const user = session.userNotFound ? undefined : services.users.get(session.username);
  const sameUser =
    login === session.username ||
    login === session.login ||
    (user !== undefined && login === user.attributes.phone_number);
  if (!sameUser || (!session.userNotFound && !user)) throw notAuthorized('Incorrect username or password.');
  if (user && !user.enabled) throw notAuthorized('User is disabled.');

  const caller = callerContext(context, clientId);
  const step = await verifyAnswer(services, session, user, answer, {
    callerContext: caller,
    clientMetadata: request.ClientMetadata,
  });
  return continueCustomAuth(services, {
    session: {
      clientId,
      username: session.username,
      login: session.login,
      userNotFound: session.userNotFound,
      steps: [...session.steps, step],
    },
    user,
    callerContext: caller,
    clientMetadata: request.ClientMetadata,
  });
};
