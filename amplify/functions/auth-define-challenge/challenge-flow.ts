/**
 * The CUSTOM_AUTH state machine: what Cognito should do after each step of a sign-in
 * session. One custom challenge (the SMS code) a session, at most `maxAttempts` answers.
 */

export interface ChallengeStep {
  challengeName: string;
  challengeResult: boolean;
  challengeMetadata?: string;
}

export type FlowDecision =
  | { action: 'issue-tokens' }
  | { action: 'fail' }
  | { action: 'challenge'; challengeName: 'CUSTOM_CHALLENGE' };

export function nextChallengeStep(
  session: readonly ChallengeStep[],
  userNotFound: boolean,
  maxAttempts: number,
): FlowDecision {
  // SRP or password steps have no place in a code sign-in.
  if (session.some((step) => step.challengeName !== 'CUSTOM_CHALLENGE')) return { action: 'fail' };
  const last = session.at(-1);
  // An unknown number walks the same path and can never succeed (no enumeration).
  if (last?.challengeResult === true && !userNotFound) return { action: 'issue-tokens' };
  if (session.length >= maxAttempts) return { action: 'fail' };
  return { action: 'challenge', challengeName: 'CUSTOM_CHALLENGE' };
}
