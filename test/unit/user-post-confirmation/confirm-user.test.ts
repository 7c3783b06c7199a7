import { describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../../amplify/functions/shared/events';
import {
  type ConfirmUserDeps,
  confirmUser,
  type UserProfileRow,
} from '../../../amplify/functions/user-post-confirmation/confirm-user';
import { postConfirmationEvent, SUB } from '../../fixtures/cognito/events';

const FIRST_RUN = new Date('2026-03-14T02:00:00.000Z');

/** A profile table that keeps the first row per id, a user pool's groups and a topic, in memory. */
function fakes() {
  const profiles = new Map<string, UserProfileRow>();
  const groupAdds: { userPoolId: string; userName: string; group: string }[] = [];
  const published: EventEnvelope<string, unknown>[] = [];
  let clock = FIRST_RUN;
  const deps: ConfirmUserDeps = {
    putProfileOnce: async (profile) => {
      if (profiles.has(profile.id)) return false;
      profiles.set(profile.id, profile);
      return true;
    },
    addToGroup: async (user, group) => {
      groupAdds.push({ ...user, group });
    },
    publish: async (event) => {
      published.push(event);
    },
    now: () => clock,
  };
  return {
    deps,
    profiles,
    groupAdds,
    published,
    later: (ms: number) => {
      clock = new Date(clock.getTime() + ms);
    },
  };
}

describe('confirming a new member', () => {
  it('creates the profile, adds the USERS group and publishes user.created', async () => {
    const { deps, profiles, groupAdds, published } = fakes();
    const confirmed = await confirmUser(postConfirmationEvent(), deps);
    expect(confirmed).toEqual({ userId: SUB, profileCreated: true });
    expect([...profiles.values()]).toEqual([
      expect.objectContaining({
        __typename: 'UserProfile',
        id: SUB,
        role: 'USER',
        phone: '+821012345678',
        createdAt: FIRST_RUN.toISOString(),
      }),
    ]);
    expect(groupAdds).toEqual([{ userPoolId: 'ap-northeast-2_AbCdEfGhI', userName: SUB, group: 'USERS' }]);
    expect(published).toEqual([
      {
        type: 'user.created',
        id: `user.created:${SUB}`,
        occurredAt: FIRST_RUN.toISOString(),
        version: 1,
        payload: { userId: SUB },
      },
    ]);
    expect(JSON.stringify(published)).not.toContain('1012345678');
  });

  it('creates no second profile when Cognito retries, but still adds the group and publishes the same event id', async () => {
    const { deps, profiles, groupAdds, published, later } = fakes();
    await confirmUser(postConfirmationEvent(), deps);
    later(4_000);
    const retried = await confirmUser(postConfirmationEvent(), deps);
    expect(retried).toEqual({ userId: SUB, profileCreated: false });
    expect(profiles.size).toBe(1);
    expect(profiles.get(SUB)!.createdAt).toBe(FIRST_RUN.toISOString());
    expect(groupAdds.map((add) => add.group)).toEqual(['USERS', 'USERS']);
    expect(published.map((event) => event.id)).toEqual([`user.created:${SUB}`, `user.created:${SUB}`]);
  });

  it('changes nothing after a forgotten-password confirmation', async () => {
    const { deps, profiles, groupAdds, published } = fakes();
    const event = postConfirmationEvent('PostConfirmation_ConfirmForgotPassword');
    await expect(confirmUser(event, deps)).resolves.toBeUndefined();
    expect(profiles.size).toBe(0);
    expect(groupAdds).toEqual([]);
    expect(published).toEqual([]);
  });

  it.each([
    ['the profile write', 'putProfileOnce'],
    ['adding the group', 'addToGroup'],
    ['publishing user.created', 'publish'],
  ] as const)('fails, so that Cognito retries, when %s fails', async (_step, name) => {
    const { deps, published } = fakes();
    const failure = new Error(`${name} is unavailable`);
    const failing: ConfirmUserDeps = {
      ...deps,
      [name]: async () => {
        throw failure;
      },
    };
    await expect(confirmUser(postConfirmationEvent(), failing)).rejects.toBe(failure);
    // user.created goes out only for a member who has a profile and the group.
    expect(published).toEqual([]);
  });
});
