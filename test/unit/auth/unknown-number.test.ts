import { describe, expect, it } from 'vitest';
import { challengeMetadataFor, issueCode } from '../../../amplify/functions/auth-create-challenge/issue-code';
import { nextChallengeStep } from '../../../amplify/functions/auth-define-challenge/challenge-flow';
import { verifyAnswer } from '../../../amplify/functions/auth-verify-challenge/verify-answer';
import { DEFAULT_OTP_LIMITS, OTP_LENGTH } from '../../../amplify/functions/shared/otp/otp-policy';
import { maskPhone } from '../../../amplify/functions/shared/otp/phone';
import { createCognitoService } from '../../../local/cognito/server';
import { call } from '../../local/cognito/calls';
import {
  CLIENT_ID,
  fakeTriggerInvoker,
  TEST_SIGNING_KEY_PEM,
  testConfig,
} from '../../local/cognito/fake-triggers';
import { memoryOtpStore } from '../../support/memory-otp-store';

/**
 * Sign-in must not tell who has an account (README "Signing in"): a known and an unknown number
 * are driven through the same sequence — Cognito's session handling (the local endpoint) and the
 * three triggers' own code on one OTP store — and every answer the caller sees is compared.
 */

// Same last four digits: the masked number in the challenge parameters is the same text.
const KNOWN = '+821011115678';
const UNKNOWN = '+821022225678';
const PEPPER = 'unit-test-pepper-0123456789';

function setUp() {
  let clock = Date.parse('2026-12-01T03:00:00Z');
  const now = () => clock;
  const store = memoryOtpStore(now);
  const sms: { to: string; text: string }[] = [];
  let ids = 0;
  const deps = {
    store,
    pepper: PEPPER,
    limits: DEFAULT_OTP_LIMITS,
    now,
    sendSms: async (to: string, text: string) => void sms.push({ to, text }),
    newChallengeId: () => `challenge-${++ids}`,
  };
  // The handlers' adapters (amplify/functions/auth-*/handler.ts) over the same domain code.
  const { invoker } = fakeTriggerInvoker({
    'auth-define-challenge': (event) => {
      const decision = nextChallengeStep(
        event.request.session,
        event.request.userNotFound === true,
        DEFAULT_OTP_LIMITS.maxAttemptsPerSession,
      );
      event.response.issueTokens = decision.action === 'issue-tokens';
      event.response.failAuthentication = decision.action === 'fail';
      if (decision.action === 'challenge') event.response.challengeName = decision.challengeName;
      return event;
    },
    'auth-create-challenge': async (event) => {
      const phone = event.request.userAttributes.phone_number ?? event.userName;
      const issued = await issueCode(
        { phone, userExists: event.request.userNotFound !== true, session: event.request.session },
        deps,
      );
      event.response.publicChallengeParameters = {
        phone: maskPhone(phone),
        codeLength: String(OTP_LENGTH),
        expiresInSeconds: String(DEFAULT_OTP_LIMITS.codeTtlMs / 1000),
      };
      event.response.privateChallengeParameters = { challengeId: issued.challengeId };
      event.response.challengeMetadata = challengeMetadataFor(issued.challengeId);
      return event;
    },
    'auth-verify-challenge': async (event) => {
      event.response.answerCorrect = await verifyAnswer(
        {
          challengeId: event.request.privateChallengeParameters?.challengeId,
          answer: event.request.challengeAnswer,
          userNotFound: event.request.userNotFound === true,
        },
        deps,
      );
      return event;
    },
  });
  const service = createCognitoService({
    config: testConfig(),
    invoker,
    signingKeyPem: TEST_SIGNING_KEY_PEM,
    now,
  });
  const advance = (ms: number) => {
    clock += ms;
  };
  return { service, sms, advance };
}

type Observed = { status: number; type?: string; message?: string; body?: unknown };

/** What the caller sees of one call, with the values that differ by design made comparable. */
async function observe(service: ReturnType<typeof setUp>['service'], operation: string, body: object) {
  const response = await service.handle(`AWSCognitoIdentityProviderService.${operation}`, body, {});
  const json = response.body as Record<string, unknown>;
  const observed: Observed = { status: response.status };
  if (response.status !== 200)
    return { ...observed, type: String(json.__type), message: String(json.message) };
  const parameters = json.ChallengeParameters as Record<string, string> | undefined;
  // The USERNAME is a UUID for both (the account's sub, or a stand-in derived from the number).
  const username = parameters?.USERNAME;
  return {
    ...observed,
    username,
    session: json.Session,
    body: {
      ...json,
      ...(json.Session ? { Session: typeof json.Session } : {}),
      ...(parameters ? { ChallengeParameters: { ...parameters, USERNAME: uuidShape(username) } } : {}),
    },
  };
}

function uuidShape(value: string | undefined): string {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(value ?? '')
    ? 'uuid'
    : `not a uuid: ${value}`;
}

/**
 * The attacker's script: sessions of three wrong codes, again and again past the cooldowns,
 * then more sessions after each cooldown ends. Returns everything the caller saw.
 */
async function wrongCodesUntilCooledDown(context: ReturnType<typeof setUp>, phone: string) {
  const seen: unknown[] = [];
  for (let session = 0; session < 4; session++) {
    const started = await observe(context.service, 'InitiateAuth', {
      ClientId: CLIENT_ID,
      AuthFlow: 'CUSTOM_AUTH',
      AuthParameters: { USERNAME: phone },
    });
    seen.push(started.body ?? started);
    let current = started as { session?: unknown; username?: string };
    for (let attempt = 0; current.session && attempt < 3; attempt++) {
      const answered = await observe(context.service, 'RespondToAuthChallenge', {
        ClientId: CLIENT_ID,
        ChallengeName: 'CUSTOM_CHALLENGE',
        Session: current.session,
        ChallengeResponses: { USERNAME: current.username, ANSWER: '000000' },
      });
      seen.push(answered.body ?? answered);
      current = answered as typeof current;
    }
    // Past the retry window, so the next session is a new code (and counts as one).
    context.advance(30_000);
  }
  // The first cooldown (one minute) ends; the next five wrong codes start a five-minute one.
  context.advance(60_000);
  return seen;
}

describe('signing in with a number that has no account', () => {
  it('sees exactly what a number with an account sees, through wrong codes and cooldowns', async () => {
    const known = setUp();
    await call(known.service, 'SignUp', { ClientId: CLIENT_ID, Username: KNOWN, Password: 'Random-Pa55' });
    const unknown = setUp();

    const seenKnown = await wrongCodesUntilCooledDown(known, KNOWN);
    const seenUnknown = await wrongCodesUntilCooledDown(unknown, UNKNOWN);
    expect(seenUnknown).toEqual(seenKnown);
    // The sequence did reach the cooldown, for both.
    expect(JSON.stringify(seenKnown)).toContain('OTP_LOCKED');
    expect(JSON.stringify(seenKnown)).toContain('NotAuthorizedException');

    const againKnown = await wrongCodesUntilCooledDown(known, KNOWN);
    const againUnknown = await wrongCodesUntilCooledDown(unknown, UNKNOWN);
    expect(againUnknown).toEqual(againKnown);
    expect(JSON.stringify(againKnown)).toContain('request a new code in 5 minute(s)');

    // The SMS is the one difference, seen only by whoever holds the phone: the account's owner
    // gets the codes, a number with no account gets none (nobody there asked for one).
    expect(known.sms.length).toBeGreaterThan(0);
    expect(known.sms.every((sms) => sms.to === KNOWN)).toBe(true);
    expect(unknown.sms).toEqual([]);
  });
});
