import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  complexDirectory,
  matchComplex,
} from '../../../amplify/functions/real-transaction-update/complex-directory';
import { COMPLEX_TABLE, ddb, FakeDynamo } from './trade-fixtures';

const trade = { lawdCode: '11680', complexName: '래미안대치팰리스', jibun: '1027', dong: '대치동' };

describe('matchComplex', () => {
  it('matches by name and 지번, whatever the spacing in the name', () => {
    const rows = [
      { id: 'CPX-1', name: '래미안 대치팰리스', jibun: '1027', dong: '대치동' },
      { id: 'CPX-2', name: '은마', jibun: '316', dong: '대치동' },
    ];
    expect(matchComplex(rows, trade)?.id).toBe('CPX-1');
  });

  it('does not match a complex with the same name on another 지번', () => {
    expect(matchComplex([{ id: 'CPX-1', name: '래미안대치팰리스', jibun: '1028' }], trade)).toBeUndefined();
  });

  it('lets the 법정동 decide between two complexes with the same name and 지번', () => {
    const rows = [
      { id: 'CPX-1', name: '래미안대치팰리스', jibun: '1027', dong: '도곡동' },
      { id: 'CPX-2', name: '래미안대치팰리스', jibun: '1027', dong: '대치동' },
    ];
    expect(matchComplex(rows, trade)?.id).toBe('CPX-2');
    expect(matchComplex(rows, { ...trade, dong: '개포동' })).toBeUndefined();
  });
});

describe('complexDirectory', () => {
  let dynamo: FakeDynamo;
  beforeEach(() => {
    ddb.reset();
    dynamo = new FakeDynamo();
    dynamo.install();
  });
  afterEach(() => {
    ddb.reset();
  });

  it('answers the complexId and regionCode, querying each 시군구 once', async () => {
    dynamo.complexes.push(
      {
        id: 'CPX-1002',
        name: '래미안대치팰리스',
        jibun: '1027',
        dong: '대치동',
        lawdCode: '11680',
        regionCode: '1168010600',
      },
      {
        id: 'CPX-2001',
        name: '래미안퍼스티지',
        jibun: '20-4',
        dong: '반포동',
        lawdCode: '11650',
        regionCode: '1165010700',
      },
    );
    const directory = complexDirectory({ tableName: () => COMPLEX_TABLE });
    expect(await directory.find(trade)).toEqual({ complexId: 'CPX-1002', regionCode: '1168010600' });
    expect(await directory.find({ ...trade, complexName: '없는단지' })).toBeUndefined();
    expect(
      await directory.find({
        lawdCode: '11650',
        complexName: '래미안퍼스티지',
        jibun: '20-4',
        dong: '반포동',
      }),
    ).toEqual({
      complexId: 'CPX-2001',
      regionCode: '1165010700',
    });
    expect(dynamo.queries.map((query) => query.ExpressionAttributeValues?.[':lawdCode'])).toEqual([
      '11680',
      '11650',
    ]);
  });

  it('sends a regionCode that is not 10 digits as null', async () => {
    dynamo.complexes.push({
      id: 'CPX-1002',
      name: '래미안대치팰리스',
      jibun: '1027',
      lawdCode: '11680',
      regionCode: '11680',
    });
    const directory = complexDirectory({ tableName: () => COMPLEX_TABLE });
    expect(await directory.find(trade)).toEqual({ complexId: 'CPX-1002', regionCode: null });
  });
});
