import { describe, expect, it } from 'vitest';
import type { TableSpec } from '../../../../local/contracts';
import { importMismatches } from '../../../../local/dynamodb/dynamodb-local';

const message: TableSpec = {
  logicalId: 'MessageTable',
  tableName: 'Message-x7k2m4q9r1t5w8y3z6b0c2d4e6-prod',
  modelName: 'Message',
  imported: true,
  keySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
  attributeDefinitions: [
    { AttributeName: 'id', AttributeType: 'S' },
    { AttributeName: 'conversationId', AttributeType: 'S' },
    { AttributeName: 'createdAt', AttributeType: 'S' },
  ],
  globalSecondaryIndexes: [
    {
      IndexName: 'messagesByConversationIdAndCreatedAt',
      KeySchema: [
        { AttributeName: 'conversationId', KeyType: 'HASH' },
        { AttributeName: 'createdAt', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    },
  ],
  streamViewType: 'NEW_AND_OLD_IMAGES',
};

/** DescribeTable's answer for a table made exactly like the spec. */
const described = (spec: TableSpec) => ({
  KeySchema: spec.keySchema,
  AttributeDefinitions: [...spec.attributeDefinitions].reverse(),
  GlobalSecondaryIndexes: spec.globalSecondaryIndexes,
  StreamSpecification: { StreamEnabled: true, StreamViewType: spec.streamViewType },
});

describe('the local sandbox checking an adopted Gen 1 table', () => {
  it('accepts a table with the same keys, indexes and stream, in any attribute order', () => {
    expect(importMismatches(message, described(message))).toEqual([]);
  });

  it('names a missing index, a stream left off and a different key, as the import on AWS refuses them', () => {
    const problems = importMismatches(message, {
      ...described(message),
      KeySchema: [{ AttributeName: 'conversationId', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [],
      StreamSpecification: { StreamEnabled: false },
    });
    expect(problems).toEqual([
      expect.stringMatching(/^key schema conversationId:HASH ≠ id:HASH/),
      expect.stringMatching(/^global secondary indexes {2}≠ messagesByConversationIdAndCreatedAt/),
      'stream off ≠ NEW_AND_OLD_IMAGES',
    ]);
  });
});
