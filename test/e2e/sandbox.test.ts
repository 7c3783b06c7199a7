import { readFileSync } from 'node:fs';
import { DEFAULT_CLIENT_CONFIG_VERSION } from '@aws-amplify/client-config';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { AppUser, inbox, randomPhone, signedInUser } from './app-user';

// The local sandbox driven by the real aws-amplify client, as a frontend developer uses it.

const users: AppUser[] = [];
afterAll(() => {
  for (const user of users) user.close();
});

async function user() {
  const signedIn = await signedInUser();
  users.push(signedIn);
  return signedIn;
}

describe('signing in with an SMS code', () => {
  it('signs up and signs in with the code the SMS carried', async () => {
    const phone = randomPhone();
    const app = new AppUser(phone);
    users.push(app);
    await app.call('signUp', { phone });
    const signIn = await app.call<{ nextStep: { signInStep: string } }>('signIn', { phone });
    expect(signIn.nextStep.signInStep).toBe('CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE');
    const sms = await inbox<{ message: string; code: string }>(
      `/api/sms/latest?phone=${encodeURIComponent(phone)}`,
    );
    expect(sms.message).toBe(`[부톡] 인증번호 [${sms.code}]을 입력해주세요.`);
    const done = await app.call<{ isSignedIn: boolean }>('confirmSignIn', { code: sms.code });
    expect(done.isSignedIn).toBe(true);
    // postConfirmation put the new member in USERS; the token says so.
    expect((await app.call<{ groups: string[] }>('session')).groups).toEqual(['USERS']);
  });

  it('signs a second device in right after the first, with a code of its own', async () => {
    const phone = randomPhone();
    const phoneApp = await signedInUser(phone);
    users.push(phoneApp);
    const firstCode = (await inbox<{ code: string }>(`/api/sms/latest?phone=${encodeURIComponent(phone)}`))
      .code;
    // Seconds later, on the tablet: the used code is not handed out again.
    const tablet = await signedInUser(phone);
    users.push(tablet);
    expect(tablet.sub).toBe(phoneApp.sub);
    const sms = await inbox<{ code: string }[]>(`/api/sms?limit=1000`);
    expect(sms.filter((entry) => (entry as { phoneNumber?: string }).phoneNumber === phone)).toHaveLength(2);
    expect(
      (await inbox<{ code: string }>(`/api/sms/latest?phone=${encodeURIComponent(phone)}`)).code,
    ).not.toBe(firstCode);
  });

  it('refuses a wrong code', async () => {
    const phone = randomPhone();
    const app = new AppUser(phone);
    users.push(app);
    await app.call('signUp', { phone });
    await app.call('signIn', { phone });
    const { code } = await inbox<{ code: string }>(`/api/sms/latest?phone=${encodeURIComponent(phone)}`);
    const wrong = code === '000000' ? '111111' : '000000';
    const result = await app.call<{ isSignedIn: boolean; nextStep: { signInStep: string } }>(
      'confirmSignIn',
      {
        code: wrong,
      },
    );
    expect(result.isSignedIn).toBe(false);
    expect(result.nextStep.signInStep).toBe('CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE');
  });
});

describe('data', () => {
  it('lets a user create and read their own data, and no one else', async () => {
    const alice = await user();
    const bob = await user();
    const created = await alice.mutation<{ id: string; target: string }>('addAlertSubscription', {
      kind: 'PRESALE',
      target: '1168010300',
    });
    expect(created.errors, JSON.stringify(created.errors)).toBeUndefined();
    const mine = await alice.model<{ target: string }>('AlertSubscription', 'get', { id: created.data.id });
    expect(mine.data.target).toBe('1168010300');
    const theirs = await bob.model<unknown>('AlertSubscription', 'get', { id: created.data.id });
    expect(theirs.data).toBeNull();
    expect(theirs.errors?.[0]?.errorType).toBe('Unauthorized');
  });

  it('shows a user their own phone number and nobody else', async () => {
    const alice = await user();
    const bob = await user();
    const own = await alice.model<{ phone: string; role: string }>('UserProfile', 'get', { id: alice.sub });
    expect(own.data).toMatchObject({ phone: alice.phone, role: 'USER' });
    const other = await bob.model<{ phone: string | null; nickname: string }>('UserProfile', 'get', {
      id: alice.sub,
    });
    expect(other.data?.phone ?? null).toBeNull();
    expect(JSON.stringify(other)).not.toContain(alice.phone);
  });

  it('delivers a subscription over wss to its owner and not to others', async () => {
    const alice = await user();
    const bob = await user();
    const aliceEvents = await alice.subscribe('AlertSubscription', 'onCreate');
    const bobEvents = await bob.subscribe('AlertSubscription', 'onCreate');
    const added = await alice.mutation('addAlertSubscription', {
      kind: 'REAL_TRANSACTION',
      target: 'CPX-1007',
    });
    expect(added.errors, JSON.stringify(added.errors)).toBeUndefined();
    await expect.poll(() => aliceEvents.length, { timeout: 10_000 }).toBe(1);
    expect(aliceEvents[0]).toMatchObject({ target: 'CPX-1007', userId: alice.sub });
    // Give a wrongly delivered event time to arrive before saying it did not.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(bobEvents).toEqual([]);
  });
});

describe('the dev inbox API', () => {
  it('runs a function on request and records the invocation', async () => {
    const startedAt = new Date().toISOString();
    const result = await inbox<{ ok: boolean; result: { response: { challengeName: string } } }>(
      '/api/functions/auth-define-challenge/invoke',
      {
        method: 'POST',
        body: JSON.stringify({
          version: '1',
          region: 'ap-northeast-2',
          userPoolId: 'local',
          userName: 'someone',
          triggerSource: 'DefineAuthChallenge_Authentication',
          callerContext: { awsSdkVersion: 'test', clientId: 'test' },
          request: { userAttributes: {}, session: [] },
          response: {},
        }),
      },
    );
    expect(result.ok).toBe(true);
    expect(result.result.response.challengeName).toBe('CUSTOM_CHALLENGE');
    // The log keeps the newest 1,000: look at what ran since (stream and queue pollers run too).
    const since = await inbox<{ functionName: string; ok: boolean }[]>(
      `/api/invocations?since=${encodeURIComponent(startedAt)}`,
    );
    expect(since.filter((entry) => entry.functionName === 'auth-define-challenge')).toEqual([
      expect.objectContaining({ functionName: 'auth-define-challenge', ok: true }),
    ]);
    // The environment that ran it is alive (kept warm), and the sandbox reports its memory.
    const info = await inbox<{
      memory: { rssMB: number; heapUsedMB: number };
      environments: Record<string, number>;
      invocations: Record<string, { invocations: number; coldStarts: number }>;
    }>('/api/info');
    expect(info.environments['auth-define-challenge']).toBeGreaterThanOrEqual(1);
    const counted = info.invocations['auth-define-challenge']!;
    expect(counted.invocations).toBeGreaterThanOrEqual(1);
    expect(counted.coldStarts).toBeGreaterThanOrEqual(1);
    expect(counted.coldStarts).toBeLessThanOrEqual(counted.invocations);
    expect(info.memory.heapUsedMB).toBeGreaterThan(0);
    expect(info.memory.rssMB).toBeGreaterThan(info.memory.heapUsedMB);
  });

  it('captures a function error in Sentry with the phone number scrubbed', async () => {
    const phone = '+821055501234';
    // The trigger echoes the pool id it was given into the error it throws.
    const result = await inbox<{ ok: boolean }>('/api/functions/user-post-confirmation/invoke', {
      method: 'POST',
      body: JSON.stringify({
        version: '1',
        region: 'ap-northeast-2',
        userPoolId: `pool-for-${phone}`,
        userName: phone,
        triggerSource: 'PostConfirmation_ConfirmSignUp',
        callerContext: { awsSdkVersion: 'test', clientId: 'test' },
        request: { userAttributes: { sub: '00000000-0000-4000-8000-000000000000', phone_number: phone } },
        response: {},
      }),
    });
    expect(result.ok).toBe(false);
    await expect
      .poll(async () => (await inbox<{ message: string }[]>('/api/errors')).length, { timeout: 10_000 })
      .toBeGreaterThan(0);
    const errors = await inbox<{ message: string; environment?: string }[]>('/api/errors');
    expect(errors[0]!.message).toMatch(/does not exist/);
    expect(JSON.stringify(errors)).not.toContain('55501234');
    expect(errors[0]!.environment).toBe('sandbox');
  });
});

describe('amplify_outputs.json', () => {
  it('is valid against the Amplify outputs schema and names the local endpoints', () => {
    // @aws-amplify/client-config ships the schema's TypeScript types only; the JSON schema is
    // vendored from aws-amplify/amplify-backend (packages/client-config/src/client-config-schema).
    const schema = JSON.parse(
      readFileSync(new URL('../fixtures/amplify-outputs-schema-v1.5.json', import.meta.url), 'utf8'),
    );
    // The version the installed ampx writes: a newer one needs its schema vendored here.
    expect(schema.properties.version.const).toBe(DEFAULT_CLIENT_CONFIG_VERSION);
    const outputs = JSON.parse(readFileSync(inject('outputsPath'), 'utf8'));
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv);
    const valid = ajv.validate(schema, outputs);
    expect(ajv.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    expect(Object.keys(outputs.custom.localSandbox)).toEqual(
      expect.arrayContaining(['userPoolEndpoint', 'inboxUrl', 'legacyApiUrl', 'caCertPath']),
    );
    expect(outputs.data.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/graphql$/);
  });
});
