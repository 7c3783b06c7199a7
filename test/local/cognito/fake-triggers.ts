import { generateKeyPairSync } from 'node:crypto';
import { nextChallengeStep } from '../../../amplify/functions/auth-define-challenge/challenge-flow';
import type { CognitoServiceOptions } from '../../../local/cognito/server';
import type { FunctionInvoker, InvokeResult } from '../../../local/contracts';

/** The code the fake create trigger "sends": always right, whatever the phone. */
export const RIGHT_CODE = '123456';

export const TRIGGER_FUNCTIONS = {
  preSignUp: 'auth-pre-sign-up',
  defineAuthChallenge: 'auth-define-challenge',
  createAuthChallenge: 'auth-create-challenge',
  verifyAuthChallengeResponse: 'auth-verify-challenge',
  postConfirmation: 'user-post-confirmation',
} as const;

// biome-ignore lint/suspicious/noExplicitAny: trigger events are plain JSON here, as a Lambda gets them
type Handler = (event: any) => Promise<unknown> | unknown;

/**
 * A FunctionInvoker with trivial trigger logic: sign-up auto-confirms, the code is always
 * 123456, and the define step is the app's real decision (three answers a session). Tests
 * replace one handler to make a trigger throw or answer differently, and read the events.
 */
export function fakeTriggerInvoker(overrides: Partial<Record<string, Handler>> = {}) {
  const handlers: Record<string, Handler> = {
    [TRIGGER_FUNCTIONS.preSignUp]: (event) => {
      event.response.autoConfirmUser = true;
      event.response.autoVerifyPhone = true;
      return event;
    },
    [TRIGGER_FUNCTIONS.defineAuthChallenge]: (event) => {
      const decision = nextChallengeStep(event.request.session, event.request.userNotFound === true, 3);
      event.response.issueTokens = decision.action === 'issue-tokens';
      event.response.failAuthentication = decision.action === 'fail';
      if (decision.action === 'challenge') event.response.challengeName = decision.challengeName;
      return event;
    },
    [TRIGGER_FUNCTIONS.createAuthChallenge]: (event) => {
      event.response.publicChallengeParameters = { codeLength: '6' };
      event.response.privateChallengeParameters = { code: RIGHT_CODE };
      event.response.challengeMetadata = `CODE-${event.request.session.length + 1}`;
      return event;
    },
    [TRIGGER_FUNCTIONS.verifyAuthChallengeResponse]: (event) => {
      event.response.answerCorrect =
        event.request.challengeAnswer === event.request.privateChallengeParameters.code;
      return event;
    },
    [TRIGGER_FUNCTIONS.postConfirmation]: (event) => event,
    ...overrides,
  } as Record<string, Handler>;
  const calls: { functionName: string; event: Record<string, unknown> }[] = [];

  const invoker: FunctionInvoker = {
    has: (functionName) => functionName in handlers,
    async invoke(functionName, event): Promise<InvokeResult> {
      // A Lambda gets its own copy of the event, as JSON.
      const copy = JSON.parse(JSON.stringify(event));
      calls.push({ functionName, event: JSON.parse(JSON.stringify(event)) });
      try {
        const result = await handlers[functionName]!(copy);
        return { ok: true, result: JSON.parse(JSON.stringify(result ?? null)), durationMs: 1 };
      } catch (error) {
        const { name, message } = error as Error;
        return { ok: false, error: { errorType: name, errorMessage: message }, durationMs: 1 };
      }
    },
  };
  return {
    invoker,
    /** The events each function received, oldest first. */
    eventsFor: (functionName: string) =>
      calls.filter((call) => call.functionName === functionName).map((c) => c.event),
  };
}

export const USER_POOL_ID = 'ap-northeast-2_LocalPool1';
export const CLIENT_ID = 'localclient0123456789abcdef';

export function testConfig(
  overrides: Partial<CognitoServiceOptions['config']> = {},
): CognitoServiceOptions['config'] {
  return {
    userPoolId: USER_POOL_ID,
    clientId: CLIENT_ID,
    groups: ['USERS', 'BROKERS', 'ADMINS'],
    triggers: { ...TRIGGER_FUNCTIONS },
    ...overrides,
  };
}

/** One RSA key for a whole test file: generating one for every service is most of a test's time. */
export const TEST_SIGNING_KEY_PEM = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();
