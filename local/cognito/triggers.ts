import type { FunctionInvoker, InvokeResult } from '../contracts';
import type { TriggerName, UserPoolConfig } from './config';
import { CognitoError } from './errors';

/** Who called the API, as Cognito tells its triggers. */
export interface CallerContext {
  awsSdkVersion: string;
  clientId: string;
}

export interface TriggerCall<TRequest, TResponse> {
  triggerSource: string;
  userName: string;
  callerContext: CallerContext;
  request: TRequest;
  /** The response fields with Cognito's defaults; the trigger fills them in. */
  response: TResponse;
}

export interface Triggers {
  has(trigger: TriggerName): boolean;
  /** Builds the Cognito event, runs the function and returns the event's `response`. */
  run<TRequest, TResponse>(trigger: TriggerName, call: TriggerCall<TRequest, TResponse>): Promise<TResponse>;
}

/** The name Cognito uses in its messages: "PreSignUp failed with error …". */
const MESSAGE_NAMES: Record<TriggerName, string> = {
  preSignUp: 'PreSignUp',
  defineAuthChallenge: 'DefineAuthChallenge',
  createAuthChallenge: 'CreateAuthChallenge',
  verifyAuthChallengeResponse: 'VerifyAuthChallengeResponse',
  postConfirmation: 'PostConfirmation',
  preTokenGeneration: 'PreTokenGeneration',
};

/**
 * Cognito's own rule for its triggers: "If it doesn't [respond in time] and if the call can be
 * retried, Amazon Cognito retries the call. After three unsuccessful attempts, the function times
 * out." A function that throws is not retried: its error is the answer.
 */
const TRIGGER_ATTEMPTS = 3;
const RETRYABLE_ERRORS = new Set(['TimeoutError', 'TooManyRequestsException']);
const retryable = (outcome: InvokeResult) => RETRYABLE_ERRORS.has(outcome.error?.errorType ?? '');

export function createTriggers(deps: { config: UserPoolConfig; invoker: FunctionInvoker }): Triggers {
  const { config, invoker } = deps;
  return {
    has: (trigger) => config.triggers[trigger] !== undefined,

    async run(trigger, call) {
      const functionName = config.triggers[trigger];
      const name = MESSAGE_NAMES[trigger];
      if (!functionName || !invoker.has(functionName)) {
        throw new CognitoError(
          'UnexpectedLambdaException',
          `${name} invocation failed: no function "${functionName}".`,
        );
      }
      const event = {
        version: '1',
        region: config.region,
        userPoolId: config.userPoolId,
        userName: call.userName,
        callerContext: call.callerContext,
        triggerSource: call.triggerSource,
        request: call.request,
        response: call.response,
      };
      let outcome = await invoker.invoke(functionName, event);
      // Cognito retries a trigger call that timed out or was throttled, three attempts in all.
      for (let attempt = 2; !outcome.ok && attempt <= TRIGGER_ATTEMPTS && retryable(outcome); attempt++) {
        outcome = await invoker.invoke(functionName, event);
      }
      if (!outcome.ok) {
        const message = outcome.error?.errorMessage ?? 'Unknown error';
        throw new CognitoError('UserLambdaValidationException', `${name} failed with error ${message}.`);
      }
      const response = (outcome.result as { response?: unknown } | null | undefined)?.response;
      if (typeof response !== 'object' || response === null) {
        throw new CognitoError('InvalidLambdaResponseException', 'Unrecognizable lambda output');
      }
      return response as typeof call.response;
    },
  };
}

/** Cognito's `callerContext.awsSdkVersion`: the SDK named in the user agent, or unknown (Amplify JS). */
export function awsSdkVersion(userAgent: string | undefined): string {
  const match = /aws-sdk-js\/(\S+)/.exec(userAgent ?? '');
  return match ? `aws-sdk-js-${match[1]}` : 'aws-sdk-unknown-unknown';
}
