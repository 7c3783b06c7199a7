import type { TableSpec } from '../contracts';
import type { Templates } from './templates';

/** DynamoDB: Amplify's model tables, adopted Gen 1 tables and plain CloudFormation tables. */
export function readTables(t: Templates): TableSpec[] {
  const tables: TableSpec[] = [];
  for (const located of [
    ...t.ofType('Custom::AmplifyDynamoDBTable'),
    // Gen 1 tables this branch adopts: described like Amplify's own, but they must already exist.
    ...t.ofType('Custom::ImportedAmplifyDynamoDBTable'),
    ...t.ofType('AWS::DynamoDB::Table'),
  ]) {
    const p = t.props(located);
    const imported = located.resource.Type === 'Custom::ImportedAmplifyDynamoDBTable';
    const amplify = imported || located.resource.Type === 'Custom::AmplifyDynamoDBTable';
    const key = (entry: Record<string, string>) => ({
      AttributeName: entry.attributeName ?? entry.AttributeName!,
      KeyType: (entry.keyType ?? entry.KeyType) as 'HASH' | 'RANGE',
    });
    const gsis = ((amplify ? p.globalSecondaryIndexes : p.GlobalSecondaryIndexes) ?? []) as Record<
      string,
      unknown
    >[];
    const stream = (amplify ? p.streamSpecification : p.StreamSpecification) as
      | Record<string, string>
      | undefined;
    const ttl = (amplify ? p.timeToLiveSpecification : p.TimeToLiveSpecification) as
      | Record<string, unknown>
      | undefined;
    const tableName = String(amplify ? p.tableName : t.resolver.ref(located.stack, located.logicalId));
    tables.push({
      logicalId: located.logicalId,
      tableName,
      modelName: amplify ? tableName.split('-')[0] : undefined,
      keySchema: ((amplify ? p.keySchema : p.KeySchema) as Record<string, string>[]).map(key),
      attributeDefinitions: (
        (amplify ? p.attributeDefinitions : p.AttributeDefinitions) as Record<string, string>[]
      ).map((entry) => ({
        AttributeName: entry.attributeName ?? entry.AttributeName!,
        AttributeType: (entry.attributeType ?? entry.AttributeType) as 'S' | 'N' | 'B',
      })),
      globalSecondaryIndexes: gsis.map((index) => {
        const projection = (index.projection ?? index.Projection) as Record<string, unknown>;
        return {
          IndexName: String(index.indexName ?? index.IndexName),
          KeySchema: ((index.keySchema ?? index.KeySchema) as Record<string, string>[]).map(key),
          Projection: {
            ProjectionType: (projection.projectionType ?? projection.ProjectionType) as
              | 'ALL'
              | 'KEYS_ONLY'
              | 'INCLUDE',
            ...(projection.nonKeyAttributes || projection.NonKeyAttributes
              ? { NonKeyAttributes: (projection.nonKeyAttributes ?? projection.NonKeyAttributes) as string[] }
              : {}),
          },
        };
      }),
      streamViewType: (stream?.streamViewType ?? stream?.StreamViewType) as TableSpec['streamViewType'],
      ttlAttribute:
        ttl && (ttl.enabled ?? ttl.Enabled) ? String(ttl.attributeName ?? ttl.AttributeName) : undefined,
      ...(imported ? { imported: true } : {}),
    });
  }

  return tables;
}
