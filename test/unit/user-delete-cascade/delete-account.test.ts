import type { AppSyncIdentity, AppSyncResolverEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { UserFacingError } from '../../../amplify/functions/shared/errors';
import { deletionSettings } from '../../../amplify/functions/user-delete-cascade/deletion-settings';
import { createHandler } from '../../../amplify/functions/user-delete-cascade/handler';
import { lambdaContext } from '../../support/lambda-context';
import {
  cascadeDeps,
  FakeWorld,
  LEAVER,
  LEAVER_USERNAME,
  NOW,
  removeRecord,
  seedAccount,
  streamEvent,
  TABLES,
} from './account-fakes';

const LATER = new Date(NOW.getTime() + 5 * 60_000);
const context = lambdaContext(300_000, 'user-delete-cascade');

let world: FakeWorld;
let clock: Date;

beforeEach(() => {
  world = new FakeWorld();
  clock = NOW;
});

afterEach(() => {
  vi.unstubAllEnvs();
});

const handler = () => createHandler(cascadeDeps(world, { now: () => clock }));

/** What Amplify's Lambda resolver sends for deleteAccount. */
function deleteAccount(identity: AppSyncIdentity | null, fieldName = 'deleteAccount') {
  return handler()(
    {
      typeName: 'Mutation',
      fieldName,
      arguments: {},
      identity,
      source: null,
      request: { headers: {}, domainName: null },
      prev: null,
    } as unknown as AppSyncResolverEvent<Record<string, never>>,
    context,
  );
}

const signedIn = (overrides: Record<string, unknown> = {}) =>
  ({
    sub: LEAVER,
    username: LEAVER_USERNAME,
    claims: { sub: LEAVER, 'cognito:username': LEAVER_USERNAME },
    issuer: 'https://cognito-idp.ap-northeast-2.amazonaws.com/ap-northeast-2_UNITTEST',
    sourceIp: ['203.0.113.7'],
    defaultAuthStrategy: 'ALLOW',
    groups: ['USERS'],
    ...overrides,
  }) as AppSyncIdentity;

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => {
      throw new Error('expected a refusal');
    },
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(UserFacingError);
  return (error as Error).message;
}

describe('mutation deleteAccount', () => {
  it.each([
    ['no identity', null],
    ['an IAM caller', { userArn: 'arn:aws:sts::123456789012:assumed-role/r/s', username: 'AROA:s' }],
  ])('refuses %s, and touches nothing', async (_case, identity) => {
    seedAccount(world);
    expect(await refusal(deleteAccount(identity as AppSyncIdentity | null))).toMatch(/^UNAUTHORIZED: /);
    expect(world.job()).toBeUndefined();
    expect(world.cognitoCalls).toEqual([]);
    expect(world.row(TABLES.userProfile, { id: LEAVER })).toBeDefined();
  });

  it('blocks sign-in, deletes the profile and answers IN_PROGRESS, leaving the rest to the stream', async () => {
    seedAccount(world);

    expect(await deleteAccount(signedIn())).toEqual({
      userId: LEAVER,
      status: 'IN_PROGRESS',
      requestedAt: NOW.toISOString(),
      completedAt: null,
    });

    expect(world.cognitoCalls.map((call) => [call.command, call.input.Username])).toEqual([
      ['AdminDisableUser', LEAVER_USERNAME],
      ['AdminUserGlobalSignOut', LEAVER_USERNAME],
    ]);
    expect(world.users.get(LEAVER_USERNAME)).toMatchObject({ enabled: false, signedOut: true });
    expect(world.row(TABLES.userProfile, { id: LEAVER })).toBeUndefined();
    expect(world.job()).toMatchObject({ status: 'IN_PROGRESS', done: ['sign-in-blocked'] });
    expect(world.rows(TABLES.device, (row) => row.userId === LEAVER)).toHaveLength(2);
  });

  it('answers a second call with the same job, without blocking again or racing the running cascade', async () => {
    seedAccount(world);
    await deleteAccount(signedIn());
    // The stream's invocation is working on the job.
    Object.assign(world.job()!, { leaseOwner: 'stream-run', leaseUntil: LATER.getTime() + 60_000 });
    world.cognitoCalls.length = 0;
    clock = LATER;

    expect(await deleteAccount(signedIn())).toEqual({
      userId: LEAVER,
      status: 'IN_PROGRESS',
      requestedAt: NOW.toISOString(),
      completedAt: null,
    });
    expect(world.cognitoCalls).toEqual([]);
    expect(world.rows(TABLES.device, (row) => row.userId === LEAVER)).toHaveLength(2);
    expect(world.job()).toMatchObject({ leaseOwner: 'stream-run' });
  });

  it('is completed by the REMOVE record of the profile it deleted, and then answers COMPLETED', async () => {
    seedAccount(world);
    const before = world.row(TABLES.userProfile, { id: LEAVER })!;
    await deleteAccount(signedIn());

    clock = LATER;
    expect(await handler()(streamEvent(removeRecord(before)), context)).toEqual({ batchItemFailures: [] });
    // Sign-in was blocked by the mutation: the cascade only deletes the Cognito user.
    expect(world.cognitoCalls.map((call) => call.command)).toEqual([
      'AdminDisableUser',
      'AdminUserGlobalSignOut',
      'ListUsers',
      'AdminDeleteUser',
    ]);
    world.cognitoCalls.length = 0;

    expect(await deleteAccount(signedIn())).toEqual({
      userId: LEAVER,
      status: 'COMPLETED',
      requestedAt: NOW.toISOString(),
      completedAt: LATER.toISOString(),
    });
    expect(world.cognitoCalls).toEqual([]);
    expect(world.published).toHaveLength(1);
  });

  it('runs the cascade itself when there is no profile row, since no REMOVE record will come', async () => {
    seedAccount(world);
    world.tables.get(TABLES.userProfile)!.delete(JSON.stringify([LEAVER]));

    expect(await deleteAccount(signedIn())).toMatchObject({
      status: 'COMPLETED',
      completedAt: NOW.toISOString(),
    });
    expect(world.rows(TABLES.device, (row) => row.userId === LEAVER)).toEqual([]);
    expect(world.rows(TABLES.conversationMember, (row) => row.userId === LEAVER)).toEqual([]);
    expect(world.users.has(LEAVER_USERNAME)).toBe(false);
  });

  it('resumes a stalled cascade on a later call once no invocation holds the job', async () => {
    seedAccount(world);
    await deleteAccount(signedIn());
    // The stream gave up on the record (its retries went to the on-failure queue).
    clock = LATER;

    expect(await deleteAccount(signedIn())).toMatchObject({
      status: 'COMPLETED',
      requestedAt: NOW.toISOString(),
    });
    expect(world.rows(TABLES.notification, (row) => row.userId === LEAVER)).toEqual([]);
  });

  it("uses the token's cognito:username claim, or looks the username up by sub", async () => {
    seedAccount(world);
    await deleteAccount(signedIn({ username: undefined }));
    expect(world.cognitoCalls[0]).toMatchObject({
      command: 'AdminDisableUser',
      input: { Username: LEAVER_USERNAME },
    });

    world = new FakeWorld();
    seedAccount(world);
    await deleteAccount(signedIn({ username: undefined, claims: { sub: LEAVER } }));
    expect(world.cognitoCalls.map((call) => call.command)).toEqual([
      'ListUsers',
      'AdminDisableUser',
      'AdminUserGlobalSignOut',
    ]);
  });

  it('still deletes the profile of a caller whose Cognito user is already gone', async () => {
    seedAccount(world);
    world.users.clear();
    expect(await deleteAccount(signedIn())).toMatchObject({ status: 'IN_PROGRESS' });
    expect(world.row(TABLES.userProfile, { id: LEAVER })).toBeUndefined();
    expect(world.job()?.done).toEqual(['sign-in-blocked']);
  });

  it('refuses a field it does not handle', async () => {
    await expect(deleteAccount(signedIn(), 'deleteEverything')).rejects.toThrow(
      'user-delete-cascade does not handle deleteEverything',
    );
  });
});

describe('DELETED_USER_MESSAGE_BODY', () => {
  it('keeps message text unless told to clear it', () => {
    vi.stubEnv('DELETED_USER_MESSAGE_BODY', '');
    expect(deletionSettings.messageBodyPolicy()).toBe('KEEP');
    vi.stubEnv('DELETED_USER_MESSAGE_BODY', 'clear');
    expect(deletionSettings.messageBodyPolicy()).toBe('CLEAR');
  });

  it('refuses any other value, naming the variable', () => {
    vi.stubEnv('DELETED_USER_MESSAGE_BODY', 'DELETE');
    expect(() => deletionSettings.messageBodyPolicy()).toThrow(/DELETED_USER_MESSAGE_BODY.*KEEP \| CLEAR/);
  });
});
