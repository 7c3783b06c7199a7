import { describe, expect, it } from 'vitest';
import { inbox, randomPhone } from './app-user';
import { outputs } from './e2e-support';

/**
 * Sign-in must not tell who has an account (README "Signing in"): against the running sandbox's
 * Cognito endpoint (the real trigger bundles, DynamoDB Local), a number with an account and one
 * without get the same wrong codes in the same order, and every answer is compared.
 */

type LocalOutputs = ReturnType<typeof outputs> & {
  auth: { user_pool_client_id: string };
  custom: { localSandbox: { userPoolEndpoint: string } };
};

async function cognito(operation: string, body: object) {
  const config = outputs() as LocalOutputs;
  const response = await fetch(config.custom.localSandbox.userPoolEndpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `AWSCognitoIdentityProviderService.${operation}`,
    },
    body: JSON.stringify({ ClientId: config.auth.user_pool_client_id, ...body }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** What the caller can see of an answer; the session id and USERNAME (a UUID either way) as their shape. */
function observed(answer: { status: number; body: Record<string, unknown> }) {
  const parameters = answer.body.ChallengeParameters as Record<string, string> | undefined;
  return {
    status: answer.status,
    ...answer.body,
    ...(answer.body.Session ? { Session: typeof answer.body.Session } : {}),
    ...(parameters
      ? { ChallengeParameters: { ...parameters, USERNAME: UUID.test(parameters.USERNAME ?? '') } }
      : {}),
  };
}

/** Sessions of three wrong codes until the number cools down, and one more try during the cooldown. */
async function wrongCodes(phone: string) {
  const seen: unknown[] = [];
  for (let session = 0; session < 3; session++) {
    const started = await cognito('InitiateAuth', {
      AuthFlow: 'CUSTOM_AUTH',
      AuthParameters: { USERNAME: phone },
    });
    seen.push(observed(started));
    let current = started.body;
    for (let attempt = 0; current.Session && attempt < 3; attempt++) {
      const answered = await cognito('RespondToAuthChallenge', {
        ChallengeName: 'CUSTOM_CHALLENGE',
        Session: current.Session,
        ChallengeResponses: {
          USERNAME: (current.ChallengeParameters as Record<string, string>).USERNAME,
          ANSWER: '000000',
        },
      });
      seen.push(observed(answered));
      current = answered.body;
    }
  }
  return seen;
}

describe('signing in with a number that has no account, against the running sandbox', () => {
  it('answers exactly as for a number with an account, through wrong codes and the cooldown', async () => {
    // Same last four digits, so the masked number in the challenge is the same text.
    const known = `${randomPhone().slice(0, -4)}7391`;
    let unknown = `${randomPhone().slice(0, -4)}7391`;
    while (unknown === known) unknown = `${randomPhone().slice(0, -4)}7391`;
    const signedUp = await cognito('SignUp', { Username: known, Password: `${crypto.randomUUID()}Aa1!` });
    expect(signedUp, JSON.stringify(signedUp.body)).toMatchObject({ status: 200 });

    const seenKnown = await wrongCodes(known);
    const seenUnknown = await wrongCodes(unknown);

    expect(seenUnknown).toEqual(seenKnown);
    const text = JSON.stringify(seenKnown);
    expect(text).toContain('NotAuthorizedException');
    expect(text).toContain('CreateAuthChallenge failed with error OTP_LOCKED: ');
    // Only the phone that has an account receives codes; that difference is visible only on the phone.
    const sms = (phone: string) =>
      inbox<{ code?: string }>(`/api/sms/latest?phone=${encodeURIComponent(phone)}`);
    expect((await sms(known)).code).toMatch(/^\d{6}$/);
    expect((await sms(unknown)).code).toBeUndefined();
  });
});
