import { describe, expect, it } from 'vitest';
import { deviceIdForToken } from '../../../../amplify/functions/shared/push/device-id';
import { planDeviceMove, planItem } from '../../../../scripts/gen1/backfill-plan';

describe('the Gen 1 backfill plan for one item', () => {
  it('deletes an item DataStore soft-deleted', () => {
    expect(planItem({ id: 'm1', _deleted: true, _version: 3 }, ['memberIds'])).toEqual({
      action: 'delete',
      reason: 'soft-deleted',
    });
  });

  it('rewrites sub::username owner values to the bare sub, in strings and lists, without duplicates', () => {
    const plan = planItem(
      { id: 'c1', owner: 'sub-a::01012345678', memberIds: ['sub-a::01012345678', 'sub-a', 'sub-b'] },
      ['owner', 'memberIds'],
    );
    expect(plan).toEqual({
      action: 'update',
      set: { owner: 'sub-a', memberIds: ['sub-a', 'sub-b'] },
      before: { owner: 'sub-a::01012345678', memberIds: ['sub-a::01012345678', 'sub-a', 'sub-b'] },
    });
  });

  it('keeps an item already in this backend’s form, so a second run changes nothing', () => {
    expect(
      planItem({ id: 'c1', memberIds: ['sub-a', 'sub-b'], _version: 2, _deleted: false }, ['memberIds']),
    ).toEqual({
      action: 'keep',
    });
  });
});

describe('moving a Gen 1 device row to its token’s id', () => {
  const token = `fcm-${'x'.repeat(140)}`;
  const gen1 = {
    id: '0b8e2f4a-6c1d-4e3f-a5b7-c9d1e3f5a7b9',
    userId: 'sub-a',
    platform: 'GCM',
    token,
    lastSeenAt: '2025-10-28T22:51:40.116Z',
    createdAt: '2024-03-02T01:13:09.004Z',
  };

  it('moves a row under a random id to the id device-register gives its token, keeping token, owner, platform and times', () => {
    expect(planDeviceMove(gen1, undefined)).toEqual({
      action: 'move',
      put: { ...gen1, id: deviceIdForToken(token) },
    });
  });

  it('drops the Gen 1 row when the phone registered the token again since', () => {
    const registered = { ...gen1, id: deviceIdForToken(token), lastSeenAt: '2026-01-05T08:00:00.000Z' };
    expect(planDeviceMove(gen1, registered)).toEqual({ action: 'drop' });
  });

  it('lets the most recently seen of two Gen 1 rows of one token win, whichever comes first', () => {
    const older = { ...gen1, id: 'older', userId: 'sub-b', lastSeenAt: '2024-07-01T00:00:00.000Z' };
    const olderMoved = { ...older, id: deviceIdForToken(token) };
    expect(planDeviceMove(gen1, olderMoved)).toEqual({
      action: 'replace',
      put: { ...gen1, id: deviceIdForToken(token) },
      replacing: olderMoved,
    });
    expect(planDeviceMove(older, { ...gen1, id: deviceIdForToken(token) })).toEqual({ action: 'drop' });
  });

  it('keeps a row under its token’s id already, so a second run moves nothing', () => {
    expect(planDeviceMove({ ...gen1, id: deviceIdForToken(token) }, undefined)).toEqual({ action: 'keep' });
  });
});
