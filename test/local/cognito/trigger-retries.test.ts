import { describe, expect, it } from 'vitest';
import { resolveUserPoolConfig } from '../../../local/cognito/config';
import { createTriggers } from '../../../local/cognito/triggers';
import type { FunctionInvoker, InvokeResult } from '../../../local/contracts';

/** A trigger function that answers from a script, one answer per invocation. */
function scripted(answers: InvokeResult[]) {
  const calls: unknown[] = [];
  const invoker: FunctionInvoker = {
    has: () => true,
    invoke: async (_name, event) => {
      calls.push(event);
      return answers[Math.min(calls.length, answers.length) - 1]!;
    },
  };
  const config = resolveUserPoolConfig({
    userPoolId: 'ap-northeast-2_local',
    clientId: 'client',
    triggers: { defineAuthChallenge: 'define' },
  });
  return { triggers: createTriggers({ config, invoker }), calls };
}

const timedOut: InvokeResult = {
  ok: false,
  error: { errorType: 'TimeoutError', errorMessage: 'Task timed out after 5.00 seconds' },
  durationMs: 5000,
};
const answered: InvokeResult = { ok: true, result: { response: { issueTokens: true } }, durationMs: 3 };
const call = {
  triggerSource: 'DefineAuthChallenge_Authentication',
  userName: 'user',
  callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: 'client' },
  request: {},
  response: { issueTokens: false },
};

describe('the local Cognito running a trigger', () => {
  it('retries a call that timed out, as Cognito does, and answers with the retry', async () => {
    const { triggers, calls } = scripted([timedOut, timedOut, answered]);
    await expect(triggers.run('defineAuthChallenge', call)).resolves.toEqual({ issueTokens: true });
    expect(calls).toHaveLength(3);
  });

  it('gives up after three attempts with the timeout as the error', async () => {
    const { triggers, calls } = scripted([timedOut]);
    await expect(triggers.run('defineAuthChallenge', call)).rejects.toMatchObject({
      name: 'UserLambdaValidationException',
      message: 'DefineAuthChallenge failed with error Task timed out after 5.00 seconds.',
    });
    expect(calls).toHaveLength(3);
  });

  it('does not retry a function that threw: its error is the answer', async () => {
    const { triggers, calls } = scripted([
      { ok: false, error: { errorType: 'UserFacingError', errorMessage: 'OTP_LOCKED' }, durationMs: 2 },
    ]);
    await expect(triggers.run('defineAuthChallenge', call)).rejects.toMatchObject({
      message: 'DefineAuthChallenge failed with error OTP_LOCKED.',
    });
    expect(calls).toHaveLength(1);
  });
});
