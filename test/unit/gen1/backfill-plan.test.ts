import { describe, expect, it } from 'vitest';
import { planItem } from '../../../scripts/gen1/backfill-plan';

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
