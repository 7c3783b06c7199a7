import type { DefineAuthChallengeTriggerEvent } from 'aws-lambda';
import { otpLimits } from '../shared/otp/otp-config';
import { withSentry } from '../shared/sentry';
import { nextChallengeStep } from './challenge-flow';

export const handler = withSentry(async (event: DefineAuthChallengeTriggerEvent) => {
  const decision = nextChallengeStep(
    event.request.session ?? [],
    event.request.userNotFound === true,
    otpLimits().maxAttemptsPerSession,
  );
  event.response.issueTokens = decision.action === 'issue-tokens';
  event.response.failAuthentication = decision.action === 'fail';
  if (decision.action === 'challenge') event.response.challengeName = decision.challengeName;
  return event;
});
